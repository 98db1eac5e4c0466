variable "cluster_name" {
  type = string
}

variable "cluster_id" {
  type = string
}

variable "cluster_endpoint" {
  type = string
}

variable "cluster_ca_cert" {
  type = string
}


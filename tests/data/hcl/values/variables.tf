variable "environment" {
  type    = string
  default = "prod"
}

variable "retention_days" {
  default = 30
}

variable "allowed_cidrs" {
  default = ["10.0.0.0/8"]
}

variable "vpc_id" {
  description = "no default: set at plan time"
  type        = string
}

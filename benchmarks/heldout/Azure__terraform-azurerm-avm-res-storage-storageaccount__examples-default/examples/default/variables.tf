variable "bypass_ip_cidr" {
  type    = string
  default = null
}

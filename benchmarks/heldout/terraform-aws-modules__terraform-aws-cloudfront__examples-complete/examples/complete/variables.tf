variable "enable_ipv6" {
  type        = bool
  default     = true
  description = "Description: Whether to enable IPv6 for the distribution."
}

variable "monitoring" {
 default = true
}

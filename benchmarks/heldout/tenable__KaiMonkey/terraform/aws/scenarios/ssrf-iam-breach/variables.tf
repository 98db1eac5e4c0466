#SSH Public Key
variable "ssh-public-key-for-ec2" {
  default = "./demo-attack.pub"
}
#SSH Private Key
variable "ssh-private-key-for-ec2" {
  default = "./demo-attack"
}

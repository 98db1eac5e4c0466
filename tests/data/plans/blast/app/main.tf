variable "db_host" {}
resource "terraform_data" "server" {
  count = 2
  input = var.db_host
}
resource "terraform_data" "dns" {
  input = terraform_data.server[0].output
}
output "server_ids" {
  value = terraform_data.server[*].id
}

variable "rev" {
  type = string
}

resource "terraform_data" "this" {
  triggers_replace = var.rev
  input            = "orders"
}

output "all" {
  value = terraform_data.this
}

output "name" {
  value = terraform_data.this.output
}

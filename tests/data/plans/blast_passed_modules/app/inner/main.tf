variable "db" {
  type = any
}

resource "terraform_data" "deep" {
  input = var.db.all.id
}

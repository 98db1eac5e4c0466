variable "db" {
  type = any
}

variable "db_name" {
  type = string
}

resource "terraform_data" "uses_db" {
  input = var.db.all.id
}

resource "terraform_data" "uses_name" {
  input = var.db_name
}

module "inner" {
  source = "./inner"
  db     = var.db
}

output "db" {
  value = var.db
}

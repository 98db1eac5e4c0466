variable "rev" {
  type    = string
  default = "v1"
}

module "db" {
  source = "./db"
  rev    = var.rev
}

module "dbs" {
  source = "./db"
  count  = 1
  rev    = var.rev
}

module "keyed" {
  source   = "./db"
  for_each = toset(["k"])
  rev      = var.rev
}

resource "terraform_data" "after_db" {
  input      = "runs after the database"
  depends_on = [module.db]
}

resource "terraform_data" "unrelated" {
  input = "x"
}

output "whole" {
  value = module.db
}

output "indexed" {
  value = module.dbs[0]
}

output "keyed" {
  value = module.keyed["k"]
}

output "splat" {
  value = one(module.dbs[*].all)
}

output "values" {
  value = values(module.keyed)
}

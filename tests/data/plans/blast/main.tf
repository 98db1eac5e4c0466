resource "terraform_data" "db" {
  triggers_replace = "v2"
  input            = "orders"
}
module "app" {
  source  = "./app"
  db_host = terraform_data.db.output
}
resource "terraform_data" "alarm" {
  input = "no queue"
}
resource "terraform_data" "unrelated" {
  input = "x"
}
output "db_id" {
  value = terraform_data.db.id
}

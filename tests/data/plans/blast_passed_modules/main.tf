variable "rev" {
  type    = string
  default = "v1"
}

module "db" {
  source = "./db"
  rev    = var.rev
}

# a whole module, and one of its outputs, passed into another module through variables
module "app" {
  source  = "./app"
  db      = module.db
  db_name = module.db.name
}

resource "terraform_data" "peer" {
  triggers_replace = var.rev
  input            = "peer"
}

# a module whose only object is a data source reading the peer
module "reader" {
  source  = "./reader"
  peer_id = terraform_data.peer.id
}

resource "terraform_data" "after_reader" {
  input      = "runs after the reader"
  depends_on = [module.reader]
}

resource "terraform_data" "unrelated" {
  input = "x"
}

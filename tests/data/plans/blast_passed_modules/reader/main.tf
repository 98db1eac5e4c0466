variable "peer_id" {
  type = string
}

data "terraform_remote_state" "peer" {
  backend = "local"
  config = {
    path = "${path.module}/peer.tfstate"
  }
  defaults = {
    id = var.peer_id
  }
}

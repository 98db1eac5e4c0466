module "site" {
  source   = "./site"
  for_each = toset(["a.b", "q\"uote", "br]ack[et", "ünï", "$${x}", "back\\slash", "nb\u00a0sp", "50%%{y}"])
  name     = each.key
}

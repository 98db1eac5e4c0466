terraform {
  required_version = ">= 0.13.0"

  required_providers {
    aws = ">= 3.41.0"
  }
}

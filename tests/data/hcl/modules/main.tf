module "assets" {
  source      = "./modules/bucket"
  bucket_name = "assets-prod"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

resource "aws_s3_bucket" "root" {
  bucket = "root"
}

variable "bucket_name" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket = var.bucket_name
}

module "log" {
  source = "./modules/log"
  target = aws_s3_bucket.this.id
}

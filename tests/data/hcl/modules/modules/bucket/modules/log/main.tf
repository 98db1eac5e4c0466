variable "target" {
  type = string
}

resource "aws_s3_bucket_logging" "this" {
  bucket        = var.target
  target_bucket = "central-logs"
}

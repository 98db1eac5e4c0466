# Comments meant as suppressions that suppress nothing: each is reported as a notice, never silently ignored.

# tfreview:ignore TFR-AWS-001 a space, not =
resource "aws_s3_bucket" "spaced" {
  bucket = "spaced"
  acl    = "public-read"
}

resource "aws_s3_bucket" "shouting" {
  bucket = "shouting"
  acl    = "public-read" # TFREVIEW:IGNORE=TFR-AWS-001 the prefix in the wrong case
}

# tfreview:ignore=TFR-AWS-999 no rule has this id
resource "aws_s3_bucket" "unknown" {
  bucket = "unknown"
  acl    = "public-read"
}

# tfreview:ignore=tfr-aws-001 the id in the wrong case
resource "aws_s3_bucket" "lowercase" {
  bucket = "lowercase"
  acl    = "public-read"
}

resource "aws_s3_bucket" "checkov" {
  # checkov:skip=CKV_AWS_999:no rule maps this Checkov id
  bucket = "checkov"
  acl    = "public-read"
}

# tfreview:ignore=TFR-AWS-001 read: a suppression that works stays quiet
resource "aws_s3_bucket" "website" {
  bucket = "website"
  acl    = "public-read" # checkov:skip=CKV_AWS_20:mapped by TFR-AWS-001
}

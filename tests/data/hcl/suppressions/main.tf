# The website bucket is public on purpose.
# tfreview:ignore=TFR-AWS-001,TFR-AWS-002 public website, reviewed by security
resource "aws_s3_bucket" "website" {
  bucket = "www.example.com"
  acl    = "public-read" # tfsec:ignore:aws-s3-no-public-access-with-acl:exp:2025-12-31

  #trivy:ignore:AVD-AWS-0086
  // tfreview:ignore=TFR-AWS-003 versioning is not needed for a static site
  versioning {
    enabled = false
  }
}

resource "aws_s3_bucket" "data" {
  # checkov:skip=CKV_AWS_18:access logs are collected by CloudTrail data events
  bucket = "data"
}

resource "aws_s3_bucket" "plain" {
  bucket = "plain" # an ordinary comment
}

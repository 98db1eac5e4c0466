# Primary in eu-west-1, standby in eu-central-1: a DynamoDB global table replica, and a Route 53 failover record
# (origin.tfreview.example.com) that CloudFront calls: the primary's API while its /healthz answers, else the
# standby's. Apply the standby first (its origin_target output feeds the primary's dr.secondary_target_*).
terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60.0, < 7.0.0"
    }
  }
}

variable "hosted_zone_id" {
  description = "The Route 53 zone of example.com."
  type        = string
}

variable "origin_certificates" {
  description = "ACM certificates of origin.tfreview.example.com in each region (regional API custom domains)."
  type        = object({ primary = string, standby = string })
}

variable "issuer" {
  description = "An OIDC issuer that survives a region (an external one: a Cognito pool is regional)."
  type        = string
}

variable "audience" {
  description = "The client ids the API accepts from the issuer."
  type        = list(string)
}

provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "standby"
  region = "eu-central-1"
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

locals {
  origin = "origin.tfreview.example.com"
}

module "standby" {
  source = "../.."

  providers = {
    aws           = aws.standby
    aws.us_east_1 = aws.us_east_1
    aws.dr        = aws.standby
  }

  name                = "tfreview-standby"
  standby             = true
  table_name          = "tfreview-reviews" # the primary's global table
  lambda_package_file = "${path.root}/tfreview-lambda.zip"
  jwt_issuer          = var.issuer
  jwt_audience        = var.audience
  disabled_alerts     = ["webhook-silence-github", "webhook-silence-spacelift"] # quiet until it takes over

  dr = {
    region                   = "eu-west-1"
    hosted_zone_id           = var.hosted_zone_id
    origin_domain_name       = local.origin
    certificate_arn          = var.origin_certificates.standby
    secondary_target_domain  = ""
    secondary_target_zone_id = ""
  }
}

module "primary" {
  source = "../.."

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
    aws.dr        = aws.standby
  }

  name                = "tfreview"
  lambda_package_file = "${path.root}/tfreview-lambda.zip"
  jwt_issuer          = var.issuer
  jwt_audience        = var.audience
  bedrock_model_ids   = ["anthropic.claude-3-5-haiku-20241022-v1:0"]

  dr = {
    region                   = "eu-central-1"
    hosted_zone_id           = var.hosted_zone_id
    origin_domain_name       = local.origin
    certificate_arn          = var.origin_certificates.primary
    secondary_target_domain  = module.standby.origin_target.domain_name
    secondary_target_zone_id = module.standby.origin_target.zone_id
  }
}

output "url" {
  value = module.primary.url
}

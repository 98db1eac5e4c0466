# The smallest deployment: one region, Cognito as the issuer, GitHub only, Bedrock for the AI review.
terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60.0, < 7.0.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

module "tfreview" {
  source = "../.."

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
    aws.dr        = aws # no DR region: the alias is required, never used
  }

  name                = "tfreview"
  lambda_package_file = "${path.root}/tfreview-lambda.zip"
  bedrock_model_ids   = ["anthropic.claude-3-5-haiku-20241022-v1:0"]
  disabled_alerts     = ["webhook-silence-spacelift"]
  alarm_emails        = { "2" = ["oncall@example.com"], "3" = ["platform-leads@example.com"] }
}

output "url" {
  value = module.tfreview.url
}

output "secret_arns" {
  value = module.tfreview.secret_arns
}

terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60.0, < 7.0.0"
      # aws.us_east_1: the WAF web ACL of CloudFront and the Route 53 health check alarm (both live in us-east-1)
      # aws.dr: the disaster-recovery region (the table replica's KMS key); pass `aws` when var.dr is null
      configuration_aliases = [aws.us_east_1, aws.dr]
    }
  }
}

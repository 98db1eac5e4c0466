# The edge: CloudFront in front of the HTTP API, with the WAF web ACL. AWS WAF cannot be associated with an API
# Gateway HTTP API (only REST APIs, CloudFront, ALB, AppSync, Cognito…), so the ACL sits on the distribution
# (scope CLOUDFRONT, in us-east-1). The API's own endpoint stays reachable; its stage throttling is the backstop
# (docs/adr/0191-aws-module-edge.md).
resource "aws_wafv2_ip_set" "blocked" {
  provider = aws.us_east_1

  name               = "${var.name}-blocked"
  description        = "addresses blocked by the operator (var.blocked_ip_cidrs)"
  scope              = "CLOUDFRONT"
  ip_address_version = "IPV4"
  addresses          = var.blocked_ip_cidrs
  tags               = local.tags

}

# tfreview's own blocks (the door): the watchdog function writes the active IPv4 blocks here every minute
# (TFREVIEW_DOOR__WAF_IP_SET_ARN, tfreview.store.aws.waf); Terraform leaves its addresses alone
resource "aws_wafv2_ip_set" "synced" {
  provider = aws.us_east_1

  name               = "${var.name}-blocked-by-tfreview"
  description        = "tfreview's block list, written by the watchdog function"
  scope              = "CLOUDFRONT"
  ip_address_version = "IPV4"
  addresses          = []
  tags               = local.tags

  lifecycle {
    ignore_changes = [addresses]
  }
}

resource "aws_wafv2_web_acl" "edge" {
  provider = aws.us_east_1

  name        = var.name
  description = "tfreview: block list, per-address rate limit, AWS managed rules"
  scope       = "CLOUDFRONT"
  tags        = local.tags

  default_action {
    allow {}
  }

  rule {
    name     = "block-list"
    priority = 0
    action {
      block {
        custom_response {
          response_code = 429 # as `serve` answers a blocked or over-rate source (ADR 0559)
        }
      }
    }
    statement {
      ip_set_reference_statement {
        arn = aws_wafv2_ip_set.blocked.arn
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-block-list"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "block-list-synced"
    priority = 1
    action {
      block {
        custom_response {
          response_code = 429 # as `serve` answers a blocked or over-rate source (ADR 0559)
        }
      }
    }
    statement {
      ip_set_reference_statement {
        arn = aws_wafv2_ip_set.synced.arn
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-block-list-synced"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate-per-address"
    priority = 2
    action {
      block {
        custom_response {
          response_code = 429 # as `serve` answers a blocked or over-rate source (ADR 0559)
        }
      }
    }
    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit
        aggregate_key_type = "IP"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate"
      sampled_requests_enabled   = true
    }
  }

  dynamic "rule" {
    for_each = {
      AWSManagedRulesCommonRuleSet          = 3
      AWSManagedRulesKnownBadInputsRuleSet  = 4
      AWSManagedRulesAmazonIpReputationList = 5
    }
    content {
      name     = rule.key
      priority = rule.value
      override_action {
        none {}
      }
      statement {
        managed_rule_group_statement {
          vendor_name = "AWS"
          name        = rule.key

          # plans and webhook payloads are large JSON bodies: the size rule would refuse legitimate uploads
          dynamic "rule_action_override" {
            for_each = rule.key == "AWSManagedRulesCommonRuleSet" ? ["SizeRestrictions_BODY"] : []
            content {
              name = rule_action_override.value
              action_to_use {
                count {}
              }
            }
          }
        }
      }
      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }
}

data "aws_iam_policy_document" "edge_key" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"] # a key policy's only resource is the key itself
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncrypts"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.us-east-1.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:us-east-1:${local.account}:log-group:aws-waf-logs-${var.name}"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

# what lives in us-east-1 (the WAF's log group, the alert topics of the alarms there) has its key there too
resource "aws_kms_key" "edge" {
  provider = aws.us_east_1

  description             = "${var.name}: us-east-1 (the WAF log group, the alert topics)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.edge_key.json
  tags                    = local.tags
}

resource "aws_cloudwatch_log_group" "waf" {
  provider = aws.us_east_1

  name              = "aws-waf-logs-${var.name}" # WAF requires the aws-waf-logs- prefix
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.edge.arn
  tags              = local.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "edge" {
  provider = aws.us_east_1

  resource_arn            = aws_wafv2_web_acl.edge.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
}

data "aws_cloudfront_cache_policy" "disabled" {
  name = "Managed-CachingDisabled"
}

data "aws_cloudfront_origin_request_policy" "all_but_host" {
  name = "Managed-AllViewerExceptHostHeader"
}

resource "aws_cloudfront_distribution" "edge" {
  enabled         = true
  comment         = "tfreview (${var.name})"
  web_acl_id      = aws_wafv2_web_acl.edge.arn
  http_version    = "http2and3"
  is_ipv6_enabled = false # the WAF IP set holds IPv4 addresses
  price_class     = "PriceClass_100"

  origin {
    origin_id   = "api"
    domain_name = var.dr != null ? var.dr.origin_domain_name : replace(aws_apigatewayv2_api.http.api_endpoint, "https://", "")

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id         = "api"
    viewer_protocol_policy   = "redirect-to-https"
    allowed_methods          = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods           = ["GET", "HEAD"]
    cache_policy_id          = data.aws_cloudfront_cache_policy.disabled.id
    origin_request_policy_id = data.aws_cloudfront_origin_request_policy.all_but_host.id
    compress                 = true
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  aliases = var.edge_domain != null ? [var.edge_domain.domain_name] : []

  viewer_certificate {
    cloudfront_default_certificate = var.edge_domain == null
    acm_certificate_arn            = var.edge_domain != null ? var.edge_domain.acm_certificate_arn : null
    ssl_support_method             = var.edge_domain != null ? "sni-only" : null
    minimum_protocol_version       = var.edge_domain != null ? "TLSv1.2_2021" : "TLSv1" # the default certificate allows no other
  }

  tags = local.tags
}

# Disaster recovery (var.dr): the table is a global table with a replica in var.dr.region (dynamodb.tf), and
# the origin CloudFront calls is a Route 53 failover record: this region's API while its /healthz answers, the
# standby deployment's (the same module in the DR region with standby = true) otherwise.
# Without var.dr the health check still probes /healthz: the `service-unreachable` alarm watches it.
resource "aws_route53_health_check" "api" {
  fqdn              = replace(aws_apigatewayv2_api.http.api_endpoint, "https://", "")
  type              = "HTTPS"
  port              = 443
  resource_path     = "/healthz"
  request_interval  = 30
  failure_threshold = 3
  measure_latency   = false
  tags              = merge(local.tags, { Name = "${var.name}-healthz" })
}

resource "aws_apigatewayv2_domain_name" "origin" {
  count = var.dr != null ? 1 : 0

  domain_name = var.dr.origin_domain_name

  domain_name_configuration {
    certificate_arn = var.dr.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = local.tags
}

resource "aws_apigatewayv2_api_mapping" "origin" {
  count = var.dr != null ? 1 : 0

  api_id      = aws_apigatewayv2_api.http.id
  domain_name = aws_apigatewayv2_domain_name.origin[0].id
  stage       = aws_apigatewayv2_stage.default.id
}

resource "aws_route53_record" "primary" {
  count = var.dr != null && !var.standby ? 1 : 0

  zone_id         = var.dr.hosted_zone_id
  name            = var.dr.origin_domain_name
  type            = "A"
  set_identifier  = "${var.name}-primary"
  health_check_id = aws_route53_health_check.api.id

  failover_routing_policy {
    type = "PRIMARY"
  }

  alias {
    name                   = aws_apigatewayv2_domain_name.origin[0].domain_name_configuration[0].target_domain_name
    zone_id                = aws_apigatewayv2_domain_name.origin[0].domain_name_configuration[0].hosted_zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "secondary" {
  count = var.dr != null && !var.standby ? 1 : 0

  zone_id        = var.dr.hosted_zone_id
  name           = var.dr.origin_domain_name
  type           = "A"
  set_identifier = "${var.name}-secondary"

  failover_routing_policy {
    type = "SECONDARY"
  }

  alias {
    name                   = var.dr.secondary_target_domain
    zone_id                = var.dr.secondary_target_zone_id
    evaluate_target_health = true
  }
}

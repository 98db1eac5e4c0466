# API Gateway HTTP API (payload 2.0) → the http function. The JWT authorizer guards var.jwt_routes; the webhooks
# and the dashboard are not authenticated at the gateway (the app checks webhook signatures and sessions).
resource "aws_apigatewayv2_api" "http" {
  name          = var.name
  protocol_type = "HTTP"
  description   = "tfreview: API, webhooks and dashboard"
  tags          = local.tags
}

resource "aws_apigatewayv2_integration" "http" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.this["http"].invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 29000
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.http.id
  name             = "${var.name}-jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = local.jwt_issuer
    audience = local.jwt_audience
  }
}

resource "aws_apigatewayv2_route" "jwt" {
  for_each = toset(var.jwt_routes)

  api_id             = aws_apigatewayv2_api.http.id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.http.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}

# the webhooks: signature checked by the app (an authorizer cannot verify a body's HMAC)
resource "aws_apigatewayv2_route" "webhook" {
  for_each = toset(["POST /webhooks/github", "POST /webhooks/spacelift"])

  api_id             = aws_apigatewayv2_api.http.id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.http.id}"
  authorization_type = "NONE" # webhooks authenticate by HMAC signature in the app
}

# everything else (dashboard with its own OIDC sign-in, /healthz, /upload with API tokens)
resource "aws_apigatewayv2_route" "default" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "$default"
  target             = "integrations/${aws_apigatewayv2_integration.http.id}"
  authorization_type = "NONE" # sessions and API tokens are checked by the app
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this["logs"].arn
  tags              = local.tags
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.api_throttle.burst
    throttling_rate_limit  = var.api_throttle.rate
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format = jsonencode({
      requestId = "$context.requestId"
      ip        = "$context.identity.sourceIp"
      time      = "$context.requestTime"
      route     = "$context.routeKey"
      status    = "$context.status"
      latency   = "$context.integrationLatency"
      error     = "$context.authorizer.error"
    })
  }

  tags = local.tags
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["http"].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.http.execution_arn}/*/*"
}

# Cognito: the OIDC issuer of the dashboard's sign-in and of API JWTs (unless var.jwt_issuer names another)
resource "aws_cognito_user_pool" "users" {
  count = var.jwt_issuer == "" ? 1 : 0

  name                = var.name
  deletion_protection = "ACTIVE"
  mfa_configuration   = "OPTIONAL"

  software_token_mfa_configuration {
    enabled = true
  }

  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  password_policy {
    minimum_length                   = 14
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  user_pool_add_ons {
    advanced_security_mode = "ENFORCED"
  }

  tags = local.tags
}

resource "aws_cognito_user_pool_client" "dashboard" {
  count = var.jwt_issuer == "" ? 1 : 0

  name                                 = "${var.name}-dashboard"
  user_pool_id                         = aws_cognito_user_pool.users[0].id
  generate_secret                      = false
  allowed_oauth_flows_user_pool_client = length(var.cognito_callback_urls) > 0
  allowed_oauth_flows                  = length(var.cognito_callback_urls) > 0 ? ["code"] : []
  allowed_oauth_scopes                 = length(var.cognito_callback_urls) > 0 ? ["openid", "email"] : []
  callback_urls                        = var.cognito_callback_urls
  supported_identity_providers         = ["COGNITO"]
  explicit_auth_flows                  = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]
  prevent_user_existence_errors        = "ENABLED"
  enable_token_revocation              = true
  access_token_validity                = 60
  id_token_validity                    = 60
  refresh_token_validity               = 30

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

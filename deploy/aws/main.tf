data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.name
  partition = data.aws_partition.current.partition
  tags      = merge({ "app" = "tfreview", "tfreview:deployment" = var.name }, var.tags)

  # the five functions: handler, trigger, timeout (seconds)
  functions = {
    http      = { handler = "tfreview.lambda_handlers.http", timeout = 29 }
    worker    = { handler = "tfreview.lambda_handlers.worker", timeout = var.worker_timeout_seconds }
    reaper    = { handler = "tfreview.lambda_handlers.reaper", timeout = 60 }
    reconcile = { handler = "tfreview.lambda_handlers.reconcile", timeout = 300 }
    watchdog  = { handler = "tfreview.lambda_handlers.watchdog", timeout = 60 }
  }
  schedules = {
    reaper    = "rate(1 minute)"
    reconcile = "rate(5 minutes)"
    watchdog  = "rate(1 minute)"
  }

  table_name = var.table_name != "" ? var.table_name : "${var.name}-reviews"
  table_arn  = "arn:${local.partition}:dynamodb:${local.region}:${local.account}:table/${local.table_name}"
  queue_name = var.name

  # each wired secret setting names its Secrets Manager secret (aws-sm:ARN): read at run time, never in state.
  # A setting that is not wired stays unset (that integration is off).
  secret_settings = {
    github_webhook_secrets    = { variable = "TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM", list = false }
    spacelift_webhook_secrets = { variable = "TFREVIEW_SPACELIFT__WEBHOOK_SECRETS_FROM", list = false }
    github_app_private_key    = { variable = "TFREVIEW_GITHUB_APP__PRIVATE_KEYS", list = true }
    github_app_marker_secret  = { variable = "TFREVIEW_GITHUB_APP__MARKER_SECRET", list = false }
    spacelift_api_key_secret  = { variable = "TFREVIEW_SPACELIFT_API__API_KEY_SECRET", list = false }
    dashboard_session_secret  = { variable = "TFREVIEW_DASHBOARD__SESSION_SECRET", list = false }
    dashboard_csrf_secret     = { variable = "TFREVIEW_DASHBOARD__CSRF_SECRET", list = false }
  }
  created_secrets = setsubtract(var.secrets, keys(var.secret_arns))
  secret_arns = merge(
    { for s in local.created_secrets : s => aws_secretsmanager_secret.setting[s].arn },
    var.secret_arns,
  )
  secret_environment = {
    for name, arn in local.secret_arns : local.secret_settings[name].variable => (
      local.secret_settings[name].list ? jsonencode(["aws-sm:${arn}"]) : "aws-sm:${arn}"
    )
  }

  jwt_issuer   = var.jwt_issuer != "" ? var.jwt_issuer : "https://cognito-idp.${local.region}.amazonaws.com/${aws_cognito_user_pool.users[0].id}"
  jwt_audience = var.jwt_issuer != "" ? var.jwt_audience : [aws_cognito_user_pool_client.dashboard[0].id]

  bedrock_model_arns = [
    for m in var.bedrock_model_ids : startswith(m, "arn:") ? m : "arn:${local.partition}:bedrock:${local.region}::foundation-model/${m}"
  ]
  advisor_environment = length(var.bedrock_model_ids) == 0 ? {} : {
    TFREVIEW_ADVISOR__NAME      = "chain"
    TFREVIEW_ADVISOR__PROVIDERS = jsonencode([for m in var.bedrock_model_ids : { provider = "bedrock", model = m, region = local.region }])
  }

  public_url = var.public_url != "" ? var.public_url : "https://${aws_cloudfront_distribution.edge.domain_name}"

  environment = merge(
    {
      TFREVIEW_DATABASE__URL              = "dynamodb://${local.table_name}?region=${local.region}"
      TFREVIEW_QUEUE__URL                 = "sqs://${local.queue_name}"
      TFREVIEW_WORKER__LEASE_SECONDS      = tostring(var.worker_timeout_seconds)
      TFREVIEW_AUTH__OIDC_ISSUER          = local.jwt_issuer
      TFREVIEW_NOTIFY__SNS__TOPIC_ARN     = aws_sns_topic.level["2"].arn
      TFREVIEW_SERVER__PUBLIC_URL         = local.public_url
      TFREVIEW_WATCHDOG__INTERVAL_SECONDS = "60"
      TFREVIEW_DOOR__WAF_IP_SET_ARN       = aws_wafv2_ip_set.synced.arn
    },
    local.secret_environment,
    var.jwt_issuer == "" ? { TFREVIEW_AUTH__OIDC_CLIENT_ID = aws_cognito_user_pool_client.dashboard[0].id } : {},
    local.advisor_environment,
    var.environment,
  )
}

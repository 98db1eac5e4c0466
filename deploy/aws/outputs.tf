output "url" {
  description = "The service's public URL (CloudFront, behind the WAF): webhooks go to <url>/webhooks/github and <url>/webhooks/spacelift."
  value       = local.public_url
}

output "api_endpoint" {
  description = "The HTTP API's own endpoint (behind CloudFront; its stage throttling applies)."
  value       = aws_apigatewayv2_api.http.api_endpoint
}

output "origin_target" {
  description = "With var.dr: the regional target of this deployment's origin domain (give the standby's to the primary as dr.secondary_target_domain / _zone_id)."
  value = var.dr == null ? null : {
    domain_name = aws_apigatewayv2_domain_name.origin[0].domain_name_configuration[0].target_domain_name
    zone_id     = aws_apigatewayv2_domain_name.origin[0].domain_name_configuration[0].hosted_zone_id
  }
}

output "table_name" {
  description = "The DynamoDB table (TFREVIEW_DATABASE__URL=dynamodb://<table_name>)."
  value       = local.table_name
}

output "queue_url" {
  description = "The SQS job queue."
  value       = aws_sqs_queue.jobs.url
}

output "dead_letter_queue_url" {
  description = "The job queue's dead-letter queue."
  value       = aws_sqs_queue.dead_letters.url
}

output "lambda_failures_queue_url" {
  description = "Where failed asynchronous invocations of the functions (the schedules) land."
  value       = aws_sqs_queue.lambda_failures.url
}

output "function_names" {
  description = "The Lambda functions by role (http, worker, reaper, reconcile, watchdog)."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "secret_arns" {
  description = "The Secrets Manager secret of each secret setting (fill the created ones with put-secret-value)."
  value       = local.secret_arns
}

output "alert_topic_arns" {
  description = "The SNS topic of each escalation level (subscribe your pager, chat and e-mail here)."
  value       = { for k, t in aws_sns_topic.level : k => t.arn }
}

output "cognito" {
  description = "The Cognito user pool and app client (null with an external jwt_issuer)."
  value = var.jwt_issuer != "" ? null : {
    user_pool_id = aws_cognito_user_pool.users[0].id
    client_id    = aws_cognito_user_pool_client.dashboard[0].id
    issuer       = local.jwt_issuer
  }
}

output "waf_ip_sets" {
  description = "The WAF IP sets: `operator` (var.blocked_ip_cidrs) and `tfreview` (written by the watchdog function)."
  value = {
    operator = { id = aws_wafv2_ip_set.blocked.id, name = aws_wafv2_ip_set.blocked.name, scope = "CLOUDFRONT" }
    tfreview = { id = aws_wafv2_ip_set.synced.id, name = aws_wafv2_ip_set.synced.name, scope = "CLOUDFRONT" }
  }
}

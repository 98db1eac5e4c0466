# The five functions (tfreview.lambda_handlers), one package, one role and one log group each.
resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = "/aws/lambda/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this["logs"].arn
  tags              = local.tags
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  function_name    = "${var.name}-${each.key}"
  description      = "tfreview ${each.key} (${each.value.handler})"
  role             = aws_iam_role.function[each.key].arn
  handler          = each.value.handler
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  filename         = var.lambda_package_file
  source_code_hash = filebase64sha256(var.lambda_package_file)
  memory_size      = var.lambda_memory_mb[each.key]
  timeout          = each.value.timeout
  kms_key_arn      = aws_kms_key.this["secrets"].arn # the environment holds references only, still encrypted

  # the schedules run alone: one reaper, one reconciler pass, one watchdog at a time
  reserved_concurrent_executions = contains(keys(local.schedules), each.key) ? 1 : -1

  environment {
    variables = local.environment
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.lambda_failures.arn
  }

  logging_config {
    log_format = "Text" # EMF lines are JSON already; CloudWatch extracts the metrics from them
    log_group  = aws_cloudwatch_log_group.function[each.key].name
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.function]
}

# the worker: SQS batches with partial batch failure reporting (only the failed messages come back)
resource "aws_lambda_event_source_mapping" "worker" {
  event_source_arn                   = aws_sqs_queue.jobs.arn
  function_name                      = aws_lambda_function.this["worker"].arn
  batch_size                         = var.worker_batch_size
  maximum_batching_window_in_seconds = 1
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.worker_max_concurrency
  }
}

# the scheduled functions: EventBridge rules (`Scheduled Event` from aws.events, what the handlers check)
resource "aws_cloudwatch_event_rule" "schedule" {
  for_each = local.schedules

  name                = "${var.name}-${each.key}"
  description         = "tfreview ${each.key} on its schedule"
  schedule_expression = each.value
  # a standby's schedules wait until it takes over: two regions must not reap and reconcile the same table
  state = var.standby && !var.standby_active ? "DISABLED" : "ENABLED"
  tags  = local.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  for_each = local.schedules

  rule = aws_cloudwatch_event_rule.schedule[each.key].name
  arn  = aws_lambda_function.this[each.key].arn
}

resource "aws_lambda_permission" "schedule" {
  for_each = local.schedules

  statement_id  = "AllowEventBridge"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.key].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule[each.key].arn
}

# What AWS refuses or kills before tfreview answers, which no EMF line of the functions can report (docs/adr/0601):
# a throttled function (API Gateway answers the client itself, an SQS batch waits), the API or worker function
# failing without an answer (a crash, its timeout, out of memory; the scheduled ones are alarmed through
# their failures queue, sqs.tf), and a throttled table or index once the SDK's retries are spent (answered 503,
# retried by the worker, but a table at its limits needs a person).
resource "aws_cloudwatch_metric_alarm" "function_throttles" {
  for_each = local.functions

  alarm_name          = "${var.name}-${each.key}-throttles"
  alarm_description   = "Lambda refused invocations of ${aws_lambda_function.this[each.key].function_name} (account or reserved concurrency): they never reached tfreview. Runbook: docs/howto/deploy-on-aws.md (When AWS refuses or throttles)."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.this[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.level["2"].arn]
  ok_actions          = [aws_sns_topic.level["2"].arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = toset(["http", "worker"])

  alarm_name          = "${var.name}-${each.key}-errors"
  alarm_description   = "${aws_lambda_function.this[each.key].function_name} ended without an answer (an error it raised, its timeout, out of memory): API Gateway answered 5xx itself, or an SQS batch came back whole. Runbook: docs/howto/deploy-on-aws.md (When AWS refuses or throttles)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.level["2"].arn]
  ok_actions          = [aws_sns_topic.level["2"].arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "table_throttles" {
  for_each = toset(["table", "g1-index", "g2-index", "g3-index", "g4-index"])

  alarm_name          = "${var.name}-table-throttles${each.key == "table" ? "" : "-${each.key}"}"
  alarm_description   = "DynamoDB throttled reads or writes of ${local.table_name}${each.key == "table" ? "" : " (index ${each.key})"} (on-demand: past twice the previous peak, or the table's limits). Runbook: docs/howto/deploy-on-aws.md (When AWS refuses or throttles)."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.level["2"].arn]
  ok_actions          = [aws_sns_topic.level["2"].arn]
  tags                = local.tags

  metric_query {
    id          = "throttled"
    expression  = "reads + writes"
    label       = "throttled requests"
    return_data = true
  }

  metric_query {
    id = "reads"
    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "ReadThrottleEvents"
      dimensions  = merge({ TableName = local.table_name }, each.key == "table" ? {} : { GlobalSecondaryIndexName = each.key })
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "writes"
    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "WriteThrottleEvents"
      dimensions  = merge({ TableName = local.table_name }, each.key == "table" ? {} : { GlobalSecondaryIndexName = each.key })
      stat        = "Sum"
      period      = 300
    }
  }
}

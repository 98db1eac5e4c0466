# The job queue and its dead-letter queue (tfreview.store.aws.definitions.queue_attributes): a standard queue
# (ADR 0151), redrive after max_receive_count receives, both encrypted with the data key.
resource "aws_sqs_queue" "dead_letters" {
  name                              = "${local.queue_name}-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.this["data"].arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

resource "aws_sqs_queue" "jobs" {
  name                              = local.queue_name
  visibility_timeout_seconds        = 6 * var.worker_timeout_seconds
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.this["data"].arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letters.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = local.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "dead_letters" {
  queue_url = aws_sqs_queue.dead_letters.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.jobs.arn]
  })
}

# Asynchronous invocations (the EventBridge schedules) that still fail after Lambda's retries land here
# (the functions' dead-letter queue; not the job queue's DLQ, which the reaper drains).
resource "aws_sqs_queue" "lambda_failures" {
  name                              = "${var.name}-lambda-failures"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.this["data"].arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

# The two queues that collect failures nothing else reports (docs/adr/0525): a scheduled function (reaper,
# reconcile, watchdog) that failed after Lambda's retries, and the job DLQ when the reaper stops draining it
# (drained, its jobs are dead-lettered and the `dead-letters` alarm of alarms.tf.json speaks).
resource "aws_cloudwatch_metric_alarm" "lambda_failures" {
  alarm_name          = "${var.name}-lambda-failures"
  alarm_description   = "A scheduled function (reaper, reconcile or watchdog) failed after Lambda's retries: its event is in ${aws_sqs_queue.lambda_failures.name}. Runbook: docs/howto/deploy-on-aws.md (When a function fails)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.lambda_failures.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.level["2"].arn]
  ok_actions          = [aws_sns_topic.level["2"].arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters_undrained" {
  alarm_name          = "${var.name}-dead-letters-undrained"
  alarm_description   = "A message has waited in ${aws_sqs_queue.dead_letters.name} over 15 minutes: the reaper, which drains it each minute, is not running. Runbook: docs/howto/deploy-on-aws.md (When a function fails)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.dead_letters.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 900
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.level["2"].arn]
  ok_actions          = [aws_sns_topic.level["2"].arn]
  tags                = local.tags
}

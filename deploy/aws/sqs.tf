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

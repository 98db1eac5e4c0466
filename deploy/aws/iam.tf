# One role per function, each with only what its handler calls (tfreview.store.aws, the notifier, the advisor).
data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${var.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = local.tags
}

locals {
  table_resources = [local.table_arn, "${local.table_arn}/index/*"]
  table_read      = ["dynamodb:GetItem", "dynamodb:Query"]
  table_write     = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"]
  queue_send      = ["sqs:SendMessage", "sqs:GetQueueUrl"]
  queue_consume   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl"]
  # the SQS event source mapping polls the job queue with the worker's role (AWSLambdaSQSQueueExecutionRole)
  queue_polled = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]

  # what each function may do beyond its log group: [sid, actions, resources]
  grants = {
    http = {
      table   = concat(local.table_read, local.table_write)
      queue   = local.queue_send
      dlq     = ["sqs:GetQueueUrl"] # every function resolves the DLQ's URL at start (store.aws.messages)
      secrets = true
      alerts  = false
      bedrock = false
      waf     = false
    }
    worker = {
      table   = concat(local.table_read, local.table_write)
      queue   = distinct(concat(local.queue_send, local.queue_consume, local.queue_polled))
      dlq     = ["sqs:GetQueueUrl"] # every function resolves the DLQ's URL at start (store.aws.messages)
      secrets = true
      alerts  = false
      bedrock = true
      waf     = false
    }
    reaper = {
      table   = concat(local.table_read, local.table_write)
      queue   = distinct(concat(local.queue_send, local.queue_consume))
      dlq     = local.queue_consume
      secrets = true # every function builds the same settings, which read the webhook secrets at start
      alerts  = false
      bedrock = false
      waf     = false
    }
    reconcile = {
      table   = concat(local.table_read, local.table_write)
      queue   = local.queue_send
      dlq     = ["sqs:GetQueueUrl"] # every function resolves the DLQ's URL at start (store.aws.messages)
      secrets = true
      alerts  = false
      bedrock = false
      waf     = false
    }
    watchdog = {
      table   = concat(local.table_read, local.table_write)
      queue   = ["sqs:GetQueueUrl"]
      dlq     = ["sqs:GetQueueUrl"]
      secrets = true
      alerts  = true
      bedrock = false
      waf     = true
    }
  }
}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

  statement {
    sid = "Table"
    # DynamoDB encrypts with the data key through its own grant: the functions need no KMS right for the table
    actions   = local.grants[each.key].table
    resources = local.table_resources
  }

  statement {
    sid       = "TableTransactions"
    actions   = ["dynamodb:TransactWriteItems"]
    resources = [local.table_arn]
  }

  statement {
    sid       = "Queue"
    actions   = local.grants[each.key].queue
    resources = [aws_sqs_queue.jobs.arn]
  }

  dynamic "statement" {
    for_each = length(local.grants[each.key].dlq) > 0 ? [1] : []
    content {
      sid       = "DeadLetters"
      actions   = local.grants[each.key].dlq
      resources = [aws_sqs_queue.dead_letters.arn]
    }
  }

  statement {
    sid       = "FailedInvocations"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.lambda_failures.arn]
  }

  statement {
    sid       = "QueueKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.this["data"].arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${local.region}.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = local.grants[each.key].secrets && length(local.secret_arns) > 0 ? [1] : []
    content {
      sid       = "Secrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = values(local.secret_arns)
    }
  }

  dynamic "statement" {
    for_each = local.grants[each.key].secrets && length(local.secret_arns) > 0 ? [1] : []
    content {
      sid       = "SecretsKey"
      actions   = ["kms:Decrypt"]
      resources = [aws_kms_key.this["secrets"].arn]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = local.grants[each.key].alerts ? [1] : []
    content {
      sid       = "AlertTopics"
      actions   = ["sns:Publish"]
      resources = [for t in aws_sns_topic.level : t.arn]
    }
  }

  dynamic "statement" {
    for_each = local.grants[each.key].alerts ? [1] : []
    content {
      sid       = "AlertTopicsKey"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [aws_kms_key.this["alerts"].arn]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sns.${local.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = local.grants[each.key].bedrock && length(local.bedrock_model_arns) > 0 ? [1] : []
    content {
      sid       = "BedrockModels"
      actions   = ["bedrock:InvokeModel"] # Converse, never streamed (advisor.bedrock)
      resources = local.bedrock_model_arns
    }
  }

  dynamic "statement" {
    for_each = local.grants[each.key].waf ? [1] : []
    content {
      sid       = "BlockListToWaf"
      actions   = ["wafv2:GetIPSet", "wafv2:UpdateIPSet"]
      resources = [aws_wafv2_ip_set.synced.arn]
    }
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] # X-Ray has no resource-level permissions: AWS requires "*"
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "${var.name}-${each.key}"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}

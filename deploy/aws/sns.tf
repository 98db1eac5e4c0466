# One SNS topic per escalation level (1 automated, 2 on-call, 3 senior, 4 management): the generated alarms
# (alarms.tf.json) notify the topic of their row's level; the watchdog function publishes its incidents to level 2.
locals {
  levels = { "1" = "automated", "2" = "on-call", "3" = "senior", "4" = "management" }
  email_subscriptions = merge([
    for level, emails in var.alarm_emails : { for e in emails : "${level}:${e}" => { level = level, email = e } }
  ]...)
}

resource "aws_sns_topic" "level" {
  for_each = local.levels

  name              = "${var.name}-level-${each.key}-${each.value}"
  display_name      = "tfreview level ${each.key} (${each.value})"
  kms_master_key_id = aws_kms_key.this["alerts"].arn
  tags              = local.tags
}

data "aws_iam_policy_document" "topic" {
  for_each = local.levels

  statement {
    sid       = "CloudWatchAlarms"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.level[each.key].arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_sns_topic_policy" "level" {
  for_each = local.levels

  arn    = aws_sns_topic.level[each.key].arn
  policy = data.aws_iam_policy_document.topic[each.key].json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = local.email_subscriptions

  topic_arn = aws_sns_topic.level[each.value.level].arn
  protocol  = "email"
  endpoint  = each.value.email
}

# The same topics in us-east-1, for the alarms that must live there (the Route 53 health check's metrics exist
# only in us-east-1, and an alarm notifies topics of its own region).
resource "aws_sns_topic" "level_us_east_1" {
  for_each = local.levels
  provider = aws.us_east_1

  name              = "${var.name}-level-${each.key}-${each.value}"
  display_name      = "tfreview level ${each.key} (${each.value})"
  kms_master_key_id = aws_kms_key.edge.arn
  tags              = local.tags
}

data "aws_iam_policy_document" "topic_us_east_1" {
  for_each = local.levels

  statement {
    sid       = "CloudWatchAlarms"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.level_us_east_1[each.key].arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_sns_topic_policy" "level_us_east_1" {
  for_each = local.levels
  provider = aws.us_east_1

  arn    = aws_sns_topic.level_us_east_1[each.key].arn
  policy = data.aws_iam_policy_document.topic_us_east_1[each.key].json
}

resource "aws_sns_topic_subscription" "email_us_east_1" {
  for_each = local.email_subscriptions
  provider = aws.us_east_1

  topic_arn = aws_sns_topic.level_us_east_1[each.value.level].arn
  protocol  = "email"
  endpoint  = each.value.email
}

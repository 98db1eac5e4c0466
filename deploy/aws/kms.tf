# One customer-managed key per kind of data, each rotated yearly by KMS.
locals {
  keys = {
    data    = "the DynamoDB table, its backups and the SQS queues"
    secrets = "the Secrets Manager secrets"
    logs    = "the CloudWatch log groups"
    alerts  = "the SNS alert topics"
  }
}

data "aws_iam_policy_document" "key" {
  for_each = local.keys

  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"] # a key policy's only resource is the key itself
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account}:root"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "logs" ? [1] : []
    content {
      sid       = "CloudWatchLogsEncrypts"
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = ["logs.${local.region}.amazonaws.com"]
      }
      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:*"]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "alerts" ? [1] : []
    content {
      sid       = "CloudWatchAlarmsPublish"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = ["cloudwatch.amazonaws.com"]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  for_each = local.keys

  description             = "${var.name}: ${each.value}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key[each.key].json
  tags                    = local.tags
}

resource "aws_kms_alias" "this" {
  for_each = local.keys

  name          = "alias/${var.name}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

# the replica's key in the DR region (a KMS key is regional)
resource "aws_kms_key" "dr" {
  count    = var.dr != null && !var.standby ? 1 : 0
  provider = aws.dr

  description             = "${var.name}: the DynamoDB table's replica"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = local.tags
}

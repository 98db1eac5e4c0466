# The single table of the DynamoDB store (tfreview.store.aws.definitions.table_definition; a test compares the two):
# keys pk/sk, four sparse GSIs g1..g4 (gNpk/gNsk, all attributes projected), TTL on expires_at, on-demand.
resource "aws_dynamodb_table" "reviews" {
  count = var.standby ? 0 : 1

  name                        = local.table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = true
  stream_enabled              = var.dr != null # global tables replicate through the stream
  stream_view_type            = var.dr != null ? "NEW_AND_OLD_IMAGES" : null

  dynamic "attribute" {
    for_each = ["pk", "sk", "g1pk", "g1sk", "g2pk", "g2sk", "g3pk", "g3sk", "g4pk", "g4sk"]
    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "global_secondary_index" {
    for_each = ["g1", "g2", "g3", "g4"]
    content {
      name            = "${global_secondary_index.value}-index"
      hash_key        = "${global_secondary_index.value}pk"
      range_key       = "${global_secondary_index.value}sk"
      projection_type = "ALL"
    }
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this["data"].arn
  }

  dynamic "replica" {
    for_each = var.dr != null ? [var.dr] : []
    content {
      region_name            = replica.value.region
      kms_key_arn            = aws_kms_key.dr[0].arn
      point_in_time_recovery = true
      propagate_tags         = true
    }
  }

  tags = local.tags
}

# AWS Backup: a daily backup kept backup_retention_days, in a vault encrypted with the data key
resource "aws_backup_vault" "table" {
  name        = "${var.name}-table"
  kms_key_arn = aws_kms_key.this["data"].arn
  tags        = local.tags
}

resource "aws_backup_plan" "table" {
  name = "${var.name}-table"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.table.name
    schedule          = "cron(0 3 * * ? *)"

    lifecycle {
      delete_after = var.backup_retention_days
    }
  }

  tags = local.tags
}

data "aws_iam_policy_document" "backup_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backup" {
  name               = "${var.name}-backup"
  assume_role_policy = data.aws_iam_policy_document.backup_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}

resource "aws_backup_selection" "table" {
  name         = "${var.name}-table"
  plan_id      = aws_backup_plan.table.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = [local.table_arn]
}

# One Secrets Manager secret per secret setting, created EMPTY (no version: no value in the Terraform state);
# put the values with `aws secretsmanager put-secret-value` (docs/howto/deploy-on-aws.md), or pass the ARNs of
# secrets you already hold in var.secret_arns. Rotation: `tfreview secrets rotate` (docs/howto/rotate-secrets.md).
resource "aws_secretsmanager_secret" "setting" {
  for_each = local.created_secrets

  name                    = "${var.name}/${each.key}"
  description             = "tfreview ${each.key} (read by the functions as aws-sm:<arn>)"
  kms_key_id              = aws_kms_key.this["secrets"].arn
  recovery_window_in_days = 30
  tags                    = local.tags
}

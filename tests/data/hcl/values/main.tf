locals {
  name = "app-${var.environment}"
  tags = {
    Environment = var.environment
    Team        = "platform"
  }
  versioned = var.environment == "prod" ? "Enabled" : "Suspended"
}

resource "aws_s3_bucket" "logs" {
  bucket        = "${local.name}-logs"
  force_destroy = false
  tags          = merge(local.tags, { Name = local.name })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = local.versioned
  }
}

resource "aws_iam_policy" "read_logs" {
  name = "read-${local.name}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "arn:aws:s3:::app-prod-logs/*"
      },
    ]
  })
}

resource "aws_iam_policy" "write_logs" {
  name = "write"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = "${aws_s3_bucket.logs.arn}/*"
    }]
  })
}

resource "aws_security_group" "web" {
  name   = "web-${var.environment}"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }

  dynamic "egress" {
    for_each = var.allowed_cidrs
    content {
      from_port   = 0
      to_port     = 0
      protocol    = "-1"
      cidr_blocks = [egress.value]
    }
  }
}

resource "aws_cloudwatch_log_group" "app" {
  count             = 2
  name              = "/app/${count.index}"
  retention_in_days = var.retention_days
  kms_key_id        = data.aws_kms_key.logs.arn
  depends_on        = [aws_s3_bucket.logs]
}

data "aws_kms_key" "logs" {
  key_id = "alias/logs"
}

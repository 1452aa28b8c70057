# One customer managed key for the bucket, the queues, the table and the alarm topic.

data "aws_iam_policy_document" "kms" {
  # The default key policy: it lets IAM policies in this account grant use of the key (the
  # function's role does, scoped by kms:ViaService). In a key policy "*" means this key.
  statement {
    sid       = "EnableIamPolicies"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # S3 encrypts the event notifications it sends to the encrypted queue. AWS documents this
  # statement without conditions; the queue policy limits senders to this bucket.
  statement {
    sid       = "S3NotificationsToEncryptedQueue"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }

  # CloudWatch encrypts the alarm notifications it publishes to the encrypted topic.
  statement {
    sid       = "CloudWatchAlarmsToEncryptedTopic"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "imgproc" {
  description             = "imgproc ${var.environment}: images, queues, job table and alarms"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "imgproc" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.imgproc.key_id
}

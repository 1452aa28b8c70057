# The instance role, scoped like the Lambda module's role: the job queue, the two prefixes,
# the table and the key, plus the one .deb object. SQS moves failed messages to the DLQ by
# itself (redrive policy), so the instances need no access to it; logs go to journald.

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "Ec2AssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "imgproc" {
  name               = "${local.name}-instances"
  description        = "imgproc-service on the ${local.name} Auto Scaling group"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
}

data "aws_iam_policy_document" "imgproc" {
  statement {
    sid    = "ConsumeJobQueue"
    effect = "Allow"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
    ]
    resources = [var.sqs_queue_arn]
  }

  statement {
    sid       = "ReadSourceImages"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["arn:${local.partition}:s3:::${var.source_s3_bucket_name}/${var.source_s3_prefix}*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "WriteRenditions"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["arn:${local.partition}:s3:::${var.source_s3_bucket_name}/${var.destination_s3_prefix}*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid    = "RecordOutcomes"
    effect = "Allow"
    actions = [
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:GetItem",
    ]
    resources = [var.dynamodb_table_arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid    = "UseDataKey"
      effect = "Allow"
      actions = [
        "kms:Decrypt",
        "kms:GenerateDataKey",
      ]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values = [
          "sqs.${local.region}.${local.dns_suffix}",
          "s3.${local.region}.${local.dns_suffix}",
          "dynamodb.${local.region}.${local.dns_suffix}",
        ]
      }
    }
  }

  statement {
    sid       = "FetchPackage"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = [local.deb_object_arn]
  }
}

resource "aws_iam_role_policy" "imgproc" {
  name   = "${local.name}-least-privilege"
  role   = aws_iam_role.imgproc.id
  policy = data.aws_iam_policy_document.imgproc.json
}

resource "aws_iam_role_policy_attachment" "additional" {
  for_each = { for i, arn in var.additional_policy_arns : tostring(i) => arn }

  role       = aws_iam_role.imgproc.name
  policy_arn = each.value
}

resource "aws_iam_instance_profile" "imgproc" {
  name = "${local.name}-instances"
  role = aws_iam_role.imgproc.name
}

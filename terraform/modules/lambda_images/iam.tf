# The function's execution role. Every statement names the one resource (or key prefix) it
# needs; the only "*" is X-Ray's, which has no resource-level permissions.

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name                 = local.role_name
  description          = "Execution role of the imgproc function ${local.function_name}"
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  permissions_boundary = var.iam_role_permissions_boundary

  tags = local.tags
}

data "aws_iam_policy_document" "lambda" {
  # The event source mapping polls with the function's role.
  statement {
    sid    = "ConsumeTriggerQueue"
    effect = "Allow"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
    ]
    resources = [var.sqs_trigger_queue_arn]
  }

  statement {
    sid       = "SendToDeadLetterQueue"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [var.dead_letter_queue_arn]
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

  # Decrypt reads SSE-KMS messages and objects; GenerateDataKey writes SSE-KMS renditions.
  # Only through the services the function talks to, never as a raw KMS client.
  dynamic "statement" {
    for_each = local.kms_enabled ? [var.kms_key_arn] : []

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

  # The module creates the log group, so the role needs no logs:CreateLogGroup.
  statement {
    sid    = "WriteOwnLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${aws_cloudwatch_log_group.lambda.arn}:*"]
  }

  dynamic "statement" {
    for_each = var.enable_lambda_tracing ? ["xray"] : []

    content {
      sid    = "WriteTraces"
      effect = "Allow"
      actions = [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
      ]
      # X-Ray does not support resource-level permissions: AWS requires "*" here.
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "lambda" {
  name   = "${local.function_name}-least-privilege"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}

# Keyed by position so that policies created in the same plan (unknown ARNs) still work.
resource "aws_iam_role_policy_attachment" "additional" {
  for_each = { for i, arn in var.lambda_iam_policy_attachments : tostring(i) => arn }

  role       = aws_iam_role.lambda.name
  policy_arn = each.value
}

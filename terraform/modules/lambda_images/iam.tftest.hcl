# The execution role's policy names exactly the resources the seed promises, and nothing else.
# Run with `terraform test` in this directory; no AWS account is used.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/imgproc-image-processor-test"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/imgproc-image-processor-test-role"
    }
  }
}

mock_provider "archive" {}

variables {
  environment           = "test"
  dead_letter_queue_arn = "arn:aws:sqs:eu-west-1:123456789012:imgproc-test-dlq"
  sqs_trigger_queue_arn = "arn:aws:sqs:eu-west-1:123456789012:imgproc-test-jobs"
  dynamodb_table_arn    = "arn:aws:dynamodb:eu-west-1:123456789012:table/imgproc-test-jobs"
  dynamodb_table_name   = "imgproc-test-jobs"
  source_s3_bucket_name = "imgproc-test-media"
  kms_key_arn           = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  lambda_layers         = ["arn:aws:lambda:eu-west-1:123456789012:layer:imgproc:3"]
}

run "statements_are_scoped_to_one_resource_each" {
  command = apply

  assert {
    condition = toset([for s in data.aws_iam_policy_document.lambda.statement : s.sid]) == toset([
      "ConsumeTriggerQueue", "SendToDeadLetterQueue", "ReadSourceImages", "WriteRenditions",
      "RecordOutcomes", "UseDataKey", "WriteOwnLogs",
    ])
    error_message = "The policy must hold exactly the seven expected statements when tracing is off."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ConsumeTriggerQueue"]).actions == toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"])
      && one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ConsumeTriggerQueue"]).resources == toset([var.sqs_trigger_queue_arn])
    )
    error_message = "The SQS consume actions must be granted on the trigger queue only."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "SendToDeadLetterQueue"]).actions == toset(["sqs:SendMessage"])
      && one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "SendToDeadLetterQueue"]).resources == toset([var.dead_letter_queue_arn])
    )
    error_message = "sqs:SendMessage must be granted on the DLQ only."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ReadSourceImages"]).actions == toset(["s3:GetObject"])
      && one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ReadSourceImages"]).resources == toset(["arn:aws:s3:::imgproc-test-media/uploads/*"])
    )
    error_message = "s3:GetObject must be granted on bucket/source_prefix* only."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "WriteRenditions"]).actions == toset(["s3:PutObject"])
      && one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "WriteRenditions"]).resources == toset(["arn:aws:s3:::imgproc-test-media/processed/*"])
    )
    error_message = "s3:PutObject must be granted on bucket/destination_prefix* only."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "RecordOutcomes"]).actions == toset(["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem"])
      && one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "RecordOutcomes"]).resources == toset([var.dynamodb_table_arn])
    )
    error_message = "The DynamoDB actions must be granted on the table only."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "UseDataKey"]).actions == toset(["kms:Decrypt", "kms:GenerateDataKey"])
      && one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "UseDataKey"]).resources == toset([var.kms_key_arn])
    )
    error_message = "kms:Decrypt and kms:GenerateDataKey must be granted on the key only."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "WriteOwnLogs"]).resources == toset(["${aws_cloudwatch_log_group.lambda.arn}:*"])
    error_message = "Logs must be writable in the function's own log group only."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.lambda.statement : !contains(s.resources, "*")])
    error_message = "No statement may name resource \"*\" while tracing is off."
  }

  assert {
    condition     = alltrue(flatten([for s in data.aws_iam_policy_document.lambda.statement : [for a in s.actions : !strcontains(a, "*")]]))
    error_message = "No action may contain a wildcard."
  }

  assert {
    condition     = aws_iam_role_policy.lambda.role == aws_iam_role.lambda.id
    error_message = "The inline policy must be attached to the function's role."
  }

  assert {
    condition     = length(aws_iam_role_policy_attachment.additional) == 0
    error_message = "No managed policy may be attached unless asked for."
  }
}

run "tracing_adds_the_only_wildcard" {
  command = apply

  variables {
    enable_lambda_tracing = true
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "WriteTraces"]).actions == toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
      && one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "WriteTraces"]).resources == toset(["*"])
    )
    error_message = "Tracing must grant the two X-Ray write actions on \"*\" (X-Ray has no resource-level permissions)."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.lambda.statement : s if contains(s.resources, "*")]) == 1
    error_message = "X-Ray must be the only statement on \"*\"."
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "The function must trace actively when enable_lambda_tracing is true."
  }
}

run "no_kms_statement_without_a_key" {
  command = apply

  variables {
    kms_key_arn = null
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "UseDataKey"]) == 0
    error_message = "Without kms_key_arn the policy must not mention KMS."
  }

  assert {
    condition     = !contains(keys(aws_lambda_function.this.environment[0].variables), "IMGPROC_KMS_KEY_ID")
    error_message = "Without kms_key_arn renditions must not ask for SSE-KMS."
  }
}

run "additional_policies_are_attached" {
  command = apply

  variables {
    lambda_iam_policy_attachments = [
      "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy",
      "arn:aws:iam::123456789012:policy/imgproc-extra",
    ]
  }

  assert {
    condition     = length(aws_iam_role_policy_attachment.additional) == 2
    error_message = "Each ARN in lambda_iam_policy_attachments must be attached."
  }
}

# Conditional resources, the function's configuration for the C runtime, the event source
# mapping, and the validations. Run with `terraform test`; no AWS account is used.

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

run "defaults_suit_the_c_custom_runtime" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.runtime == "provided.al2023" && aws_lambda_function.this.handler == "bootstrap"
    error_message = "The function must run on provided.al2023 with handler bootstrap."
  }

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["x86_64"])
    error_message = "The default architecture must be x86_64."
  }

  assert {
    condition     = aws_lambda_function.this.function_name == "imgproc-image-processor-test"
    error_message = "The function name must be <name_prefix>-<lambda_function_name>-<environment>."
  }

  assert {
    condition     = aws_lambda_function.this.layers == tolist(var.lambda_layers)
    error_message = "The layers must be attached as given."
  }

  assert {
    condition     = aws_lambda_function.this.dead_letter_config[0].target_arn == var.dead_letter_queue_arn
    error_message = "dead_letter_config must target the DLQ."
  }

  assert {
    condition     = aws_lambda_function.this.ephemeral_storage[0].size == 512
    error_message = "Ephemeral storage must default to 512 MB."
  }

  assert {
    condition     = aws_cloudwatch_log_group.lambda.name == "/aws/lambda/imgproc-image-processor-test" && aws_cloudwatch_log_group.lambda.retention_in_days == 30
    error_message = "The module must create the function's log group with its retention."
  }

  assert {
    condition     = output.lambda_cloudwatch_log_group_name == aws_cloudwatch_log_group.lambda.name
    error_message = "The log group's name must be an output."
  }
}

run "environment_carries_the_service_settings" {
  command = apply

  variables {
    rendition_widths        = [1600, 800, 320]
    rendition_max_height_px = 1200
    rendition_format        = "webp"
    lambda_environment_variables = {
      IMGPROC_LOG_LEVEL = "debug"
      EXTRA             = "yes"
    }
  }

  assert {
    condition = (
      aws_lambda_function.this.environment[0].variables["IMGPROC_BUCKET"] == "imgproc-test-media"
      && aws_lambda_function.this.environment[0].variables["IMGPROC_SOURCE_PREFIX"] == "uploads/"
      && aws_lambda_function.this.environment[0].variables["IMGPROC_DESTINATION_PREFIX"] == "processed/"
      && aws_lambda_function.this.environment[0].variables["IMGPROC_TABLE"] == "imgproc-test-jobs"
    )
    error_message = "Bucket, prefixes and table must reach the service."
  }

  assert {
    condition = (
      aws_lambda_function.this.environment[0].variables["IMGPROC_WIDTHS"] == "1600,800,320"
      && aws_lambda_function.this.environment[0].variables["IMGPROC_MAX_HEIGHT"] == "1200"
      && aws_lambda_function.this.environment[0].variables["IMGPROC_FORMAT"] == "webp"
      && aws_lambda_function.this.environment[0].variables["IMGPROC_KMS_KEY_ID"] == var.kms_key_arn
    )
    error_message = "The rendition settings must reach the service."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["IMGPROC_LOG_LEVEL"] == "debug" && aws_lambda_function.this.environment[0].variables["EXTRA"] == "yes"
    error_message = "lambda_environment_variables must be merged over the derived settings."
  }
}

run "event_source_mapping_reports_batch_item_failures" {
  command = apply

  variables {
    sqs_batch_size                      = 100
    sqs_maximum_batching_window_seconds = 5
    sqs_maximum_concurrency             = 20
  }

  assert {
    condition     = aws_lambda_event_source_mapping.sqs.event_source_arn == var.sqs_trigger_queue_arn && aws_lambda_event_source_mapping.sqs.batch_size == 100
    error_message = "The mapping must read the trigger queue with the given batch size."
  }

  assert {
    condition     = contains(aws_lambda_event_source_mapping.sqs.function_response_types, "ReportBatchItemFailures")
    error_message = "The mapping must enable ReportBatchItemFailures."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.sqs.maximum_batching_window_in_seconds == 5 && aws_lambda_event_source_mapping.sqs.scaling_config[0].maximum_concurrency == 20
    error_message = "The batching window and the maximum concurrency must be passed on."
  }
}

run "alarms_enabled_with_sns_actions" {
  command = apply

  variables {
    sns_topic_arn               = "arn:aws:sns:eu-west-1:123456789012:imgproc-test-alarms"
    duration_alarm_threshold_ms = 20000
  }

  assert {
    condition = (
      length(aws_cloudwatch_metric_alarm.errors) == 1 && length(aws_cloudwatch_metric_alarm.throttles) == 1
      && length(aws_cloudwatch_metric_alarm.duration_p95) == 1 && length(aws_cloudwatch_metric_alarm.dead_letter_queue) == 1
    )
    error_message = "alarms_enabled must create the four alarms."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.duration_p95[0].extended_statistic == "p95" && aws_cloudwatch_metric_alarm.duration_p95[0].threshold == 20000
    error_message = "The duration alarm must watch p95 against duration_alarm_threshold_ms."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.errors[0].alarm_actions == toset([var.sns_topic_arn])
    error_message = "Alarms must notify sns_topic_arn."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_letter_queue[0].dimensions["QueueName"] == "imgproc-test-dlq"
    error_message = "The DLQ alarm must watch the dead-letter queue by name."
  }
}

run "alarms_disabled" {
  command = apply

  variables {
    alarms_enabled = false
  }

  assert {
    condition = (
      length(aws_cloudwatch_metric_alarm.errors) == 0 && length(aws_cloudwatch_metric_alarm.throttles) == 0
      && length(aws_cloudwatch_metric_alarm.duration_p95) == 0 && length(aws_cloudwatch_metric_alarm.dead_letter_queue) == 0
    )
    error_message = "alarms_enabled = false must create no alarm."
  }

  assert {
    condition     = length(output.cloudwatch_alarm_arns) == 0
    error_message = "cloudwatch_alarm_arns must be empty without alarms."
  }
}

run "tracing_off_by_default" {
  command = apply

  assert {
    condition     = length([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "WriteTraces"]) == 0
    error_message = "X-Ray permissions must be absent while tracing is off."
  }
}

run "memory_below_range" {
  command = plan
  variables {
    lambda_memory_size = 64
  }
  expect_failures = [var.lambda_memory_size]
}

run "memory_above_range" {
  command = plan
  variables {
    lambda_memory_size = 10241
  }
  expect_failures = [var.lambda_memory_size]
}

run "timeout_above_range" {
  command = plan
  variables {
    lambda_timeout = 901
  }
  expect_failures = [var.lambda_timeout]
}

run "batch_size_out_of_range" {
  command = plan
  variables {
    sqs_batch_size = 10001
  }
  expect_failures = [var.sqs_batch_size]
}

run "unknown_architecture" {
  command = plan
  variables {
    lambda_architecture = ["sparc"]
  }
  expect_failures = [var.lambda_architecture]
}

run "two_architectures" {
  command = plan
  variables {
    lambda_architecture = ["x86_64", "arm64"]
  }
  expect_failures = [var.lambda_architecture]
}

run "unknown_environment" {
  command = plan
  variables {
    environment = "production"
  }
  expect_failures = [var.environment]
}

run "managed_runtime_rejected" {
  command = plan
  variables {
    lambda_runtime = "python3.12"
  }
  expect_failures = [var.lambda_runtime]
}

run "reserved_environment_key_rejected" {
  command = plan
  variables {
    lambda_environment_variables = { AWS_REGION = "us-east-1" }
  }
  expect_failures = [var.lambda_environment_variables]
}

run "overlapping_prefixes_rejected" {
  command = plan
  variables {
    source_s3_prefix      = "images/"
    destination_s3_prefix = "images/resized/"
  }
  expect_failures = [aws_lambda_function.this]
}

run "no_bootstrap_rejected" {
  command = plan
  variables {
    lambda_layers = []
  }
  expect_failures = [aws_lambda_function.this]
}

run "large_batch_needs_a_window" {
  command = plan
  variables {
    sqs_batch_size = 100
  }
  expect_failures = [aws_lambda_event_source_mapping.sqs]
}

# The imgproc function: a C custom runtime whose bootstrap and service binary come from the
# imgproc layer, invoked by an SQS event source mapping with partial batch responses.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {
  region = var.aws_region
}

locals {
  function_name  = join("-", compact([var.name_prefix, var.lambda_function_name, var.environment]))
  role_name      = substr("${local.function_name}-role", 0, 64)
  log_group_name = "/aws/lambda/${local.function_name}"

  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
  region     = data.aws_region.current.region
  account_id = coalesce(var.aws_account_id, data.aws_caller_identity.current.account_id)

  tags = merge(
    {
      Application = "imgproc"
      Environment = var.environment
      ManagedBy   = "terraform"
    },
    var.tags,
  )

  kms_enabled           = var.kms_key_arn != null
  renditions_kms_key_id = var.encrypt_renditions_with_kms && local.kms_enabled ? var.kms_key_arn : null

  # The service reads its whole configuration from these; null entries are left out so that
  # the service applies its own default.
  service_environment = {
    for name, value in {
      IMGPROC_BUCKET             = var.source_s3_bucket_name
      IMGPROC_SOURCE_PREFIX      = var.source_s3_prefix
      IMGPROC_DESTINATION_PREFIX = var.destination_s3_prefix
      IMGPROC_TABLE              = var.dynamodb_table_name
      IMGPROC_WIDTHS             = join(",", [for w in var.rendition_widths : tostring(w)])
      IMGPROC_MAX_HEIGHT         = var.rendition_max_height_px == null ? null : tostring(var.rendition_max_height_px)
      IMGPROC_FORMAT             = var.rendition_format
      IMGPROC_QUALITY            = tostring(var.rendition_quality)
      IMGPROC_KMS_KEY_ID         = local.renditions_kms_key_id
      IMGPROC_MAX_OBJECT_BYTES   = tostring(var.max_object_bytes)
      IMGPROC_MAX_PIXELS         = tostring(var.max_pixels)
      IMGPROC_LOG_LEVEL          = var.log_level
      IMGPROC_METRICS            = var.metrics_enabled ? "true" : "false"
      IMGPROC_METRICS_NAMESPACE  = var.metrics_namespace
    } : name => value if value != null
  }

  lambda_environment = merge(local.service_environment, var.lambda_environment_variables)

  # "layer": no code of our own; Lambda finds bootstrap in /opt, where the imgproc layer unpacks.
  package_mode = (
    var.lambda_source_code_path == null ? "layer" :
    endswith(lower(var.lambda_source_code_path), ".zip") ? "zip" : "dir"
  )
  package_filename = (
    local.package_mode == "zip" ? var.lambda_source_code_path : try(data.archive_file.function[0].output_path, null)
  )
  package_hash = (
    local.package_mode == "zip" ? filebase64sha256(var.lambda_source_code_path) : try(data.archive_file.function[0].output_base64sha256, null)
  )
}

data "archive_file" "function" {
  count = local.package_mode == "zip" ? 0 : 1

  type             = "zip"
  output_path      = "${path.root}/builds/${local.function_name}.zip"
  output_file_mode = "0755" # keeps a bootstrap in lambda_source_code_path executable

  source_dir              = local.package_mode == "dir" ? var.lambda_source_code_path : null
  source_content          = local.package_mode == "layer" ? "imgproc runs from its layer: Lambda starts /opt/bootstrap.\n" : null
  source_content_filename = local.package_mode == "layer" ? "README.imgproc" : null
}

resource "aws_cloudwatch_log_group" "lambda" {
  region = var.aws_region

  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_group_kms_key_arn

  tags = local.tags
}

resource "aws_lambda_function" "this" {
  region = var.aws_region

  function_name = local.function_name
  description   = var.lambda_description
  role          = aws_iam_role.lambda.arn

  package_type     = "Zip"
  filename         = local.package_filename
  source_code_hash = local.package_hash
  handler          = var.lambda_handler
  runtime          = var.lambda_runtime
  architectures    = var.lambda_architecture
  layers           = var.lambda_layers

  memory_size                    = var.lambda_memory_size
  timeout                        = var.lambda_timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions

  environment {
    variables = local.lambda_environment
  }

  ephemeral_storage {
    size = var.ephemeral_storage_mb
  }

  dead_letter_config {
    target_arn = var.dead_letter_queue_arn
  }

  dynamic "tracing_config" {
    for_each = var.enable_lambda_tracing ? ["Active"] : []

    content {
      mode = tracing_config.value
    }
  }

  # The service writes JSON lines; JSON format makes Lambda's own START/END/REPORT records match.
  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.lambda.name
  }

  tags = local.tags

  # The role must be able to write logs and reach the DLQ before the first invocation.
  depends_on = [aws_iam_role_policy.lambda]

  lifecycle {
    precondition {
      condition     = length(local.function_name) <= 64
      error_message = "The function name \"${local.function_name}\" is longer than 64 characters; shorten name_prefix or lambda_function_name."
    }
    precondition {
      condition     = !startswith(var.destination_s3_prefix, var.source_s3_prefix) && !startswith(var.source_s3_prefix, var.destination_s3_prefix)
      error_message = "source_s3_prefix and destination_s3_prefix must not contain each other, or renditions would trigger new work in a loop."
    }
    precondition {
      condition     = local.package_mode != "layer" || length(var.lambda_layers) > 0
      error_message = "Without lambda_source_code_path the function has no bootstrap of its own: attach the imgproc layer through lambda_layers."
    }
  }
}

resource "aws_lambda_event_source_mapping" "sqs" {
  region = var.aws_region

  event_source_arn = var.sqs_trigger_queue_arn
  function_name    = aws_lambda_function.this.arn
  enabled          = var.event_source_mapping_enabled

  batch_size                         = var.sqs_batch_size
  maximum_batching_window_in_seconds = var.sqs_maximum_batching_window_seconds

  # The service lists only the failed records, so one bad image never redelivers its batch.
  function_response_types = ["ReportBatchItemFailures"]

  dynamic "scaling_config" {
    for_each = var.sqs_maximum_concurrency == null ? [] : [var.sqs_maximum_concurrency]

    content {
      maximum_concurrency = scaling_config.value
    }
  }

  tags = local.tags

  # Lambda checks at creation that the role may receive from the queue.
  depends_on = [aws_iam_role_policy.lambda]

  lifecycle {
    precondition {
      condition     = var.sqs_batch_size <= 10 || var.sqs_maximum_batching_window_seconds >= 1
      error_message = "An sqs_batch_size above 10 needs sqs_maximum_batching_window_seconds of at least 1."
    }
    precondition {
      condition     = var.sqs_maximum_concurrency == null || var.reserved_concurrent_executions == -1 || try(var.sqs_maximum_concurrency <= var.reserved_concurrent_executions, true)
      error_message = "sqs_maximum_concurrency must not exceed reserved_concurrent_executions, or the event source is throttled."
    }
  }
}

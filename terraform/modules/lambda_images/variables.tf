# Inputs. The first block keeps every input of the seed module (same name, same type); the
# second adds what a C service with several renditions needs. Units are in the names.

# Seed inputs.

variable "aws_region" {
  description = "AWS region for resource deployment. Null deploys into the provider's region; otherwise every regional resource of the module is placed in this region (provider 6 per-resource region)."
  type        = string
  default     = null

  validation {
    condition     = var.aws_region == null || can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like an AWS region name, e.g. \"eu-west-1\"."
  }
}

variable "aws_account_id" {
  description = "The AWS account ID that owns the bucket. Null means the caller's account. The S3 permissions are pinned to it with aws:ResourceAccount, so a same-named bucket in another account is never read or written."
  type        = string
  default     = null

  validation {
    condition     = var.aws_account_id == null || can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits."
  }
}

variable "name_prefix" {
  description = "Prefix for all created resource names (function, role, log group, alarms). The function is named \"<name_prefix>-<lambda_function_name>-<environment>\"."
  type        = string
  default     = "imgproc"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{0,24}$", var.name_prefix))
    error_message = "name_prefix may hold up to 24 letters, digits, '-' or '_'."
  }
}

variable "environment" {
  description = "Deployment environment, used in names and the Environment tag."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(["dev", "test", "staging", "prod"], var.environment)
    error_message = "environment must be one of: dev, test, staging, prod."
  }
}

variable "tags" {
  description = "A map of tags to apply to all resources. Merged over the module's Application, Environment and ManagedBy tags."
  type        = map(string)
  default     = {}
}

variable "lambda_function_name" {
  description = "The name of the Lambda function, before name_prefix and environment are added."
  type        = string
  default     = "image-processor"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.lambda_function_name))
    error_message = "lambda_function_name must be 1-40 letters, digits, '-' or '_'."
  }
}

variable "lambda_handler" {
  description = "The function entrypoint. Lambda passes it to the custom runtime as _HANDLER; imgproc's bootstrap expects \"bootstrap\"."
  type        = string
  default     = "bootstrap"

  validation {
    condition     = length(trimspace(var.lambda_handler)) > 0 && length(var.lambda_handler) <= 128
    error_message = "lambda_handler must be a non-empty string of at most 128 characters."
  }
}

variable "lambda_runtime" {
  description = "The runtime of the function. imgproc is a C custom runtime: the layer's bootstrap bundles its own loader and libraries, built against glibc 2.34 (Amazon Linux 2023)."
  type        = string
  default     = "provided.al2023"

  validation {
    condition     = contains(["provided.al2023", "provided.al2"], var.lambda_runtime)
    error_message = "lambda_runtime must be an OS-only custom runtime: \"provided.al2023\" (recommended) or \"provided.al2\"."
  }
}

variable "lambda_memory_size" {
  description = "Memory (MB) allocated to the function. CPU scales with it; decoding large photos needs about 4 bytes per pixel of the largest in-flight decode."
  type        = number
  default     = 1024

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && floor(var.lambda_memory_size) == var.lambda_memory_size
    error_message = "lambda_memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "lambda_timeout" {
  description = "Function timeout in seconds. Give the trigger queue a visibility timeout of at least six times this value."
  type        = number
  default     = 60

  validation {
    condition     = var.lambda_timeout >= 1 && var.lambda_timeout <= 900 && floor(var.lambda_timeout) == var.lambda_timeout
    error_message = "lambda_timeout must be a whole number of seconds between 1 and 900."
  }
}

variable "lambda_architecture" {
  description = "Instruction set architecture: [\"x86_64\"] or [\"arm64\"]. It must match the layer (imgproc-lambda-layer-<arch>.zip)."
  type        = list(string)
  default     = ["x86_64"]

  validation {
    condition     = length(var.lambda_architecture) == 1 && alltrue([for a in var.lambda_architecture : contains(["x86_64", "arm64"], a)])
    error_message = "lambda_architecture must hold exactly one of \"x86_64\" or \"arm64\"."
  }
}

variable "lambda_environment_variables" {
  description = "Extra environment variables for the function. They are merged over the IMGPROC_* settings the module derives from its inputs, so a key given here wins."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for k in keys(var.lambda_environment_variables) :
      can(regex("^[A-Za-z][A-Za-z0-9_]*$", k)) && !contains([
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
      ], k)
    ])
    error_message = "lambda_environment_variables keys must be valid names and must not be one of the keys Lambda reserves (_HANDLER, AWS_REGION, AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT, ...)."
  }
}

variable "lambda_layers" {
  description = "List of Lambda layer version ARNs to attach, at most 5. The imgproc layer (module lambda_layer, output layer_version_arn) carries bootstrap and the service."
  type        = list(string)
  default     = []

  validation {
    condition = length(var.lambda_layers) <= 5 && alltrue([
      for arn in var.lambda_layers : can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", arn))
    ])
    error_message = "lambda_layers must hold at most 5 layer version ARNs (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)."
  }
}

variable "ephemeral_storage_mb" {
  description = "Ephemeral storage in MB (/tmp). imgproc works in memory; /tmp holds only the rewritten gdk-pixbuf loader cache."
  type        = number
  default     = 512

  validation {
    condition     = var.ephemeral_storage_mb >= 512 && var.ephemeral_storage_mb <= 10240 && floor(var.ephemeral_storage_mb) == var.ephemeral_storage_mb
    error_message = "ephemeral_storage_mb must be a whole number between 512 and 10240."
  }
}

variable "dead_letter_queue_arn" {
  description = "ARN of the SQS dead-letter queue (DLQ). Required on purpose. It is the function's dead_letter_config (asynchronous invocations); messages of the trigger queue reach it through that queue's redrive policy."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?$", var.dead_letter_queue_arn))
    error_message = "dead_letter_queue_arn must be an SQS queue ARN."
  }
}

variable "lambda_source_code_path" {
  description = "Local path to the function's code: a .zip file, or a directory that is zipped at plan time. Null (the default) deploys a one-file placeholder package, and Lambda runs /opt/bootstrap from the imgproc layer."
  type        = string
  default     = null
}

variable "lambda_iam_policy_attachments" {
  description = "List of IAM policy ARNs to attach to the function's role, in addition to its least-privilege inline policy."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for arn in var.lambda_iam_policy_attachments : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/", arn))
    ])
    error_message = "lambda_iam_policy_attachments must hold IAM policy ARNs."
  }
}

variable "sqs_trigger_queue_arn" {
  description = "ARN of the SQS queue that triggers the function (it receives the bucket's ObjectCreated notifications)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}$", var.sqs_trigger_queue_arn))
    error_message = "sqs_trigger_queue_arn must be a standard (non-FIFO) SQS queue ARN."
  }
}

variable "sqs_batch_size" {
  description = "Maximum number of records per SQS batch. Above 10, sqs_maximum_batching_window_seconds must be at least 1."
  type        = number
  default     = 10

  validation {
    condition     = var.sqs_batch_size >= 1 && var.sqs_batch_size <= 10000 && floor(var.sqs_batch_size) == var.sqs_batch_size
    error_message = "sqs_batch_size must be a whole number between 1 and 10000."
  }
}

variable "dynamodb_table_arn" {
  description = "ARN of the DynamoDB table (for IAM permissions). Its schema: partition key source_key (S), no sort key."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.dynamodb_table_arn))
    error_message = "dynamodb_table_arn must be a DynamoDB table ARN."
  }
}

variable "dynamodb_table_name" {
  description = "Name of the DynamoDB table (for env variables: IMGPROC_TABLE)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.dynamodb_table_name))
    error_message = "dynamodb_table_name must be 3-255 letters, digits, '_', '-' or '.'."
  }
}

variable "source_s3_bucket_name" {
  description = "Name of the S3 bucket for source images and renditions (IMGPROC_BUCKET)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.source_s3_bucket_name))
    error_message = "source_s3_bucket_name must be a valid S3 bucket name."
  }
}

variable "source_s3_prefix" {
  description = "S3 prefix for original images (IMGPROC_SOURCE_PREFIX). The function may read only below it."
  type        = string
  default     = "uploads/"

  validation {
    condition     = can(regex("^[^/*][^*]*/$", var.source_s3_prefix))
    error_message = "source_s3_prefix must be non-empty, must not start with '/', must not contain '*' and must end with '/'."
  }
}

variable "destination_s3_prefix" {
  description = "S3 prefix for processed images (IMGPROC_DESTINATION_PREFIX). The function may write only below it. It must not overlap the source prefix, or renditions would trigger new work."
  type        = string
  default     = "processed/"

  validation {
    condition     = can(regex("^[^/*][^*]*/$", var.destination_s3_prefix))
    error_message = "destination_s3_prefix must be non-empty, must not start with '/', must not contain '*' and must end with '/'."
  }
}

variable "alarms_enabled" {
  description = "If true, create CloudWatch alarms for errors, throttles, p95 duration and the dead-letter queue."
  type        = bool
  default     = true
}

variable "sns_topic_arn" {
  description = "SNS topic ARN for alarm and OK notifications. Null creates the alarms without actions."
  type        = string
  default     = null

  validation {
    condition     = var.sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.sns_topic_arn))
    error_message = "sns_topic_arn must be an SNS topic ARN."
  }
}

variable "error_alarm_threshold" {
  description = "Threshold for the error alarm: invocation errors (crashes, timeouts, init failures) per period. Per-message failures reported through ReportBatchItemFailures are not Lambda errors; the DLQ alarm catches them."
  type        = number
  default     = 1

  validation {
    condition     = var.error_alarm_threshold >= 0
    error_message = "error_alarm_threshold must not be negative."
  }
}

variable "throttles_alarm_threshold" {
  description = "Threshold for the throttles alarm: throttled invocations per period."
  type        = number
  default     = 1

  validation {
    condition     = var.throttles_alarm_threshold >= 0
    error_message = "throttles_alarm_threshold must not be negative."
  }
}

variable "duration_alarm_threshold_ms" {
  description = "p95 duration alarm threshold in milliseconds. Null means 80% of lambda_timeout."
  type        = number
  default     = null

  validation {
    condition     = var.duration_alarm_threshold_ms == null || try(var.duration_alarm_threshold_ms > 0 && var.duration_alarm_threshold_ms <= 900000, false)
    error_message = "duration_alarm_threshold_ms must be between 1 and 900000."
  }
}

variable "alarm_evaluation_periods" {
  description = "Number of periods to evaluate for the alarm."
  type        = number
  default     = 2

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods
    error_message = "alarm_evaluation_periods must be a whole number of at least 1."
  }
}

variable "alarm_period_seconds" {
  description = "Period in seconds to evaluate the alarm. Lambda and SQS publish one-minute metrics, so it is a multiple of 60."
  type        = number
  default     = 300

  validation {
    condition     = var.alarm_period_seconds >= 60 && var.alarm_period_seconds <= 86400 && var.alarm_period_seconds % 60 == 0
    error_message = "alarm_period_seconds must be a multiple of 60 between 60 and 86400."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN for SQS/S3 decryption, and for SSE-KMS writes of renditions. Null when the queue, bucket and table use AWS-owned keys; the KMS permission is then left out."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-)?[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (not an alias: IAM policies match key ARNs)."
  }
}

variable "enable_lambda_tracing" {
  description = "Enable AWS X-Ray active tracing for the function; this also grants the X-Ray write actions."
  type        = bool
  default     = false
}

variable "reserved_concurrent_executions" {
  description = "The amount of reserved concurrent executions for the Lambda function. Set to -1 to remove concurrency limits, 0 to stop the function."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a whole number of at least 0."
  }
}

# imgproc inputs.

variable "lambda_description" {
  description = "Description of the Lambda function."
  type        = string
  default     = "imgproc: resizes images from S3 into renditions (C custom runtime)"
}

variable "rendition_widths" {
  description = "Target widths in pixels, one rendition each (IMGPROC_WIDTHS). Images are never upscaled."
  type        = list(number)
  default     = [800, 400]

  validation {
    condition = length(var.rendition_widths) >= 1 && length(var.rendition_widths) <= 16 && length(distinct(var.rendition_widths)) == length(var.rendition_widths) && alltrue([
      for w in var.rendition_widths : w >= 1 && w <= 16384 && floor(w) == w
    ])
    error_message = "rendition_widths must hold 1 to 16 distinct whole numbers between 1 and 16384."
  }
}

variable "rendition_max_height_px" {
  description = "Optional maximum height in pixels of every rendition (IMGPROC_MAX_HEIGHT). Null means no limit."
  type        = number
  default     = null

  validation {
    condition     = var.rendition_max_height_px == null || try(var.rendition_max_height_px >= 1 && var.rendition_max_height_px <= 16384 && floor(var.rendition_max_height_px) == var.rendition_max_height_px, false)
    error_message = "rendition_max_height_px must be a whole number between 1 and 16384, or null."
  }
}

variable "rendition_format" {
  description = "Output format of the renditions (IMGPROC_FORMAT): same (as the input), jpeg, png or webp."
  type        = string
  default     = "same"

  validation {
    condition     = contains(["same", "jpeg", "png", "webp"], var.rendition_format)
    error_message = "rendition_format must be one of: same, jpeg, png, webp."
  }
}

variable "rendition_quality" {
  description = "Encoder quality for JPEG and WebP renditions, 1-100 (IMGPROC_QUALITY)."
  type        = number
  default     = 82

  validation {
    condition     = var.rendition_quality >= 1 && var.rendition_quality <= 100 && floor(var.rendition_quality) == var.rendition_quality
    error_message = "rendition_quality must be a whole number between 1 and 100."
  }
}

variable "encrypt_renditions_with_kms" {
  description = "If true and kms_key_arn is set, renditions are written with SSE-KMS under that key (IMGPROC_KMS_KEY_ID)."
  type        = bool
  default     = true
}

variable "max_object_bytes" {
  description = "Largest source object the service downloads, in bytes (IMGPROC_MAX_OBJECT_BYTES). Larger objects are recorded as failed."
  type        = number
  default     = 52428800

  validation {
    condition     = var.max_object_bytes >= 1 && floor(var.max_object_bytes) == var.max_object_bytes
    error_message = "max_object_bytes must be a whole number of at least 1."
  }
}

variable "max_pixels" {
  description = "Largest source image the service decodes, in pixels (width x height, IMGPROC_MAX_PIXELS). Bounds memory: about 4 bytes per pixel."
  type        = number
  default     = 40000000

  validation {
    condition     = var.max_pixels >= 1 && floor(var.max_pixels) == var.max_pixels
    error_message = "max_pixels must be a whole number of at least 1."
  }
}

variable "log_level" {
  description = "Service log level (IMGPROC_LOG_LEVEL)."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["error", "critical", "warning", "message", "info", "debug"], var.log_level)
    error_message = "log_level must be one of: error, critical, warning, message, info, debug."
  }
}

variable "metrics_enabled" {
  description = "If true, the service emits CloudWatch metrics in Embedded Metric Format through its logs (IMGPROC_METRICS). No cloudwatch:PutMetricData permission is needed."
  type        = bool
  default     = true
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the service's metrics (IMGPROC_METRICS_NAMESPACE)."
  type        = string
  default     = "imgproc"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 characters of [A-Za-z0-9._/#:-] and must not start with \"AWS/\"."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group, in days (0 keeps logs forever)."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_group_kms_key_arn" {
  description = "Optional KMS key ARN to encrypt the log group. Its key policy must allow the logs.<region>.amazonaws.com service principal."
  type        = string
  default     = null

  validation {
    condition     = var.log_group_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-)?[A-Za-z0-9-]+$", var.log_group_kms_key_arn))
    error_message = "log_group_kms_key_arn must be a KMS key ARN."
  }
}

variable "event_source_mapping_enabled" {
  description = "If false, the SQS event source mapping is created disabled (messages wait in the queue)."
  type        = bool
  default     = true
}

variable "sqs_maximum_batching_window_seconds" {
  description = "Maximum time in seconds that Lambda gathers records before invoking the function, 0-300."
  type        = number
  default     = 0

  validation {
    condition     = var.sqs_maximum_batching_window_seconds >= 0 && var.sqs_maximum_batching_window_seconds <= 300 && floor(var.sqs_maximum_batching_window_seconds) == var.sqs_maximum_batching_window_seconds
    error_message = "sqs_maximum_batching_window_seconds must be a whole number between 0 and 300."
  }
}

variable "sqs_maximum_concurrency" {
  description = "Maximum number of concurrent function instances the SQS event source invokes, 2-1000. Null means no limit beyond the function's concurrency."
  type        = number
  default     = null

  validation {
    condition     = var.sqs_maximum_concurrency == null || try(var.sqs_maximum_concurrency >= 2 && var.sqs_maximum_concurrency <= 1000 && floor(var.sqs_maximum_concurrency) == var.sqs_maximum_concurrency, false)
    error_message = "sqs_maximum_concurrency must be a whole number between 2 and 1000, or null."
  }
}

variable "dead_letter_queue_alarm_threshold" {
  description = "Threshold for the dead-letter queue alarm: visible messages in the DLQ. Created with the other alarms."
  type        = number
  default     = 1

  validation {
    condition     = var.dead_letter_queue_alarm_threshold >= 1
    error_message = "dead_letter_queue_alarm_threshold must be at least 1."
  }
}

variable "iam_role_permissions_boundary" {
  description = "Optional ARN of a permissions boundary policy for the function's role."
  type        = string
  default     = null

  validation {
    condition     = var.iam_role_permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/", var.iam_role_permissions_boundary))
    error_message = "iam_role_permissions_boundary must be an IAM policy ARN."
  }
}

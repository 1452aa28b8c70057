# Inputs of the complete example. Only layer_zip_path usually needs setting.

variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like an AWS region name, e.g. \"eu-west-1\"."
  }
}

variable "name_prefix" {
  description = "Prefix for every resource name."
  type        = string
  default     = "imgproc"

  validation {
    condition     = can(regex("^[a-z0-9-]{1,24}$", var.name_prefix))
    error_message = "name_prefix must be 1-24 lowercase letters, digits or '-' (it becomes part of the bucket name)."
  }
}

variable "environment" {
  description = "Deployment environment."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(["dev", "test", "staging", "prod"], var.environment)
    error_message = "environment must be one of: dev, test, staging, prod."
  }
}

variable "tags" {
  description = "Extra tags for every resource (applied as provider default tags)."
  type        = map(string)
  default     = {}
}

variable "lambda_architecture" {
  description = "Architecture of the function and of the layer zip: x86_64 or arm64."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "layer_zip_path" {
  description = "Path to imgproc-lambda-layer-<arch>.zip from `make lambda-layer`. Null means ../../../imgproc-lambda-layer-<lambda_architecture>.zip, i.e. the top of a build in the source tree."
  type        = string
  default     = null
}

variable "lambda_memory_size" {
  description = "Memory (MB) of the function."
  type        = number
  default     = 1024

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240
    error_message = "lambda_memory_size must be between 128 and 10240."
  }
}

variable "lambda_timeout" {
  description = "Function timeout in seconds; the queue's visibility timeout is six times this."
  type        = number
  default     = 60

  validation {
    condition     = var.lambda_timeout >= 1 && var.lambda_timeout <= 900
    error_message = "lambda_timeout must be between 1 and 900."
  }
}

variable "source_s3_prefix" {
  description = "Prefix that uploads land under; only it notifies the queue."
  type        = string
  default     = "uploads/"

  validation {
    condition     = can(regex("^[^/*][^*]*/$", var.source_s3_prefix))
    error_message = "source_s3_prefix must be non-empty, must not start with '/' and must end with '/'."
  }
}

variable "destination_s3_prefix" {
  description = "Prefix the renditions are written under."
  type        = string
  default     = "processed/"

  validation {
    condition     = can(regex("^[^/*][^*]*/$", var.destination_s3_prefix))
    error_message = "destination_s3_prefix must be non-empty, must not start with '/' and must end with '/'."
  }
}

variable "rendition_widths" {
  description = "Rendition widths in pixels."
  type        = list(number)
  default     = [1600, 800, 400]
}

variable "rendition_format" {
  description = "Rendition format: same, jpeg, png or webp."
  type        = string
  default     = "same"

  validation {
    condition     = contains(["same", "jpeg", "png", "webp"], var.rendition_format)
    error_message = "rendition_format must be one of: same, jpeg, png, webp."
  }
}

variable "max_receive_count" {
  description = "Deliveries of a message before SQS moves it to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "alarm_email" {
  description = "Optional e-mail address subscribed to the alarm topic (the subscription must be confirmed)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address."
  }
}

variable "enable_lambda_tracing" {
  description = "Enable X-Ray active tracing of the function."
  type        = bool
  default     = false
}

variable "force_destroy" {
  description = "Allow destroy to delete the bucket with its images and the table. Keep false outside experiments."
  type        = bool
  default     = false
}

# Inputs of the EC2 example: where the instances run, where the .deb is, and the existing
# queue, bucket, table and key they work with (for instance the complete example's outputs).

variable "aws_region" {
  description = "AWS region to deploy into; also the region= of imgproc.conf."
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
    condition     = can(regex("^[A-Za-z0-9-]{1,24}$", var.name_prefix))
    error_message = "name_prefix must be 1-24 letters, digits or '-'."
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
  description = "Extra tags for every resource (applied as provider default tags and to the instances)."
  type        = map(string)
  default     = {}
}

variable "architecture" {
  description = "CPU architecture of the instances and of the .deb: x86_64 (amd64) or arm64."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "instance_type" {
  description = "Instance type. Null picks t3.small (x86_64) or t4g.small (arm64)."
  type        = string
  default     = null
}

variable "ami_id" {
  description = "AMI to boot. Null picks the latest official Debian 12 image of the architecture (the .deb targets Debian 12)."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must be an AMI id (ami-...)."
  }
}

variable "subnet_ids" {
  description = "Subnets of the Auto Scaling group. They need a route to the AWS APIs (NAT or VPC endpoints for S3, SQS, DynamoDB, KMS) and to a Debian mirror."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids must hold at least one subnet id (subnet-...)."
  }
}

variable "deb_s3_url" {
  description = "S3 URL of the imgproc-service .deb for the architecture, e.g. s3://my-artifacts/imgproc/imgproc-service_0.1.0-1_amd64.deb. The instances may read this one object."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+\\.deb$", var.deb_s3_url))
    error_message = "deb_s3_url must look like s3://<bucket>/<key>.deb."
  }
}

variable "sqs_queue_url" {
  description = "URL of the job queue the service long-polls (queue-url= of imgproc.conf)."
  type        = string

  validation {
    condition     = can(regex("^https://", var.sqs_queue_url))
    error_message = "sqs_queue_url must be an https:// queue URL."
  }
}

variable "sqs_queue_arn" {
  description = "ARN of the same job queue, for IAM."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}$", var.sqs_queue_arn))
    error_message = "sqs_queue_arn must be an SQS queue ARN."
  }
}

variable "source_s3_bucket_name" {
  description = "Bucket of the source images and renditions."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.source_s3_bucket_name))
    error_message = "source_s3_bucket_name must be a valid S3 bucket name."
  }
}

variable "source_s3_prefix" {
  description = "Prefix of the source images; the instances may read only below it."
  type        = string
  default     = "uploads/"

  validation {
    condition     = can(regex("^[^/*][^*]*/$", var.source_s3_prefix))
    error_message = "source_s3_prefix must be non-empty, must not start with '/' and must end with '/'."
  }
}

variable "destination_s3_prefix" {
  description = "Prefix of the renditions; the instances may write only below it."
  type        = string
  default     = "processed/"

  validation {
    condition     = can(regex("^[^/*][^*]*/$", var.destination_s3_prefix))
    error_message = "destination_s3_prefix must be non-empty, must not start with '/' and must end with '/'."
  }
}

variable "dynamodb_table_name" {
  description = "Name of the job table (table= of imgproc.conf)."
  type        = string
}

variable "dynamodb_table_arn" {
  description = "ARN of the job table, for IAM."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.dynamodb_table_arn))
    error_message = "dynamodb_table_arn must be a DynamoDB table ARN."
  }
}

variable "kms_key_arn" {
  description = "KMS key of the queue, bucket and table, also used for SSE-KMS renditions (kms-key-id=). Null when they use AWS-owned keys."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-)?[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "rendition_widths" {
  description = "Rendition widths in pixels (widths= of imgproc.conf)."
  type        = list(number)
  default     = [800, 400]

  validation {
    condition     = length(var.rendition_widths) >= 1 && alltrue([for w in var.rendition_widths : w >= 1 && w <= 16384])
    error_message = "rendition_widths must hold at least one width between 1 and 16384."
  }
}

variable "rendition_format" {
  description = "Rendition format: same, jpeg, png or webp (format= of imgproc.conf)."
  type        = string
  default     = "same"

  validation {
    condition     = contains(["same", "jpeg", "png", "webp"], var.rendition_format)
    error_message = "rendition_format must be one of: same, jpeg, png, webp."
  }
}

variable "rendition_quality" {
  description = "Encoder quality for JPEG and WebP, 1-100 (quality= of imgproc.conf)."
  type        = number
  default     = 82

  validation {
    condition     = var.rendition_quality >= 1 && var.rendition_quality <= 100
    error_message = "rendition_quality must be between 1 and 100."
  }
}

variable "min_size" {
  description = "Minimum number of instances. At least 1: scaling divides the backlog by the instances in service."
  type        = number
  default     = 1

  validation {
    condition     = var.min_size >= 1 && floor(var.min_size) == var.min_size
    error_message = "min_size must be a whole number of at least 1."
  }
}

variable "max_size" {
  description = "Maximum number of instances."
  type        = number
  default     = 4

  validation {
    condition     = var.max_size >= 1 && var.max_size <= 100 && floor(var.max_size) == var.max_size
    error_message = "max_size must be a whole number between 1 and 100."
  }
}

variable "backlog_per_instance_target" {
  description = "Target of visible messages per instance in service; the group scales to keep the backlog near it."
  type        = number
  default     = 100

  validation {
    condition     = var.backlog_per_instance_target >= 1
    error_message = "backlog_per_instance_target must be at least 1."
  }
}

variable "root_volume_size_gb" {
  description = "Size of the encrypted gp3 root volume in GiB."
  type        = number
  default     = 16

  validation {
    condition     = var.root_volume_size_gb >= 8 && var.root_volume_size_gb <= 1024
    error_message = "root_volume_size_gb must be between 8 and 1024."
  }
}

variable "additional_policy_arns" {
  description = "Extra IAM policy ARNs for the instance role, e.g. AmazonSSMManagedInstanceCore if the AMI runs the SSM agent."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.additional_policy_arns : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/", arn))])
    error_message = "additional_policy_arns must hold IAM policy ARNs."
  }
}

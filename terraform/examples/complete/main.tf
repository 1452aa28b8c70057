# imgproc end to end: a bucket whose uploads notify an encrypted queue, the layer built by
# `make lambda-layer`, and the function that turns uploads into renditions.

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name       = "${var.name_prefix}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Bucket names are global: the account id keeps this one unique.
  bucket_name = "${local.name}-media-${local.account_id}"

  layer_zip_path = coalesce(var.layer_zip_path, "${path.root}/../../../imgproc-lambda-layer-${var.lambda_architecture}.zip")

  tags = merge(
    {
      Application = "imgproc"
      Environment = var.environment
      ManagedBy   = "terraform"
    },
    var.tags,
  )
}

module "layer" {
  source = "../../modules/lambda_layer"

  aws_region               = var.aws_region
  layer_name               = local.name
  layer_zip_path           = local.layer_zip_path
  compatible_runtimes      = ["provided.al2023"]
  compatible_architectures = [var.lambda_architecture]
}

module "image_processor" {
  source = "../../modules/lambda_images"

  aws_region     = var.aws_region
  aws_account_id = local.account_id
  name_prefix    = var.name_prefix
  environment    = var.environment
  tags           = var.tags

  lambda_function_name = "image-processor"
  lambda_architecture  = [var.lambda_architecture]
  lambda_layers        = [module.layer.layer_version_arn]
  lambda_memory_size   = var.lambda_memory_size
  lambda_timeout       = var.lambda_timeout

  dead_letter_queue_arn = aws_sqs_queue.dead_letter.arn
  sqs_trigger_queue_arn = aws_sqs_queue.jobs.arn
  sqs_batch_size        = 10
  dynamodb_table_arn    = aws_dynamodb_table.jobs.arn
  dynamodb_table_name   = aws_dynamodb_table.jobs.name
  source_s3_bucket_name = aws_s3_bucket.media.bucket
  source_s3_prefix      = var.source_s3_prefix
  destination_s3_prefix = var.destination_s3_prefix
  kms_key_arn           = aws_kms_key.imgproc.arn

  rendition_widths = var.rendition_widths
  rendition_format = var.rendition_format

  alarms_enabled        = true
  sns_topic_arn         = aws_sns_topic.alarms.arn
  enable_lambda_tracing = var.enable_lambda_tracing
}

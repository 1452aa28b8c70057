# What a user needs after apply: where to upload, where renditions appear, what to watch.

output "bucket_name" {
  description = "The media bucket."
  value       = aws_s3_bucket.media.bucket
}

output "upload_prefix" {
  description = "Upload images under this prefix of the bucket to have them processed."
  value       = var.source_s3_prefix
}

output "renditions_prefix" {
  description = "Renditions appear under this prefix, as <prefix><width>/<key relative to the upload prefix>."
  value       = var.destination_s3_prefix
}

output "upload_command" {
  description = "An example upload with the AWS CLI."
  value       = "aws s3 cp photo.jpg s3://${aws_s3_bucket.media.bucket}/${var.source_s3_prefix}photo.jpg"
}

output "queue_url" {
  description = "URL of the job queue the bucket notifies."
  value       = aws_sqs_queue.jobs.id
}

output "queue_arn" {
  description = "ARN of the job queue."
  value       = aws_sqs_queue.jobs.arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue; inspect it when the DLQ alarm fires."
  value       = aws_sqs_queue.dead_letter.id
}

output "dynamodb_table_name" {
  description = "The job table (partition key source_key)."
  value       = aws_dynamodb_table.jobs.name
}

output "kms_key_arn" {
  description = "The customer managed key of the bucket, queues, table and topic."
  value       = aws_kms_key.imgproc.arn
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify."
  value       = aws_sns_topic.alarms.arn
}

output "layer_version_arn" {
  description = "The published imgproc layer version."
  value       = module.layer.layer_version_arn
}

output "lambda_function_name" {
  description = "The imgproc function."
  value       = module.image_processor.lambda_function_name
}

output "lambda_function_arn" {
  description = "ARN of the imgproc function."
  value       = module.image_processor.lambda_function_arn
}

output "lambda_cloudwatch_log_group_name" {
  description = "Log group of the function: `aws logs tail <name> --follow`."
  value       = module.image_processor.lambda_cloudwatch_log_group_name
}

output "lambda_iam_role_arn" {
  description = "The function's execution role."
  value       = module.image_processor.lambda_iam_role_arn
}

output "cloudwatch_alarm_arns" {
  description = "The module's alarms by kind."
  value       = module.image_processor.cloudwatch_alarm_arns
}

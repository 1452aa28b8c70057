# Outputs: the seed's six first, then what the examples and callers wire to.

output "lambda_function_arn" {
  description = "The Amazon Resource Name (ARN) of the Lambda function."
  value       = try(aws_lambda_function.this.arn, null)
}

output "lambda_function_invoke_arn" {
  description = "The ARN to be used for invoking the Lambda function from triggers like API Gateway."
  value       = try(aws_lambda_function.this.invoke_arn, null)
}

output "lambda_function_name" {
  description = "The name of the Lambda function."
  value       = try(aws_lambda_function.this.function_name, null)
}

output "lambda_cloudwatch_log_group_name" {
  description = "The name of the CloudWatch Log Group created for the Lambda function."
  value       = try(aws_cloudwatch_log_group.lambda.name, null)
}

output "lambda_iam_role_arn" {
  description = "The Amazon Resource Name (ARN) of the IAM role created for the Lambda function."
  value       = try(aws_iam_role.lambda.arn, null)
}

output "lambda_iam_role_name" {
  description = "The name of the IAM role created for the Lambda function."
  value       = try(aws_iam_role.lambda.name, null)
}

output "lambda_cloudwatch_log_group_arn" {
  description = "The ARN of the function's CloudWatch log group."
  value       = try(aws_cloudwatch_log_group.lambda.arn, null)
}

output "lambda_function_environment" {
  description = "The environment the function runs with: the IMGPROC_* settings merged with lambda_environment_variables."
  value       = local.lambda_environment
}

output "lambda_iam_policy_json" {
  description = "The least-privilege inline policy of the function's role, for review."
  value       = try(data.aws_iam_policy_document.lambda.json, null)
}

output "event_source_mapping_uuid" {
  description = "The UUID of the SQS event source mapping."
  value       = try(aws_lambda_event_source_mapping.sqs.uuid, null)
}

output "cloudwatch_alarm_arns" {
  description = "ARNs of the CloudWatch alarms by kind (errors, throttles, duration_p95, dead_letter_queue); empty when alarms_enabled is false."
  value = {
    for kind, alarms in {
      errors            = aws_cloudwatch_metric_alarm.errors
      throttles         = aws_cloudwatch_metric_alarm.throttles
      duration_p95      = aws_cloudwatch_metric_alarm.duration_p95
      dead_letter_queue = aws_cloudwatch_metric_alarm.dead_letter_queue
    } : kind => try(alarms[0].arn, null) if length(alarms) > 0
  }
}

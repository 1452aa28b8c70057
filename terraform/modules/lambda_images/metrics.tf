# CloudWatch alarms on the function and its dead-letter queue, all behind alarms_enabled.
# With ReportBatchItemFailures a failed image is not a Lambda error, so the DLQ alarm is the
# one that sees images that could not be processed.

locals {
  alarm_count   = var.alarms_enabled ? 1 : 0
  alarm_actions = var.sns_topic_arn == null ? [] : [var.sns_topic_arn]

  duration_alarm_threshold_ms = coalesce(var.duration_alarm_threshold_ms, floor(var.lambda_timeout * 1000 * 0.8))

  # arn:<partition>:sqs:<region>:<account>:<name>
  dead_letter_queue_name = element(split(":", var.dead_letter_queue_arn), 5)
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  count  = local.alarm_count
  region = var.aws_region

  alarm_name        = "${local.function_name}-errors"
  alarm_description = "imgproc function ${local.function_name}: invocation errors (crash, timeout, init failure) reached ${var.error_alarm_threshold} per ${var.alarm_period_seconds} s."

  namespace   = "AWS/Lambda"
  metric_name = "Errors"
  dimensions = {
    FunctionName = aws_lambda_function.this.function_name
  }
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  threshold           = var.error_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  count  = local.alarm_count
  region = var.aws_region

  alarm_name        = "${local.function_name}-throttles"
  alarm_description = "imgproc function ${local.function_name}: throttled invocations reached ${var.throttles_alarm_threshold} per ${var.alarm_period_seconds} s (reserved or account concurrency exhausted)."

  namespace   = "AWS/Lambda"
  metric_name = "Throttles"
  dimensions = {
    FunctionName = aws_lambda_function.this.function_name
  }
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  threshold           = var.throttles_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "duration_p95" {
  count  = local.alarm_count
  region = var.aws_region

  alarm_name        = "${local.function_name}-duration-p95"
  alarm_description = "imgproc function ${local.function_name}: p95 duration above ${local.duration_alarm_threshold_ms} ms (timeout ${var.lambda_timeout} s)."

  namespace   = "AWS/Lambda"
  metric_name = "Duration"
  dimensions = {
    FunctionName = aws_lambda_function.this.function_name
  }
  extended_statistic  = "p95"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  threshold           = local.duration_alarm_threshold_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letter_queue" {
  count  = local.alarm_count
  region = var.aws_region

  alarm_name        = "${local.function_name}-dlq-messages"
  alarm_description = "imgproc function ${local.function_name}: ${local.dead_letter_queue_name} holds at least ${var.dead_letter_queue_alarm_threshold} message(s) that could not be processed."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateNumberOfMessagesVisible"
  dimensions = {
    QueueName = local.dead_letter_queue_name
  }
  statistic           = "Maximum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  threshold           = var.dead_letter_queue_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = local.tags
}

# imgproc on EC2: an Auto Scaling group of Debian 12 instances that install the
# imgproc-service .deb, write /etc/imgproc/imgproc.conf and run imgproc.service, which
# long-polls the job queue itself. The group scales on the queue's backlog per instance.

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_subnet" "first" {
  id = var.subnet_ids[0]
}

# Debian's own account publishes the official images; a given ami_id is looked up by id.
data "aws_ami" "selected" {
  most_recent = true
  owners      = var.ami_id == null ? ["136693071363"] : null

  dynamic "filter" {
    for_each = var.ami_id == null ? tomap({
      name                  = ["debian-12-${local.deb_arch}-*"]
      architecture          = [var.architecture]
      "virtualization-type" = ["hvm"]
      }) : tomap({
      "image-id" = [var.ami_id]
    })

    content {
      name   = filter.key
      values = filter.value
    }
  }
}

locals {
  name       = "${var.name_prefix}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
  region     = data.aws_region.current.region

  deb_arch      = var.architecture == "arm64" ? "arm64" : "amd64"
  instance_type = coalesce(var.instance_type, var.architecture == "arm64" ? "t4g.small" : "t3.small")

  deb_bucket     = regex("^s3://([^/]+)/(.+)$", var.deb_s3_url)[0]
  deb_key        = regex("^s3://([^/]+)/(.+)$", var.deb_s3_url)[1]
  deb_object_arn = "arn:${local.partition}:s3:::${local.deb_bucket}/${local.deb_key}"

  # arn:<partition>:sqs:<region>:<account>:<name>
  queue_name = element(split(":", var.sqs_queue_arn), 5)

  # /etc/imgproc/imgproc.conf, a GLib key file read by imgproc.service.
  imgproc_conf = join("\n", concat(
    [
      "[imgproc]",
      "queue-url=${var.sqs_queue_url}",
      "region=${var.aws_region}",
      "bucket=${var.source_s3_bucket_name}",
      "source-prefix=${var.source_s3_prefix}",
      "destination-prefix=${var.destination_s3_prefix}",
      "widths=${join(",", [for w in var.rendition_widths : tostring(w)])}",
      "format=${var.rendition_format}",
      "quality=${var.rendition_quality}",
      "table=${var.dynamodb_table_name}",
    ],
    var.kms_key_arn == null ? [] : ["kms-key-id=${var.kms_key_arn}"],
  ))

  user_data = templatefile("${path.module}/user-data.sh.tftpl", {
    imgproc_conf = local.imgproc_conf
    deb_s3_url   = var.deb_s3_url
    region       = var.aws_region
  })

  tags = merge(
    {
      Application = "imgproc"
      Environment = var.environment
      ManagedBy   = "terraform"
    },
    var.tags,
  )
}

resource "aws_security_group" "instances" {
  name_prefix = "${local.name}-instances-"
  description = "imgproc instances: no inbound traffic, HTTPS and HTTP out"
  vpc_id      = data.aws_subnet.first.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

# The AWS APIs (S3, SQS, DynamoDB, KMS, STS) and the Debian mirror are reached over HTTPS.
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.instances.id
  description       = "AWS APIs and package downloads"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# Debian's cloud images point apt at an HTTP mirror; packages are verified by apt's signatures.
resource "aws_vpc_security_group_egress_rule" "http" {
  security_group_id = aws_security_group.instances.id
  description       = "Debian package mirror"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_launch_template" "imgproc" {
  name_prefix            = "${local.name}-"
  description            = "imgproc-service on Debian 12 (${var.architecture})"
  image_id               = data.aws_ami.selected.id
  instance_type          = local.instance_type
  vpc_security_group_ids = [aws_security_group.instances.id]
  user_data              = base64encode(local.user_data)
  update_default_version = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.imgproc.arn
  }

  # IMDSv2 only, one hop: the credentials stay on the instance.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = data.aws_ami.selected.root_device_name

    ebs {
      volume_size           = var.root_volume_size_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${local.name}-worker" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(local.tags, { Name = "${local.name}-worker" })
  }
}

resource "aws_autoscaling_group" "imgproc" {
  name_prefix         = "${local.name}-"
  min_size            = var.min_size
  max_size            = var.max_size
  vpc_zone_identifier = var.subnet_ids

  health_check_type         = "EC2"
  health_check_grace_period = 300
  default_instance_warmup   = 300
  enabled_metrics           = ["GroupInServiceInstances"]

  launch_template {
    id      = aws_launch_template.imgproc.id
    version = aws_launch_template.imgproc.latest_version
  }

  # A new launch template version (new .deb URL, new settings) replaces instances gradually;
  # the service finishes or releases its in-flight messages on SIGTERM.
  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 50
    }
  }

  lifecycle {
    # The scaling policy owns the desired capacity.
    ignore_changes = [desired_capacity]

    precondition {
      condition     = var.min_size <= var.max_size
      error_message = "min_size must not exceed max_size."
    }
  }
}

# Target tracking on the backlog per instance: visible messages / instances in service.
resource "aws_autoscaling_policy" "backlog_per_instance" {
  name                   = "${local.name}-backlog-per-instance"
  autoscaling_group_name = aws_autoscaling_group.imgproc.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    target_value = var.backlog_per_instance_target

    customized_metric_specification {
      metrics {
        id          = "visible"
        label       = "Visible messages in ${local.queue_name}"
        return_data = false

        metric_stat {
          stat = "Sum"

          metric {
            namespace   = "AWS/SQS"
            metric_name = "ApproximateNumberOfMessagesVisible"

            dimensions {
              name  = "QueueName"
              value = local.queue_name
            }
          }
        }
      }

      metrics {
        id          = "in_service"
        label       = "Instances in service"
        return_data = false

        metric_stat {
          stat = "Average"

          metric {
            namespace   = "AWS/AutoScaling"
            metric_name = "GroupInServiceInstances"

            dimensions {
              name  = "AutoScalingGroupName"
              value = aws_autoscaling_group.imgproc.name
            }
          }
        }
      }

      metrics {
        id          = "backlog_per_instance"
        label       = "Visible messages per instance in service"
        expression  = "visible / in_service"
        return_data = true
      }
    }
  }
}

# Handles on the group and its identity, and the configuration the instances run with.

output "autoscaling_group_name" {
  description = "Name of the Auto Scaling group."
  value       = aws_autoscaling_group.imgproc.name
}

output "launch_template_id" {
  description = "ID of the launch template."
  value       = aws_launch_template.imgproc.id
}

output "ami_id" {
  description = "The AMI the instances boot."
  value       = data.aws_ami.selected.id
}

output "instance_role_arn" {
  description = "ARN of the instances' IAM role."
  value       = aws_iam_role.imgproc.arn
}

output "instance_role_name" {
  description = "Name of the instances' IAM role."
  value       = aws_iam_role.imgproc.name
}

output "instance_profile_name" {
  description = "Name of the instance profile."
  value       = aws_iam_instance_profile.imgproc.name
}

output "security_group_id" {
  description = "Security group of the instances (egress only)."
  value       = aws_security_group.instances.id
}

output "imgproc_conf" {
  description = "The /etc/imgproc/imgproc.conf the instances write at first boot."
  value       = local.imgproc_conf
}

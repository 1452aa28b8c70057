# Outputs: the version ARN is what lambda_images' lambda_layers takes.

output "layer_version_arn" {
  description = "ARN of the published layer version (with its version number): pass it in lambda_images' lambda_layers."
  value       = try(aws_lambda_layer_version.this.arn, null)
}

output "layer_arn" {
  description = "ARN of the layer, without version."
  value       = try(aws_lambda_layer_version.this.layer_arn, null)
}

output "layer_name" {
  description = "Name of the layer."
  value       = try(aws_lambda_layer_version.this.layer_name, null)
}

output "layer_version" {
  description = "Version number of the published layer version."
  value       = try(aws_lambda_layer_version.this.version, null)
}

output "source_code_hash" {
  description = "Base64 SHA-256 of the published zip."
  value       = local.zip_sha256_base64
}

output "source_code_size" {
  description = "Size in bytes of the published zip."
  value       = try(aws_lambda_layer_version.this.source_code_size, null)
}

output "compatible_runtimes" {
  description = "Runtimes the layer version is published for."
  value       = try(aws_lambda_layer_version.this.compatible_runtimes, var.compatible_runtimes)
}

output "compatible_architectures" {
  description = "Architectures the layer version is published for."
  value       = try(aws_lambda_layer_version.this.compatible_architectures, var.compatible_architectures)
}

output "s3_object_key" {
  description = "Key of the uploaded zip when s3_bucket is set, otherwise null."
  value       = try(aws_s3_object.layer[0].key, null)
}

# Publishes the zip from `make lambda-layer` as a layer version. The zip's own hash decides
# when a new version is published, so a rebuild with identical bytes changes nothing.

locals {
  zip_sha256_base64 = filebase64sha256(var.layer_zip_path)
  zip_sha256_hex    = filesha256(var.layer_zip_path)
  use_s3            = var.s3_bucket != null
  zip_arch          = try(regex("imgproc-lambda-layer-(x86_64|arm64)\\.zip$", var.layer_zip_path)[0], null)
}

resource "aws_s3_object" "layer" {
  count  = local.use_s3 ? 1 : 0
  region = var.aws_region

  bucket       = var.s3_bucket
  key          = "${var.s3_key_prefix}${var.layer_name}/${local.zip_sha256_hex}.zip"
  source       = var.layer_zip_path
  source_hash  = local.zip_sha256_hex
  content_type = "application/zip"

  tags = var.tags
}

resource "aws_lambda_layer_version" "this" {
  region = var.aws_region

  layer_name   = var.layer_name
  description  = var.description
  license_info = var.license_info

  filename         = local.use_s3 ? null : var.layer_zip_path
  s3_bucket        = try(aws_s3_object.layer[0].bucket, null)
  s3_key           = try(aws_s3_object.layer[0].key, null) # the key names the hash: no object version needed
  source_code_hash = local.zip_sha256_base64

  compatible_runtimes      = var.compatible_runtimes
  compatible_architectures = var.compatible_architectures
  skip_destroy             = var.skip_destroy

  lifecycle {
    precondition {
      condition     = local.zip_arch == null || contains(var.compatible_architectures, coalesce(local.zip_arch, "none"))
      error_message = "The zip's name says it was built for ${coalesce(local.zip_arch, "?")}, but compatible_architectures is ${jsonencode(var.compatible_architectures)}."
    }
  }
}

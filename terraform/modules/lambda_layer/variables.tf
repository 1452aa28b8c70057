# Inputs of the layer module: which zip from `make lambda-layer` to publish, and for what.

variable "aws_region" {
  description = "AWS region to publish the layer in. Null means the provider's region. A layer can only be attached to functions of its own region."
  type        = string
  default     = null

  validation {
    condition     = var.aws_region == null || can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like an AWS region name, e.g. \"eu-west-1\"."
  }
}

variable "layer_name" {
  description = "Name of the layer. Each apply with a changed zip publishes a new version under this name."
  type        = string
  default     = "imgproc"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.layer_name))
    error_message = "layer_name must be 1-64 letters, digits, '-' or '_'."
  }
}

variable "layer_zip_path" {
  description = "Path to the zip built by `make lambda-layer`: imgproc-lambda-layer-<arch>.zip, whose root holds bootstrap, bin/imgproc-service and lib/."
  type        = string

  validation {
    condition     = endswith(var.layer_zip_path, ".zip")
    error_message = "layer_zip_path must name a .zip file (imgproc-lambda-layer-<arch>.zip from `make lambda-layer`)."
  }
}

variable "description" {
  description = "Description of the layer version."
  type        = string
  default     = "imgproc C custom runtime: bootstrap, imgproc-service and the libraries it needs"

  validation {
    condition     = length(var.description) <= 256
    error_message = "description must be at most 256 characters."
  }
}

variable "license_info" {
  description = "Optional license of the layer's contents (an SPDX identifier, a URL or up to 512 characters of text)."
  type        = string
  default     = null

  validation {
    condition     = var.license_info == null || try(length(var.license_info) <= 512, false)
    error_message = "license_info must be at most 512 characters."
  }
}

variable "compatible_runtimes" {
  description = "Runtimes the layer is published for. The bundled loader and libraries need glibc 2.34 at most, so AL2023's provided runtime is the target."
  type        = list(string)
  default     = ["provided.al2023"]

  validation {
    condition     = length(var.compatible_runtimes) >= 1 && length(var.compatible_runtimes) <= 15 && alltrue([for r in var.compatible_runtimes : contains(["provided.al2023", "provided.al2"], r)])
    error_message = "compatible_runtimes must hold 1 to 15 of \"provided.al2023\" and \"provided.al2\"."
  }
}

variable "compatible_architectures" {
  description = "Instruction set architectures of the layer: [\"x86_64\"] or [\"arm64\"], as the zip was built. One zip holds one architecture's binaries."
  type        = list(string)
  default     = ["x86_64"]

  validation {
    condition     = length(var.compatible_architectures) == 1 && alltrue([for a in var.compatible_architectures : contains(["x86_64", "arm64"], a)])
    error_message = "compatible_architectures must hold exactly one of \"x86_64\" or \"arm64\": the zip carries one architecture's binaries."
  }
}

variable "s3_bucket" {
  description = "Optional S3 bucket to upload the zip to before publishing (needed for zips above Lambda's 50 MB direct upload limit). Null uploads the zip directly."
  type        = string
  default     = null

  validation {
    condition     = var.s3_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.s3_bucket))
    error_message = "s3_bucket must be a valid S3 bucket name."
  }
}

variable "s3_key_prefix" {
  description = "Key prefix for the uploaded zip when s3_bucket is set; the key ends with the zip's SHA-256, so every build gets its own object."
  type        = string
  default     = "lambda-layers/"

  validation {
    condition     = can(regex("^([^/][^*]*/)?$", var.s3_key_prefix))
    error_message = "s3_key_prefix must be empty or end with '/', must not start with '/' and must not contain '*'."
  }
}

variable "skip_destroy" {
  description = "If true, older layer versions are kept when a new one is published or the module is destroyed, so that functions pinned to them can still be updated."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the uploaded S3 object (layer versions themselves cannot be tagged)."
  type        = map(string)
  default     = {}
}

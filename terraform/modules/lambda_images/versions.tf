# Terraform and provider versions. mock_provider in *.tftest.hcl needs 1.7; the aws
# provider 6.x is the one whose schema tests/terraform/check-terraform.mjs checks against.

terraform {
  required_version = ">= 1.7.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3.0"
    }
  }
}

terraform {
  # 1.6 is the floor for the module itself (strcontains, startswith, the test framework).
  # The native tests in tests/ use mock_provider, which needs Terraform >= 1.7
  # (OpenTofu >= 1.8).
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

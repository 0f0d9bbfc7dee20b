# Shared values and lookups. The resources are in network.tf, iam.tf and instance.tf.

locals {
  base_name = "slipway-${var.name}"

  # IAM names are limited to 64 characters and unique per account (not per region). Long host
  # names are shortened with a hash suffix so that two long names cannot collide.
  iam_name = (
    length(local.base_name) <= 64
    ? local.base_name
    : "${substr(local.base_name, 0, 55)}-${substr(sha256(var.name), 0, 8)}"
  )

  # Every resource gets these, plus its own Name. ManagedBy comes last so callers cannot
  # override it (the tags variable also refuses the key).
  tags = merge(var.tags, {
    ManagedBy   = "slipway"
    SlipwayHost = var.name
  })

  # SSH stays on 22: Slipway's host registration defaults to it and the security group rules
  # below are written for it. The ssh_port output reports it.
  ssh_port = 22

  # Official image publishers: Debian's cloud team and Canonical. Pinning the owner is what
  # keeps a look-alike AMI published by someone else from being picked.
  ami_catalog = {
    "debian-12" = {
      owner = "136693071363"
      name = {
        x86_64 = "debian-12-amd64-*"
        arm64  = "debian-12-arm64-*"
      }
    }
    "ubuntu-24.04" = {
      owner = "099720109477"
      name = {
        x86_64 = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
        arm64  = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*"
      }
    }
  }

  ami_id = coalesce(var.ami_id, one(data.aws_ami.selected[*].id))

  vpc_id = var.subnet_id == null ? one(data.aws_vpc.default[*].id) : one(data.aws_subnet.selected[*].vpc_id)

  # Null means "the same networks as SSH": where Slipway (and its health probes) and operators
  # connect from. An explicit [] opens no app ports.
  app_cidrs = var.app_cidrs == null ? var.ssh_cidrs : var.app_cidrs
}

# The newest official image, only looked up when no ami_id is given. The instance ignores later
# AMI changes (see instance.tf), so a newly published image does not replace a running host.
data "aws_ami" "selected" {
  count = var.ami_id == null ? 1 : 0

  most_recent = true
  owners      = [local.ami_catalog[var.os].owner]

  filter {
    name   = "name"
    values = [local.ami_catalog[var.os].name[var.architecture]]
  }

  filter {
    name   = "architecture"
    values = [var.architecture]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }

  filter {
    name   = "root-device-type"
    values = ["ebs"]
  }

  filter {
    name   = "state"
    values = ["available"]
  }
}

# The subnet gives the VPC for the security group, so callers pass one id instead of two that
# could disagree. Without a subnet, the host goes into the region's default VPC.
data "aws_subnet" "selected" {
  count = var.subnet_id == null ? 0 : 1

  id = var.subnet_id
}

data "aws_vpc" "default" {
  count = var.subnet_id == null ? 1 : 0

  default = true
}

data "aws_region" "current" {}

data "aws_partition" "current" {}

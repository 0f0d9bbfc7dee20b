# Native tests of the docker-host module: `terraform test` in terraform/modules/docker-host.
# Plan only, against a mocked AWS provider: no credentials, nothing created. Needs
# Terraform >= 1.7 (mock_provider) or OpenTofu >= 1.8.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"EC2AssumeRole\",\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"}}]}"
    }
  }

  override_data {
    target = data.aws_ami.selected
    values = {
      id           = "ami-0123456789abcdef0"
      architecture = "x86_64"
      name         = "debian-12-amd64-20250101-0000"
    }
  }

  override_data {
    target = data.aws_subnet.selected
    values = {
      id     = "subnet-0123456789abcdef0"
      vpc_id = "vpc-0123456789abcdef0"
    }
  }

  override_data {
    target = data.aws_vpc.default
    values = {
      id      = "vpc-0defa0123456789ab"
      default = true
    }
  }
}

variables {
  name           = "tftest-host"
  subnet_id      = "subnet-0123456789abcdef0"
  ssh_cidrs      = ["203.0.113.0/24", "198.51.100.7/32"]
  app_cidrs      = ["0.0.0.0/0"]
  ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPTTbJb+67W8PT4+LfxngYCX6H5Hfffma9+QkFMo5Doz slipway-tftest"
  tags = {
    Owner      = "group:platform-team"
    CostCenter = "cc-1234"
  }
}

# ---------------------------------------------------------------------------------------------
# The secure defaults
# ---------------------------------------------------------------------------------------------

run "ssh_only_from_given_cidrs" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.ssh) == length(var.ssh_cidrs)
    error_message = "There must be one SSH ingress rule per entry of ssh_cidrs."
  }

  assert {
    condition     = toset([for rule in values(aws_vpc_security_group_ingress_rule.ssh) : rule.cidr_ipv4]) == toset(var.ssh_cidrs)
    error_message = "SSH ingress rules must allow exactly the ssh_cidrs, nothing else."
  }

  assert {
    condition = alltrue([
      for rule in values(aws_vpc_security_group_ingress_rule.ssh) :
      rule.ip_protocol == "tcp" && rule.from_port == 22 && rule.to_port == 22
    ])
    error_message = "SSH ingress rules must open TCP port 22 only."
  }

  assert {
    condition = alltrue([
      for rule in values(aws_vpc_security_group_ingress_rule.app) :
      rule.from_port == 8000 && rule.to_port == 8999 && rule.from_port > 22
    ])
    error_message = "App ingress rules must open the app port range only, never port 22."
  }

  assert {
    condition     = aws_instance.host.associate_public_ip_address == false
    error_message = "The host must not get a public IP unless associate_public_ip is set."
  }
}

run "imdsv2_required" {
  command = plan

  assert {
    condition     = aws_instance.host.metadata_options[0].http_tokens == "required"
    error_message = "The instance must require IMDSv2 session tokens."
  }

  assert {
    condition     = aws_instance.host.metadata_options[0].http_put_response_hop_limit == 1
    error_message = "The IMDS hop limit must be 1 so containers cannot reach the metadata service."
  }
}

run "root_volume_encrypted" {
  command = plan

  assert {
    condition     = aws_instance.host.root_block_device[0].encrypted == true
    error_message = "The root volume must be encrypted."
  }

  assert {
    condition     = aws_instance.host.root_block_device[0].volume_size == 30
    error_message = "The root volume must default to 30 GiB."
  }
}

run "tags_on_every_resource" {
  command = plan

  assert {
    condition = alltrue([
      for tags in [
        aws_instance.host.tags,
        aws_instance.host.root_block_device[0].tags,
        aws_security_group.host.tags,
        aws_key_pair.deploy.tags,
        aws_iam_role.host.tags,
        aws_iam_instance_profile.host.tags,
        aws_vpc_security_group_egress_rule.all_ipv4.tags,
        aws_vpc_security_group_egress_rule.all_ipv6.tags,
      ] : tags["ManagedBy"] == "slipway" && tags["Owner"] == "group:platform-team" && tags["CostCenter"] == "cc-1234"
    ])
    error_message = "Every resource must carry ManagedBy = slipway and the caller's Owner and CostCenter tags."
  }

  assert {
    condition = alltrue([
      for rule in concat(values(aws_vpc_security_group_ingress_rule.ssh), values(aws_vpc_security_group_ingress_rule.app)) :
      rule.tags["ManagedBy"] == "slipway" && rule.tags["Owner"] == "group:platform-team"
    ])
    error_message = "Every security group rule must carry ManagedBy and Owner tags."
  }

  assert {
    condition     = aws_instance.host.tags["Name"] == "slipway-tftest-host"
    error_message = "The instance's Name tag must be slipway-<name>."
  }
}

run "no_iam_policy_without_ssm" {
  command = plan

  assert {
    condition     = length(aws_iam_role_policy_attachment.ssm) == 0
    error_message = "Without enable_ssm the host role must have no policy attached."
  }
}

run "ssm_attaches_only_the_managed_core_policy" {
  command = plan

  variables {
    enable_ssm = true
  }

  assert {
    condition     = length(aws_iam_role_policy_attachment.ssm) == 1
    error_message = "enable_ssm must attach exactly one policy."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.ssm[0].policy_arn == "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    error_message = "enable_ssm must attach AmazonSSMManagedInstanceCore and nothing else."
  }
}

run "public_ip_is_opt_in" {
  command = plan

  variables {
    associate_public_ip = true
  }

  assert {
    condition     = aws_instance.host.associate_public_ip_address == true
    error_message = "associate_public_ip = true must give the host a public IP."
  }
}

run "ipv6_ssh_cidr" {
  command = plan

  variables {
    ssh_cidrs = ["2001:db8::/48"]
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.ssh["2001:db8::/48"].cidr_ipv6 == "2001:db8::/48"
    error_message = "An IPv6 entry of ssh_cidrs must become a cidr_ipv6 rule."
  }
}

run "subnet_sets_the_security_group_vpc" {
  command = plan

  assert {
    condition     = aws_security_group.host.vpc_id == "vpc-0123456789abcdef0" && aws_instance.host.subnet_id == "subnet-0123456789abcdef0"
    error_message = "The security group must be created in the subnet's VPC and the host in the subnet."
  }
}

run "default_vpc_without_subnet" {
  command = plan

  variables {
    subnet_id = null
  }

  assert {
    condition     = length(data.aws_subnet.selected) == 0 && aws_security_group.host.vpc_id == "vpc-0defa0123456789ab"
    error_message = "Without subnet_id the security group must be created in the default VPC."
  }
}

run "app_cidrs_default_to_ssh_cidrs" {
  command = plan

  variables {
    app_cidrs = null
  }

  assert {
    condition     = toset(keys(aws_vpc_security_group_ingress_rule.app)) == toset(var.ssh_cidrs)
    error_message = "Without app_cidrs the app ports must be open to the ssh_cidrs only."
  }
}

run "empty_app_cidrs_open_no_app_ports" {
  command = plan

  variables {
    app_cidrs = []
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.app) == 0
    error_message = "app_cidrs = [] must open no app ports."
  }
}

run "explicit_ami_skips_lookup" {
  command = plan

  variables {
    ami_id = "ami-0fedcba9876543210"
  }

  assert {
    condition     = length(data.aws_ami.selected) == 0 && aws_instance.host.ami == "ami-0fedcba9876543210"
    error_message = "A given ami_id must be used as is, without an AMI lookup."
  }
}

run "long_name_fits_iam_limits" {
  command = plan

  variables {
    name = "a-very-long-host-name-that-is-still-a-valid-dns-label-of-63-chr"
  }

  assert {
    condition     = length(aws_iam_role.host.name) <= 64 && length(aws_iam_instance_profile.host.name) <= 64
    error_message = "IAM names must fit in 64 characters."
  }
}

# ---------------------------------------------------------------------------------------------
# Inputs that must be refused
# ---------------------------------------------------------------------------------------------

run "rejects_ssh_from_everywhere_ipv4" {
  command = plan

  variables {
    ssh_cidrs = ["203.0.113.0/24", "0.0.0.0/0"]
  }

  expect_failures = [var.ssh_cidrs]
}

run "rejects_ssh_from_everywhere_ipv6" {
  command = plan

  variables {
    ssh_cidrs = ["::/0"]
  }

  expect_failures = [var.ssh_cidrs]
}

run "rejects_empty_ssh_cidrs" {
  command = plan

  variables {
    ssh_cidrs = []
  }

  expect_failures = [var.ssh_cidrs]
}

run "rejects_invalid_ssh_cidr" {
  command = plan

  variables {
    ssh_cidrs = ["10.0.0.0/33"]
  }

  expect_failures = [var.ssh_cidrs]
}

run "rejects_non_canonical_ssh_cidr" {
  command = plan

  variables {
    ssh_cidrs = ["10.0.0.1/24"]
  }

  expect_failures = [var.ssh_cidrs]
}

run "rejects_inverted_app_port_range" {
  command = plan

  variables {
    app_port_range = {
      from = 9000
      to   = 8000
    }
  }

  expect_failures = [var.app_port_range]
}

run "rejects_privileged_app_port_range" {
  command = plan

  variables {
    app_port_range = {
      from = 22
      to   = 8080
    }
  }

  expect_failures = [var.app_port_range]
}

run "rejects_tags_without_owner_and_cost_center" {
  command = plan

  variables {
    tags = {
      Team = "platform"
    }
  }

  expect_failures = [var.tags]
}

run "rejects_malformed_ssh_public_key" {
  command = plan

  variables {
    ssh_public_key = "ssh-ed25519 not-a-key\nwith-a-second-line"
  }

  expect_failures = [var.ssh_public_key]
}

run "rejects_root_deploy_user" {
  command = plan

  variables {
    deploy_user = "root"
  }

  expect_failures = [var.deploy_user]
}

run "rejects_name_that_is_not_a_dns_label" {
  command = plan

  variables {
    name = "Bad_Name"
  }

  expect_failures = [var.name]
}

run "rejects_tiny_root_volume" {
  command = plan

  variables {
    root_volume_size_gb = 4
  }

  expect_failures = [var.root_volume_size_gb]
}

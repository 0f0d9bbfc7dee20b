# Inputs of the docker-host module. The AWS region is not an input: it is set on the provider
# by the calling environment (see ../../environments/example/providers.tf).

# ---------------------------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------------------------

variable "name" {
  type        = string
  description = "Host name in Slipway: a DNS label (lowercase letters, digits and '-', 1-63 characters). Used in resource names and the Name tag."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.name))
    error_message = "name must be a DNS label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags put on every resource. Must contain Owner (the owning team, e.g. a Backstage entity ref such as group:platform-team) and CostCenter (what the bill is charged to). The module adds Name, ManagedBy = \"slipway\" and SlipwayHost = name, overriding caller values for those keys."
  nullable    = false

  validation {
    condition = alltrue([
      for key in ["Owner", "CostCenter"] : trimspace(lookup(var.tags, key, "")) != ""
    ])
    error_message = "tags must contain non-empty Owner and CostCenter entries."
  }

  validation {
    # AWS allows 50 tags per resource; the module adds up to 3.
    condition     = length(var.tags) <= 40
    error_message = "tags may have at most 40 entries."
  }

  validation {
    # The character set IAM accepts for tags (the strictest of the services tagged here).
    condition = alltrue([
      for key, value in var.tags :
      can(regex("^[A-Za-z0-9 _.:/=+@-]{1,128}$", key)) &&
      can(regex("^[A-Za-z0-9 _.:/=+@-]{0,256}$", value)) &&
      !startswith(lower(key), "aws:")
    ])
    error_message = "tag keys (1-128 characters) and values (up to 256) may contain letters, digits, spaces and _ . : / = + - @; keys must not start with aws:."
  }
}

# ---------------------------------------------------------------------------------------------
# Instance
# ---------------------------------------------------------------------------------------------

variable "instance_type" {
  type        = string
  description = "EC2 instance type, e.g. t3.small. Its architecture must match var.architecture (t4g/m7g/... are arm64)."
  default     = "t3.small"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must be an EC2 instance type such as t3.small."
  }
}

variable "os" {
  type        = string
  description = "Operating system of the looked-up AMI: debian-12 (Debian's official images) or ubuntu-24.04 (Canonical's). Ignored when ami_id is set."
  default     = "debian-12"
  nullable    = false

  validation {
    condition     = contains(["debian-12", "ubuntu-24.04"], var.os)
    error_message = "os must be debian-12 or ubuntu-24.04."
  }
}

variable "architecture" {
  type        = string
  description = "CPU architecture of the looked-up AMI: x86_64 or arm64. Ignored when ami_id is set."
  default     = "x86_64"
  nullable    = false

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "ami_id" {
  type        = string
  description = "AMI to use instead of looking up the newest Debian 12 / Ubuntu 24.04 image. It must be Debian- or Ubuntu-based (the bootstrap uses apt). Null (default) looks the image up."
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-([0-9a-f]{8}|[0-9a-f]{17})$", var.ami_id))
    error_message = "ami_id must be null or an AMI id such as ami-0123456789abcdef0."
  }
}

variable "root_volume_size_gb" {
  type        = number
  description = "Size of the encrypted gp3 root volume in GiB (Docker images and build caches live there). 8-1024."
  default     = 30
  nullable    = false

  validation {
    condition     = var.root_volume_size_gb == floor(var.root_volume_size_gb) && var.root_volume_size_gb >= 8 && var.root_volume_size_gb <= 1024
    error_message = "root_volume_size_gb must be a whole number between 8 and 1024."
  }
}

variable "root_volume_kms_key_id" {
  type        = string
  description = "ARN of a customer-managed KMS key for the root volume. Null (default) uses the account's EBS default key (aws/ebs). The volume is encrypted either way."
  default     = null

  validation {
    condition     = var.root_volume_kms_key_id == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.root_volume_kms_key_id))
    error_message = "root_volume_kms_key_id must be null or a KMS key or alias ARN."
  }
}

variable "detailed_monitoring" {
  type        = bool
  description = "Enable EC2 detailed (1-minute) CloudWatch monitoring. Costs extra."
  default     = false
  nullable    = false
}

# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------

variable "subnet_id" {
  type        = string
  description = "Subnet to launch the host in; its VPC gets the security group. Null (default) uses the region's default VPC and lets EC2 pick one of its default subnets. Set it for anything beyond a trial."
  default     = null

  validation {
    condition     = var.subnet_id == null || can(regex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", var.subnet_id))
    error_message = "subnet_id must be null or a subnet id such as subnet-0123456789abcdef0."
  }
}

variable "associate_public_ip" {
  type        = bool
  description = "Give the host a public IPv4 address. False (default) keeps it private, even in a subnet that maps public IPs on launch; Slipway then reaches it over the private network."
  default     = false
  nullable    = false
}

variable "ssh_cidrs" {
  type        = list(string)
  description = "CIDR blocks (IPv4 or IPv6, in canonical form) allowed to reach SSH (port 22): where the Slipway backend and your operators connect from. Never the whole internet."
  nullable    = false

  validation {
    condition     = length(var.ssh_cidrs) > 0
    error_message = "ssh_cidrs must list at least one CIDR block allowed to reach SSH."
  }

  validation {
    # Each security group allows 60 inbound rules per IP family by default; keep room for apps.
    condition     = length(var.ssh_cidrs) <= 20
    error_message = "ssh_cidrs may list at most 20 CIDR blocks."
  }

  validation {
    # cidrsubnet(x, 0, 0) returns x in canonical form, so this both validates the syntax and
    # refuses host bits (10.0.0.1/24), which AWS would otherwise rewrite into a perpetual diff.
    condition     = alltrue([for cidr in var.ssh_cidrs : try(cidrsubnet(cidr, 0, 0) == cidr, false)])
    error_message = "ssh_cidrs entries must be valid CIDR blocks in canonical form, such as 203.0.113.0/24 or 2001:db8::/48."
  }

  validation {
    # Canonical form (checked above) makes these the only spellings of "everyone".
    condition     = alltrue([for cidr in var.ssh_cidrs : !contains(["0.0.0.0/0", "::/0"], cidr)])
    error_message = "ssh_cidrs must not contain 0.0.0.0/0 or ::/0: SSH must not be open to the whole internet."
  }
}

variable "app_cidrs" {
  type        = list(string)
  description = "CIDR blocks allowed to reach the app port range: your users, and the Slipway backend (its health probes connect to the apps directly). May be 0.0.0.0/0 for public apps; [] opens no app ports. Null (default) uses ssh_cidrs: the networks Slipway and operators connect from."
  default     = null

  validation {
    condition     = var.app_cidrs == null ? true : length(var.app_cidrs) <= 20
    error_message = "app_cidrs may list at most 20 CIDR blocks."
  }

  validation {
    condition     = var.app_cidrs == null ? true : alltrue([for cidr in var.app_cidrs : try(cidrsubnet(cidr, 0, 0) == cidr, false)])
    error_message = "app_cidrs entries must be valid CIDR blocks in canonical form, such as 0.0.0.0/0, 203.0.113.0/24 or 2001:db8::/48."
  }
}

variable "app_port_range" {
  type = object({
    from = number
    to   = number
  })
  description = "TCP port range Slipway publishes app containers on, opened to app_cidrs. Unprivileged ports only (1024-65535), from <= to."
  default = {
    from = 8000
    to   = 8999
  }
  nullable = false

  validation {
    condition = try(
      var.app_port_range.from == floor(var.app_port_range.from) &&
      var.app_port_range.to == floor(var.app_port_range.to) &&
      var.app_port_range.from >= 1024 &&
      var.app_port_range.to <= 65535,
      false
    )
    error_message = "app_port_range.from and app_port_range.to must be whole numbers between 1024 and 65535 (so the range can never include SSH or other privileged ports)."
  }

  validation {
    condition     = try(var.app_port_range.from <= var.app_port_range.to, false)
    error_message = "app_port_range.from must not be greater than app_port_range.to."
  }
}

# ---------------------------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------------------------

variable "ssh_public_key" {
  type        = string
  description = "OpenSSH public key (ssh-ed25519 or ssh-rsa, the types EC2 imports) whose private half Slipway uses. Installed for the deploy user, and as the EC2 key pair of the image's default (sudo) user for break-glass access."
  nullable    = false

  validation {
    # One line, no control characters: the key is written into the bootstrap script.
    condition     = can(regex("^(ssh-ed25519 AAAAC3NzaC1lZDI1NTE5|ssh-rsa AAAAB3NzaC1yc2E)[A-Za-z0-9+/]+={0,3}( [ -~]*)?$", var.ssh_public_key))
    error_message = "ssh_public_key must be one OpenSSH public key line of type ssh-ed25519 or ssh-rsa (\"ssh-ed25519 AAAA... comment\")."
  }
}

variable "deploy_user" {
  type        = string
  description = "Unprivileged user Slipway logs in as; a member of the docker group. A POSIX user name, not root and not the image's default user."
  default     = "slipway"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_-]{0,31}$", var.deploy_user))
    error_message = "deploy_user must be a POSIX user name: up to 32 lowercase letters, digits, '_' and '-', starting with a letter or '_'."
  }

  validation {
    condition     = !contains(["root", "admin", "ubuntu", "debian", "ec2-user", "nobody", "daemon", "sshd"], var.deploy_user)
    error_message = "deploy_user must not be root, a system account or an image's default user (admin, ubuntu)."
  }
}

variable "enable_ssm" {
  type        = bool
  description = "Attach the AWS-managed AmazonSSMManagedInstanceCore policy so operators can use SSM Session Manager. Ubuntu images ship the SSM agent; Debian images do not (install it yourself or use ubuntu-24.04)."
  default     = false
  nullable    = false
}

variable "iam_permissions_boundary_arn" {
  type        = string
  description = "Permissions boundary to set on the host's IAM role, if your organisation requires one. Null (default) sets none."
  default     = null

  validation {
    condition     = var.iam_permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.iam_permissions_boundary_arn))
    error_message = "iam_permissions_boundary_arn must be null or an IAM policy ARN."
  }
}

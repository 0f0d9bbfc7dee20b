# Inputs of the example environment. Slipway passes them in a JSON var file; by hand, copy
# terraform.tfvars.example to terraform.tfvars. The module validates every value again.

variable "region" {
  type        = string
  description = "AWS region to create the host in, e.g. eu-west-1."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region such as eu-west-1."
  }
}

variable "name" {
  type        = string
  description = "Host name in Slipway (a DNS label)."
}

variable "instance_type" {
  type        = string
  description = "EC2 instance type."
  default     = "t3.small"
}

variable "os" {
  type        = string
  description = "debian-12 or ubuntu-24.04."
  default     = "debian-12"
}

variable "subnet_id" {
  type        = string
  description = "Subnet to launch the host in. Null uses the region's default VPC."
  default     = null
}

variable "associate_public_ip" {
  type        = bool
  description = "Give the host a public IPv4 address (default: private only)."
  default     = false
}

variable "ssh_cidrs" {
  type        = list(string)
  description = "CIDR blocks allowed to reach SSH: the Slipway backend's egress addresses and your operators' networks. Never 0.0.0.0/0 or ::/0."

  validation {
    condition     = length(var.ssh_cidrs) > 0 && alltrue([for cidr in var.ssh_cidrs : !contains(["0.0.0.0/0", "::/0"], cidr)])
    error_message = "ssh_cidrs must list at least one CIDR block and must not contain 0.0.0.0/0 or ::/0."
  }
}

variable "app_cidrs" {
  type        = list(string)
  description = "CIDR blocks allowed to reach the app port range, including the Slipway backend (health probes). Null uses ssh_cidrs."
  default     = null
}

variable "app_port_range" {
  type = object({
    from = number
    to   = number
  })
  description = "TCP port range for apps (1024-65535)."
  default = {
    from = 8000
    to   = 8999
  }
}

variable "ssh_public_key" {
  type        = string
  description = "OpenSSH public key (ssh-ed25519 or ssh-rsa) Slipway logs in with."
}

variable "enable_ssm" {
  type        = bool
  description = "Allow SSM Session Manager access (attaches AmazonSSMManagedInstanceCore)."
  default     = false
}

variable "root_volume_size_gb" {
  type        = number
  description = "Root volume size in GiB."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource; must contain Owner and CostCenter."
}

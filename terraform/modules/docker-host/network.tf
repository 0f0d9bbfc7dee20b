# The host's security group. Rules are separate aws_vpc_security_group_*_rule resources (one
# CIDR each), not inline blocks: each rule has its own tags and description, and changing one
# CIDR does not rewrite the others.
#
# Terraform removes the allow-all egress rule AWS adds to a new security group, so the group
# allows exactly what is declared below.

resource "aws_security_group" "host" {
  name        = local.base_name
  description = "Slipway Docker host ${var.name}"
  vpc_id      = local.vpc_id

  tags = merge(local.tags, {
    Name = local.base_name
  })
}

# SSH only from the allowed CIDRs (the variable refuses 0.0.0.0/0 and ::/0). The port is
# written as a literal 22 (local.ssh_port) so static checks can see what the rule opens.
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each = toset(var.ssh_cidrs)

  security_group_id = aws_security_group.host.id
  description       = "SSH from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = strcontains(each.value, ":") ? null : each.value
  cidr_ipv6         = strcontains(each.value, ":") ? each.value : null

  tags = merge(local.tags, {
    Name = "${local.base_name}-ssh"
  })
}

# The ports Slipway publishes app containers on (1024-65535 only, see the variable), for the
# app's users and for Slipway's health probes (app_cidrs, by default the ssh_cidrs).
resource "aws_vpc_security_group_ingress_rule" "app" {
  for_each = toset(local.app_cidrs)

  security_group_id = aws_security_group.host.id
  description       = "Slipway apps from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = var.app_port_range.from
  to_port           = var.app_port_range.to
  cidr_ipv4         = strcontains(each.value, ":") ? null : each.value
  cidr_ipv6         = strcontains(each.value, ":") ? each.value : null

  tags = merge(local.tags, {
    Name = "${local.base_name}-apps"
  })
}

# Egress is open on purpose. The host installs packages from the distribution's mirrors at
# boot and keeps them patched (unattended-upgrades), clones app repositories from Git hosts,
# and pulls base images from container registries whose addresses are CDN ranges that change
# without notice; deployed apps call their own dependencies too. An allow-list of CIDRs here
# would break deploys unpredictably without stopping exfiltration by a compromised host (any
# allowed registry or Git host can receive data). Restrict egress at the VPC instead (NAT +
# DNS/HTTP proxy or AWS Network Firewall) if your organisation needs it.
resource "aws_vpc_security_group_egress_rule" "all_ipv4" {
  security_group_id = aws_security_group.host.id
  description       = "All outbound IPv4: packages, Git, image pulls"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"

  tags = merge(local.tags, {
    Name = "${local.base_name}-egress-ipv4"
  })
}

resource "aws_vpc_security_group_egress_rule" "all_ipv6" {
  security_group_id = aws_security_group.host.id
  description       = "All outbound IPv6: packages, Git, image pulls"
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"

  tags = merge(local.tags, {
    Name = "${local.base_name}-egress-ipv6"
  })
}

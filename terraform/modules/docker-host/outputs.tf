# What Slipway needs to register the host (slipway.hosts[]: name, address, port, user, hostKey),
# plus ids for operators. The host key itself is not an output: Terraform cannot read it (it is
# generated on the host at first boot); host_key_hint says how to fetch it out of band.

output "instance_id" {
  description = "EC2 instance id."
  value       = aws_instance.host.id
}

output "public_ip" {
  description = "Public IPv4 address, or null when associate_public_ip is false. Without an Elastic IP it changes if the instance is stopped and started."
  value       = aws_instance.host.public_ip != "" ? aws_instance.host.public_ip : null
}

output "private_ip" {
  description = "Private IPv4 address in the subnet."
  value       = aws_instance.host.private_ip
}

output "address" {
  description = "The address Slipway should connect to: the public IP if there is one, else the private IP."
  value       = coalesce(aws_instance.host.public_ip, aws_instance.host.private_ip)
}

output "ssh_user" {
  description = "User Slipway logs in as (var.deploy_user, in the docker group)."
  value       = var.deploy_user
}

output "ssh_port" {
  description = "SSH port: always 22."
  value       = local.ssh_port
}

output "security_group_id" {
  description = "Id of the host's security group (add rules to it only through this module)."
  value       = aws_security_group.host.id
}

output "host_key_hint" {
  description = "Shell command that prints the host's ed25519 public key from the EC2 serial console output (the bootstrap prints it as SLIPWAY_HOST_KEY=...). Pin the printed key as the host's hostKey. Console output can take a few minutes to appear after first boot."
  value       = "aws ec2 get-console-output --region ${data.aws_region.current.name} --instance-id ${aws_instance.host.id} --latest --output text | grep -o 'SLIPWAY_HOST_KEY=ssh-ed25519 [A-Za-z0-9+/=]*' | sort -u"
}

output "host_key_marker" {
  description = "Prefix of the console line that carries the host key; the rest of the line is the key to pin (\"ssh-ed25519 AAAA...\")."
  value       = "SLIPWAY_HOST_KEY="
}

output "region" {
  description = "AWS region the host runs in (from the provider configuration)."
  value       = data.aws_region.current.name
}

output "availability_zone" {
  description = "Availability zone of the instance."
  value       = aws_instance.host.availability_zone
}

output "ami_id" {
  description = "AMI the instance was launched from."
  value       = aws_instance.host.ami
}

output "iam_role_name" {
  description = "Name of the host's IAM role, for attaching narrowly scoped policies later."
  value       = aws_iam_role.host.name
}

output "key_pair_name" {
  description = "Name of the EC2 key pair (installed for the image's default user)."
  value       = aws_key_pair.deploy.key_name
}

output "slipway_host" {
  description = "The host's entry for Slipway's slipway.hosts[] configuration, without hostKey (see host_key_hint) and without the private key."
  value = {
    name    = var.name
    type    = "ssh"
    address = coalesce(aws_instance.host.public_ip, aws_instance.host.private_ip)
    port    = local.ssh_port
    user    = var.deploy_user
  }
}

# Slipway reads these with `terraform output -json` after apply to register the host.

output "instance_id" {
  description = "EC2 instance id."
  value       = module.docker_host.instance_id
}

output "address" {
  description = "Address Slipway connects to (public IP if any, else private IP)."
  value       = module.docker_host.address
}

output "public_ip" {
  description = "Public IPv4 address, or null."
  value       = module.docker_host.public_ip
}

output "private_ip" {
  description = "Private IPv4 address."
  value       = module.docker_host.private_ip
}

output "ssh_user" {
  description = "User Slipway logs in as."
  value       = module.docker_host.ssh_user
}

output "ssh_port" {
  description = "SSH port (22)."
  value       = module.docker_host.ssh_port
}

output "security_group_id" {
  description = "Id of the host's security group."
  value       = module.docker_host.security_group_id
}

output "host_key_hint" {
  description = "Command that prints the host key to pin (from the EC2 console output)."
  value       = module.docker_host.host_key_hint
}

output "slipway_host" {
  description = "The host's slipway.hosts[] entry, without hostKey and private key."
  value       = module.docker_host.slipway_host
}

# One Slipway Docker host. Slipway's provisioning runner drives this root module with a JSON
# var file (see README.md); a team can also copy terraform.tfvars.example and run it by hand.
module "docker_host" {
  source = "../../modules/docker-host"

  name          = var.name
  instance_type = var.instance_type
  os            = var.os
  subnet_id     = var.subnet_id

  associate_public_ip = var.associate_public_ip
  ssh_cidrs           = var.ssh_cidrs
  app_cidrs           = var.app_cidrs
  app_port_range      = var.app_port_range
  ssh_public_key      = var.ssh_public_key
  enable_ssm          = var.enable_ssm
  root_volume_size_gb = var.root_volume_size_gb

  tags = var.tags
}

# The EC2 instance and its key pair.

# EC2 installs this key for the image's default user (admin on Debian, ubuntu on Ubuntu), which
# has sudo: the break-glass account. Slipway itself logs in as var.deploy_user, which the
# bootstrap creates with the same key. Membership in the docker group is root-equivalent anyway,
# so the second account adds no privilege the key does not already have.
resource "aws_key_pair" "deploy" {
  key_name   = local.base_name
  public_key = var.ssh_public_key

  tags = merge(local.tags, {
    Name = local.base_name
  })
}

resource "aws_instance" "host" {
  ami                         = local.ami_id
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_id
  vpc_security_group_ids      = [aws_security_group.host.id]
  associate_public_ip_address = var.associate_public_ip
  key_name                    = aws_key_pair.deploy.key_name
  iam_instance_profile        = aws_iam_instance_profile.host.name
  monitoring                  = var.detailed_monitoring

  # Runs once, at first boot (cloud-init). Installs Docker, creates the deploy user, hardens
  # sshd and prints the host key to the serial console for pinning.
  user_data = templatefile("${path.module}/user_data.sh.tftpl", {
    deploy_user    = var.deploy_user
    ssh_public_key = var.ssh_public_key
  })

  # IMDSv2 only: every metadata request needs a session token obtained with a PUT, which
  # blocks the SSRF-style GETs that IMDSv1 answers. A hop limit of 1 means the token response
  # cannot cross the extra network hop into a Docker bridge network, so app containers cannot
  # read the instance's role credentials. Instance tags are not exposed through the metadata.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  # Encrypted at rest (the account's aws/ebs key unless root_volume_kms_key_id is set), so
  # images, build contexts and app data in snapshots or on retired disks stay unreadable.
  root_block_device {
    encrypted             = true
    kms_key_id            = var.root_volume_kms_key_id
    volume_type           = "gp3"
    volume_size           = var.root_volume_size_gb
    delete_on_termination = true

    tags = merge(local.tags, {
      Name = "${local.base_name}-root"
    })
  }

  tags = merge(local.tags, {
    Name = local.base_name
  })

  lifecycle {
    # A newer image from the AMI lookup must not replace a running host (and its apps) on the
    # next apply; replace deliberately with `terraform apply -replace=...aws_instance.host`.
    # user_data only runs at first boot, so a change would not reach the host anyway, and the
    # AWS provider would stop and start it (losing a non-Elastic public IP) to apply it.
    ignore_changes = [ami, user_data]
  }
}

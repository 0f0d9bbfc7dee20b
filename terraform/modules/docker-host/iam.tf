# The host's IAM identity. Least privilege: the role has no inline policies and no permissions
# of its own. With enable_ssm it gets exactly one AWS-managed policy,
# AmazonSSMManagedInstanceCore (Session Manager and the SSM agent's own calls); without it, its
# credentials can do nothing. The role still exists so that a team can attach a narrowly scoped
# policy later (e.g. pulling from one ECR repository) without replacing the instance.
#
# The instance metadata hop limit is 1 (instance.tf), so containers on the host cannot fetch
# these credentials.

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "EC2AssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "host" {
  name                 = local.iam_name
  path                 = "/slipway/"
  description          = "Slipway Docker host ${var.name}"
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  permissions_boundary = var.iam_permissions_boundary_arn

  tags = merge(local.tags, {
    Name = local.iam_name
  })
}

resource "aws_iam_role_policy_attachment" "ssm" {
  count = var.enable_ssm ? 1 : 0

  role       = aws_iam_role.host.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "host" {
  name = local.iam_name
  path = "/slipway/"
  role = aws_iam_role.host.name

  tags = merge(local.tags, {
    Name = local.iam_name
  })
}

# State lives in S3. The block is deliberately empty (partial configuration): bucket, key,
# region and locking come from a file at init time, so no account-specific value is committed:
#
#   terraform init -backend-config=backend.hcl
#
# Slipway adds the per-host state key on top, e.g. -backend-config="key=hosts/<name>.tfstate".
# See backend.hcl.example.
terraform {
  backend "s3" {}
}

provider "aws" {
  # The region is chosen per environment (and per Slipway provisioning request), never inside
  # the module.
  region = var.region

  # Tags on everything this provider creates, including anything a future version of the
  # module forgets to tag explicitly. The module also sets the same tags on each resource,
  # so they are there even when it is used with a provider without default_tags.
  default_tags {
    tags = merge(var.tags, {
      ManagedBy = "slipway"
    })
  }
}

export interface Config {
  slipway?: {
    /** GitOps settings of `slipway:commit-iac`. */
    gitops?: {
      /**
       * Terraform source of the docker-host module written into rendered hosts, e.g.
       * `git::https://github.com/acme/platform-infra.git//terraform/modules/docker-host?ref=v1`.
       * Default: the GitOps repository's own `terraform/modules/docker-host`, as a relative path.
       */
      moduleSource?: string;
      /**
       * Public key installed for the deploy user of provisioned hosts (not a secret). Default:
       * `slipway.iac.sshPublicKey`.
       */
      sshPublicKey?: string;
    };
  };
}

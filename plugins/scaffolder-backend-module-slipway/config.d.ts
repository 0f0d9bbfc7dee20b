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
       * The Terraform module sources a template may pass as `moduleSource` (a module runs with
       * the pipeline's cloud credentials, so it must be one an admin trusts). An entry ending in
       * `*` matches every source that starts with the rest, e.g.
       * `git::https://git.example.com/platform/modules.git//docker-host?ref=*`. Default: the
       * repository's own `terraform/modules/docker-host` (the relative path the action renders)
       * and `moduleSource` above if set. The source used when `moduleSource` is left out is
       * always accepted.
       */
      allowedModuleSources?: string[];
      /**
       * Public key installed for the deploy user of provisioned hosts (not a secret). Default:
       * `slipway.iac.sshPublicKey`.
       */
      sshPublicKey?: string;
    };
  };
}

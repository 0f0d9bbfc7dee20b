export interface Config {
  /** Slipway: Docker hosts, deploys and health checks. */
  slipway?: {
    /**
     * Docker hosts that apps can be deployed to. When absent, one host named `local` (the
     * backend's own machine, no SSH) is configured, for trying Slipway on a laptop with Docker.
     */
    hosts?: Array<{
      /** Host name used in deploy requests: a DNS label. */
      name: string;
      /** `ssh` (default) connects over SSH; `local` runs commands on the backend's machine. */
      type?: 'ssh' | 'local';
      /** Address (DNS name or IP) of an SSH host. */
      address?: string;
      /** SSH port, default 22. */
      port?: number;
      /** SSH user, default `slipway`. */
      user?: string;
      /**
       * Private key (OpenSSH or PEM), typically `${SLIPWAY_HOST_KEY}` from the environment.
       * @visibility secret
       */
      privateKey?: string;
      /** Path to a private key file, as an alternative to `privateKey`. */
      privateKeyFile?: string;
      /** Pinned host public key, e.g. `ssh-ed25519 AAAA...`. Unknown or changed keys are refused. */
      hostKey?: string;
      /**
       * Skip host key verification. Local development only: logged loudly at every connection.
       */
      insecureSkipHostKeyVerification?: boolean;
      /**
       * The host's owner, an entity ref such as `group:default/team-a`: with reads restricted
       * to owners, only they (and admins) see it. Without one, the host is admins' only.
       */
      owner?: string;
    }>;
    /** Who owns an app. */
    ownership?: {
      /**
       * Whether an app's catalog Component decides its owner (default true): a Component
       * annotated `slipway/app-name: <app>`, read by the catalog from the app's own
       * repository, makes its `spec.owner` the app's owner in place of the owner recorded at
       * first deploy.
       */
      fromCatalog?: boolean;
      /** How often the owners are read from the catalog. Default every minute. */
      catalogSync?: {
        frequency: { minutes?: number; seconds?: number } | string;
        timeout: { minutes?: number; seconds?: number } | string;
        initialDelay?: { minutes?: number; seconds?: number } | string;
      };
    };
    /** Where apps may be cloned from. */
    repos?: {
      /**
       * Host names repos may come from (e.g. `github.com`, `git.example.com`). Default: the
       * hosts of Backstage's `integrations` config plus github.com, gitlab.com and bitbucket.org.
       */
      allowedHosts?: string[];
    };
    /** Deploy jobs. */
    deploy?: {
      /** Build folder on hosts, relative to the SSH user's home or absolute. Default `.slipway`. */
      workDir?: string;
      /**
       * Resolve the ref to a commit from the backend with `git ls-remote` (default true), so a
       * deploy needs one SSH session; set false for repos only the hosts can reach.
       */
      resolveRefOnBackend?: boolean;
      /**
       * Per app, the images of this many newest successful releases are kept for rollback, the
       * current one included; failed deploys remove their own. Default 3 (minimum 2).
       */
      keepImages?: number;
      /**
       * Seconds a job's lock lives without a renewal (renewed 3 times per period while the job
       * runs). A backend that dies leaves its jobs to be settled by another replica, or by
       * itself after a restart, once this has passed. Default 30.
       */
      lockTtlSeconds?: number;
      /** Per-command timeout in seconds. Default 120. */
      commandTimeoutSeconds?: number;
      /** Timeout of `docker build` in seconds. Default 1200. */
      buildTimeoutSeconds?: number;
      /** The health gate after a swap. */
      healthGate?: {
        /** First wait between probes in ms, doubling up to `intervalMs`. Default 250. */
        initialIntervalMs?: number;
        /** Longest wait between probes in ms. Default 1000. */
        intervalMs?: number;
        /** Timeout of one probe in ms. Default 5000. */
        probeTimeoutMs?: number;
        /** Give up after this many seconds. Default 60. */
        deadlineSeconds?: number;
      };
    };
    /** The health monitor of deployed apps. */
    health?: {
      /** Seconds between rounds. Default 10. */
      intervalSeconds?: number;
      /** Timeout of one probe in ms. Default 5000. */
      probeTimeoutMs?: number;
      /** Consecutive failures before an app is unhealthy. Default 3. */
      failureThreshold?: number;
      /** Apps probed at once. Default 8. */
      concurrency?: number;
      /** Hours health samples are kept. Default 168. */
      retentionHours?: number;
    };
    /** Platform rules checked before any change; a violation is a 400 listing every broken rule. */
    policy?: {
      /** AWS regions hosts may be provisioned in. */
      allowedRegions?: string[];
      /** EC2 instance types hosts may use. */
      allowedInstanceTypes?: string[];
      /** Most hosts one owner may have. */
      maxHostsPerOwner?: number;
      /** Tag keys every provisioned host must carry. */
      requiredTags?: string[];
      /** Host ports apps (and provisioned hosts' app port ranges) must lie within. */
      allowedPortRange?: { from: number; to: number };
      /** Hosts repos may be cloned from (overrides `slipway.repos.allowedHosts`). */
      allowedRepoHosts?: string[];
      /**
       * Rule `resources.max-memory`: the most memory one app may ask for (`docker run
       * --memory`), in Docker's format, e.g. `2g`. When set, every deploy must name a `memory`
       * of at most this (an app without a limit could take the whole host). Unset: no bound.
       */
      maxMemory?: string;
      /**
       * Rule `resources.max-cpus`: the most CPUs one app may ask for (`docker run --cpus`), e.g.
       * `2`. When set, every deploy must name `cpus` of at most this. Unset: no bound.
       */
      maxCpus?: number;
    };
    /**
     * How many backend replicas serve Slipway. Default 1. Above 1, Terraform state must be
     * remote (`slipway.iac.backend`), since a replica cannot read another's disk.
     */
    replicas?: number;
    /** Provisioning with Terraform or OpenTofu. */
    iac?: {
      /** The binary: `terraform` (default), `tofu`, or a path. */
      binary?: string;
      /** Folder for one working directory per host. Default `.data/iac` of the backend. */
      workDir?: string;
      /** The Terraform module instantiated for a host. Default: this repo's `terraform/modules/docker-host`. */
      modulePath?: string;
      /**
       * Where Terraform state lives: the backend type the root module declares (an empty block,
       * configured at `init` by `backendConfigFiles` or the backend's environment variables).
       * Default `s3` when `backendConfigFiles` are given, else local state in the host's
       * working directory. Slipway gives each host its own state within the backend: `s3` and
       * `azurerm` `key = "hosts/<name>.tfstate"`, `gcs` `prefix = "hosts/<name>"`, `consul`
       * `path = "hosts/<name>"`, `pg` `schema_name = "slipway_host_<name>"` (these replace the
       * same setting in the files). Required (not `local`) with `NODE_ENV=production` or
       * `slipway.replicas` above 1: provisioning is refused without it.
       */
      backend?: 'local' | 's3' | 'azurerm' | 'gcs' | 'consul' | 'pg';
      /**
       * Files of backend configuration, each passed as `-backend-config=<file>` to `init`
       * (relative paths from the backend's working directory). They may hold credentials
       * (e.g. the `pg` backend's `conn_str`): keep them out of Git, mode 0600.
       */
      backendConfigFiles?: string[];
      /** Public key installed for the deploy user on provisioned hosts. */
      sshPublicKey?: string;
      /**
       * The matching private key, e.g. `${SLIPWAY_PROVISIONED_HOST_KEY}`.
       * @visibility secret
       */
      sshPrivateKey?: string;
      /**
       * How a provisioned host's SSH host key is pinned: `first-connection` (default: the key of
       * the first connection is pinned for every later one, logged; a `host_key` output is used
       * when the module has one) or `output` (refuse a host whose module gives no `host_key`).
       */
      hostKeyPinning?: 'output' | 'first-connection';
    };
    /**
     * NATS JetStream for events. When `servers` is set, every event is written to an outbox in
     * the transaction of its change and published to JetStream, and every replica's SSE clients
     * are fed from the stream. Without it, events flow in-process.
     */
    nats?: {
      /**
       * Server URLs: a list, or one string of comma-separated URLs such as
       * `nats://nats-1:4222,nats://nats-2:4222` (e.g. `${NATS_URL}`). Credentials may be given in
       * the URL (`nats://user:password@host:4222`).
       * @visibility secret
       */
      servers?: string | string[];
      /** The JetStream stream, created or updated on start. Default `SLIPWAY`. */
      stream?: string;
      /** Days the stream keeps events. Default 7. */
      maxAgeDays?: number;
    };
    /** Events, whatever carries them. */
    events?: {
      /**
       * Hours a published outbox row (and the record of a sent notification) is kept before it
       * is pruned. Unpublished rows are never pruned. Default 24.
       */
      outboxRetentionHours?: number;
      /**
       * Send Backstage notifications to an app's owners when it fails, turns unhealthy or
       * recovers. Default true; set false where the notifications backend is not installed.
       */
      notifications?: boolean;
    };
  };
}

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
    }>;
    /** NATS JetStream for events; without it, events flow in-process. */
    nats?: {
      /** Comma-separated server URLs, e.g. nats://127.0.0.1:4222 */
      servers?: string;
    };
  };
}

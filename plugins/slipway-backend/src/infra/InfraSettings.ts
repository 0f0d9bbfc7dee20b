/** `slipway.iac` as the provisioning jobs use it (read by `readInfraSettings`). */
export type InfraSettings = {
  /** One working directory per host under this folder (Terraform's state lives there without a remote backend). */
  workDir: string;
  modulePath: string;
  backendConfigFiles: string[];
  /** `slipway.iac.backend`: the backend type the root module declares; none is local state. */
  backend?: string;
  /** Why state must be remote (`NODE_ENV=production`, `slipway.replicas` > 1), if it must. */
  remoteStateRequiredBy?: string;
  sshPublicKey?: string;
  hostKeyPinning: 'output' | 'first-connection';
};

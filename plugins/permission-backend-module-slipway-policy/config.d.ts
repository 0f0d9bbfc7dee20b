export interface Config {
  /** Slipway: Docker hosts, deploys and health checks. */
  slipway?: {
    /** Who may do what in Slipway, read by the Slipway permission policy module. */
    permissions?: {
      /**
       * Groups whose members may do everything in Slipway (deploy, operate and destroy any app,
       * provision and destroy any host). Group entity refs such as
       * `group:default/platform-admins`; compared case-insensitively, the `default` namespace
       * may be left out (`group:platform-admins`). A user is a member when the group is among
       * the ownership entity refs the sign-in resolver gave them. Default: none.
       * @visibility backend
       */
      adminGroups?: string[];
      /**
       * Who may read Slipway apps and hosts (lists, status, deployments, logs, events): `all`
       * (default) every signed-in user, `owners` only their owners and admins.
       * @visibility backend
       */
      readAccess?: 'all' | 'owners';
    };
  };
}

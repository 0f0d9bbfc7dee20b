import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of an app: its permissions take the app's name as `resourceRef`, so a
 * policy can decide per app (for example: only its owners may deploy over it).
 */
export const SLIPWAY_APP_RESOURCE_TYPE = 'slipway-app';

/** The resource type of a host: its permissions take the host's name as `resourceRef`. */
export const SLIPWAY_HOST_RESOURCE_TYPE = 'slipway-host';

/**
 * Slipway's permissions. The backend enforces them on every route for the resource the route
 * touches; the frontend asks `usePermission` with the app's name to show or hide the actions.
 */
export const slipwayAppReadPermission = createPermission({
  name: 'slipway.app.read',
  attributes: { action: 'read' },
  resourceType: SLIPWAY_APP_RESOURCE_TYPE,
});

/** Deploying: a new app, or over an existing one (which needs this permission on it). */
export const slipwayAppDeployPermission = createPermission({
  name: 'slipway.app.deploy',
  attributes: { action: 'update' },
  resourceType: SLIPWAY_APP_RESOURCE_TYPE,
});

/** Restart, redeploy, roll back and cancel: acting on an app without changing its settings. */
export const slipwayAppOperatePermission = createPermission({
  name: 'slipway.app.operate',
  attributes: { action: 'update' },
  resourceType: SLIPWAY_APP_RESOURCE_TYPE,
});

export const slipwayAppDestroyPermission = createPermission({
  name: 'slipway.app.destroy',
  attributes: { action: 'delete' },
  resourceType: SLIPWAY_APP_RESOURCE_TYPE,
});

export const slipwayHostReadPermission = createPermission({
  name: 'slipway.host.read',
  attributes: { action: 'read' },
  resourceType: SLIPWAY_HOST_RESOURCE_TYPE,
});

/** Provisioning a host; the `resourceRef` is the requested host name. */
export const slipwayHostProvisionPermission = createPermission({
  name: 'slipway.host.provision',
  attributes: { action: 'create' },
  resourceType: SLIPWAY_HOST_RESOURCE_TYPE,
});

/**
 * Deploying apps onto a host: a team's provisioned host runs its owners' apps, not everyone's.
 * The default policy allows it on hosts the user owns and on shared hosts (no owner).
 */
export const slipwayHostDeployPermission = createPermission({
  name: 'slipway.host.deploy',
  attributes: { action: 'update' },
  resourceType: SLIPWAY_HOST_RESOURCE_TYPE,
});

export const slipwayHostDestroyPermission = createPermission({
  name: 'slipway.host.destroy',
  attributes: { action: 'delete' },
  resourceType: SLIPWAY_HOST_RESOURCE_TYPE,
});

/** The app permissions, for code that handles every permission of the `slipway-app` type. */
export const slipwayAppPermissions = [
  slipwayAppReadPermission,
  slipwayAppDeployPermission,
  slipwayAppOperatePermission,
  slipwayAppDestroyPermission,
];

/** The host permissions, of the `slipway-host` type. */
export const slipwayHostPermissions = [
  slipwayHostReadPermission,
  slipwayHostProvisionPermission,
  slipwayHostDeployPermission,
  slipwayHostDestroyPermission,
];

/**
 * The permissions of apps and hosts, which the Slipway backend registers with their resource
 * types (basic permissions are in {@link slipwayScaffolderPermissions}).
 */
export const slipwayPermissions = [
  ...slipwayAppPermissions,
  ...slipwayHostPermissions,
];

/**
 * Pushing rendered IaC straight to a GitOps repository's branch (`slipway:commit-iac` with
 * `mode: push`). A basic permission, not one on a host: the push skips the review a pull
 * request gives, whatever it changes, so the Slipway policy grants it to admins only.
 */
export const slipwayIacPushPermission = createPermission({
  name: 'slipway.iac.push',
  attributes: { action: 'update' },
});

/**
 * The basic permissions the scaffolder module checks and registers (under the `scaffolder`
 * plugin); kept apart from {@link slipwayPermissions}, which is what the backend registers.
 */
export const slipwayScaffolderPermissions = [slipwayIacPushPermission];

import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Slipway's permissions. The backend enforces them on every route; the frontend asks
 * `usePermission` to show or hide the actions.
 */
export const slipwayAppReadPermission = createPermission({
  name: 'slipway.app.read',
  attributes: { action: 'read' },
});

export const slipwayAppDeployPermission = createPermission({
  name: 'slipway.app.deploy',
  attributes: { action: 'update' },
});

export const slipwayAppOperatePermission = createPermission({
  name: 'slipway.app.operate',
  attributes: { action: 'update' },
});

export const slipwayAppDestroyPermission = createPermission({
  name: 'slipway.app.destroy',
  attributes: { action: 'delete' },
});

export const slipwayHostProvisionPermission = createPermission({
  name: 'slipway.host.provision',
  attributes: { action: 'create' },
});

export const slipwayHostDestroyPermission = createPermission({
  name: 'slipway.host.destroy',
  attributes: { action: 'delete' },
});

export const slipwayPermissions = [
  slipwayAppReadPermission,
  slipwayAppDeployPermission,
  slipwayAppOperatePermission,
  slipwayAppDestroyPermission,
  slipwayHostProvisionPermission,
  slipwayHostDestroyPermission,
];

import { createPermissionRule } from '@backstage/plugin-permission-node';
import { isOwnedBy } from '@slipway/plugin-slipway-common';
import { z } from 'zod';
import { slipwayAppResourceRef, slipwayHostResourceRef } from './resources';

/**
 * The claims are the user's `ownershipEntityRefs` (the user and their groups, from the sign-in
 * resolver); a policy passes them from `user.info.ownershipEntityRefs`.
 */
const ownerParams = z.object({
  claims: z
    .array(z.string())
    .describe('Entity refs of the user and their groups; any one may own it'),
});

/** `IS_OWNER` on apps: the app's recorded owner is one of the claims. */
export const isAppOwner = createPermissionRule({
  name: 'IS_OWNER',
  description: 'Allow apps whose owner is one of the given entity refs',
  resourceRef: slipwayAppResourceRef,
  paramsSchema: ownerParams,
  apply: (resource, { claims }) => isOwnedBy(resource.owner, claims),
  toQuery: ({ claims }) => ({ owners: claims }),
});

/** `IS_OWNER` on hosts: the host's recorded owner is one of the claims. */
export const isHostOwner = createPermissionRule({
  name: 'IS_OWNER',
  description: 'Allow hosts whose owner is one of the given entity refs',
  resourceRef: slipwayHostResourceRef,
  paramsSchema: ownerParams,
  apply: (resource, { claims }) => isOwnedBy(resource.owner, claims),
  toQuery: ({ claims }) => ({ owners: claims }),
});

/**
 * `HAS_NO_OWNER` on hosts: a shared host, such as a configured host without an `owner`, which
 * the platform offers to every team.
 */
export const hostHasNoOwner = createPermissionRule({
  name: 'HAS_NO_OWNER',
  description: 'Allow hosts that no owner was named for (shared hosts)',
  resourceRef: slipwayHostResourceRef,
  apply: resource => !resource.owner,
  toQuery: () => ({ unowned: true as const }),
});

/** The rules the backend registers for each resource type. */
export const slipwayAppRules = { isOwner: isAppOwner };
export const slipwayHostRules = {
  isOwner: isHostOwner,
  hasNoOwner: hostHasNoOwner,
};

import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  SLIPWAY_APP_RESOURCE_TYPE,
  SLIPWAY_HOST_RESOURCE_TYPE,
} from '@slipway/plugin-slipway-common';

/**
 * What a rule sees of an app or a host: its name and its owner (an entity ref, or null when
 * nobody was named). Common's `App` and the backend's `HostRecord` both fit, so the backend
 * hands its rows to the rules as they are.
 */
export type SlipwayOwnedResource = { name: string; owner: string | null };

/**
 * What a rule becomes for a list: a filter the backend turns into a where clause on the owner
 * column. The owners are entity refs in any spelling; the backend matches their normalized
 * forms (see `ownerForms`). `unowned` matches the rows without an owner (shared hosts).
 */
export type SlipwayOwnerFilter = { owners: string[] } | { unowned: true };

/** Apps as a permission resource: `resourceRef` is the app's name. */
export const slipwayAppResourceRef = createPermissionResourceRef<
  SlipwayOwnedResource,
  SlipwayOwnerFilter
>().with({ pluginId: 'slipway', resourceType: SLIPWAY_APP_RESOURCE_TYPE });

/** Hosts as a permission resource: `resourceRef` is the host's name. */
export const slipwayHostResourceRef = createPermissionResourceRef<
  SlipwayOwnedResource,
  SlipwayOwnerFilter
>().with({ pluginId: 'slipway', resourceType: SLIPWAY_HOST_RESOURCE_TYPE });

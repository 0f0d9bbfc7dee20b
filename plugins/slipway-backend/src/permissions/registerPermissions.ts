import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  slipwayAppPermissions,
  slipwayHostPermissions,
} from '@slipway/plugin-slipway-common';
import {
  slipwayAppResourceRef,
  slipwayAppRules,
  slipwayHostResourceRef,
  slipwayHostRules,
  SlipwayOwnedResource,
} from '@slipway/plugin-slipway-node';

/** Where the resources come from: one query for all the names the permission backend asks. */
export type OwnedResourceSource = {
  getByName(names: string[]): Promise<SlipwayOwnedResource[]>;
};

/** `getResources` answers in the order of the refs, with undefined for a name not found. */
function resourcesInOrder(source: OwnedResourceSource) {
  return async (refs: string[]) => {
    const found = new Map((await source.getByName(refs)).map(r => [r.name, r]));
    return refs.map(ref => found.get(ref));
  };
}

/**
 * Registers apps and hosts as resource types with their permissions and rules, so the
 * permission backend can apply a policy's conditional decision to one resource (it calls
 * `getResources` through the registry's apply-conditions endpoint), and routes can turn one into
 * a database filter for lists.
 */
export function registerSlipwayPermissions(
  registry: PermissionsRegistryService,
  sources: { apps: OwnedResourceSource; hosts: OwnedResourceSource },
): void {
  registry.addResourceType({
    resourceRef: slipwayAppResourceRef,
    permissions: slipwayAppPermissions,
    rules: Object.values(slipwayAppRules),
    getResources: resourcesInOrder(sources.apps),
  });
  registry.addResourceType({
    resourceRef: slipwayHostResourceRef,
    permissions: slipwayHostPermissions,
    rules: Object.values(slipwayHostRules),
    getResources: resourcesInOrder(sources.hosts),
  });
}

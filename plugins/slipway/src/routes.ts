import { createRouteRef } from '@backstage/core-plugin-api';

/** The route of the Slipway page in the legacy frontend system. */
export const rootRouteRef = createRouteRef({
  id: 'slipway',
});

/** The route of the Deployments tab of entities in the legacy frontend system. */
export const entityContentRouteRef = createRouteRef({
  id: 'slipway:entity-content',
});

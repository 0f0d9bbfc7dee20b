import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { rootRouteRef } from './routes';

/**
 * The Slipway plugin for the legacy frontend system.
 *
 * @public
 */
export const slipwayPlugin = createPlugin({
  id: 'slipway',
  routes: {
    root: rootRouteRef,
  },
});

/**
 * Entity card with the Slipway app of the current entity, for the legacy
 * frontend system.
 *
 * @public
 */
export const EntitySlipwayStatusCard = slipwayPlugin.provide(
  createComponentExtension({
    name: 'EntitySlipwayStatusCard',
    component: {
      lazy: () =>
        import('./components/SlipwayStatusCard').then(m => m.SlipwayStatusCard),
    },
  }),
);

/**
 * The Slipway page, for the legacy frontend system.
 *
 * @public
 */
export const SlipwayPage = slipwayPlugin.provide(
  createRoutableExtension({
    name: 'SlipwayPage',
    component: () =>
      import('./components/SlipwayPage').then(m => m.SlipwayPage),
    mountPoint: rootRouteRef,
  }),
);

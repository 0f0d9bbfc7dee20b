import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { SlipwayClient, slipwayApiRef } from './api';
import {
  SlipwayHostPicker,
  SlipwayHostPickerFieldSchema,
  slipwayHostPickerValidation,
} from './components/SlipwayHostPicker';
import { entityContentRouteRef, rootRouteRef } from './routes';

/**
 * The Slipway plugin for the legacy frontend system.
 *
 * @public
 */
export const slipwayPlugin = createPlugin({
  id: 'slipway',
  apis: [
    createApiFactory({
      api: slipwayApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SlipwayClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
  },
});

/**
 * Entity card with the Slipway app of the current entity, live, with its
 * actions, for the legacy frontend system.
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
 * The Deployments tab of an entity (its Slipway app's deployments and their
 * logs), for the legacy frontend system.
 *
 * @public
 */
export const EntitySlipwayDeploymentsContent = slipwayPlugin.provide(
  createRoutableExtension({
    name: 'EntitySlipwayDeploymentsContent',
    component: () =>
      import('./components/SlipwayDeploymentsContent').then(
        m => m.SlipwayDeploymentsContent,
      ),
    mountPoint: entityContentRouteRef,
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

/**
 * The `ui:field: SlipwayHostPicker` field of software templates, for the
 * legacy frontend system: a choice among the Docker hosts Slipway can deploy
 * to. Add it under `ScaffolderFieldExtensions` in the scaffolder's route.
 *
 * @public
 */
export const SlipwayHostPickerFieldExtension = slipwayPlugin.provide(
  createScaffolderFieldExtension({
    name: 'SlipwayHostPicker',
    component: SlipwayHostPicker,
    validation: slipwayHostPickerValidation,
    schema: SlipwayHostPickerFieldSchema.schema,
  }),
);

import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import {
  SlipwayHostPicker,
  SlipwayHostPickerFieldSchema,
  slipwayHostPickerValidation,
} from './components/SlipwayHostPicker';
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

import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { SlipwayClient, slipwayApiRef } from './api';
import { SlipwayIcon } from './components/SlipwayIcon';
import { isSlipwayAvailable } from './isSlipwayAvailable';

const rootRouteRef = createRouteRef();

/** The Slipway API (`api:slipway`), over the signed-in user's fetch. */
const slipwayApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: slipwayApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SlipwayClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The Slipway card on entity overview pages (`entity-card:slipway/status`).
 *
 * By default it is only shown on entities with the `slipway/app-name`
 * annotation. Override `filter` in the app config (e.g. `kind: component`) to
 * show it on more entities: those without the annotation get an explanation of
 * how to add it.
 */
const slipwayEntityStatusCard = EntityCardBlueprint.make({
  name: 'status',
  params: {
    type: 'info',
    filter: isSlipwayAvailable,
    loader: () =>
      import('./components/SlipwayStatusCard').then(m => (
        <m.SlipwayStatusCard />
      )),
  },
});

/**
 * The Deployments tab of entities (`entity-content:slipway/deployments`) at
 * `<entity>/slipway`, on entities with the `slipway/app-name` annotation.
 */
const slipwayEntityDeploymentsContent = EntityContentBlueprint.make({
  name: 'deployments',
  params: {
    path: 'slipway',
    title: 'Deployments',
    filter: isSlipwayAvailable,
    loader: () =>
      import('./components/SlipwayDeploymentsContent').then(m => (
        <m.SlipwayDeploymentsContent />
      )),
  },
});

/** The Slipway page at `/slipway` (`page:slipway`), with a nav item. */
const slipwayPage = PageBlueprint.make({
  params: {
    path: '/slipway',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/SlipwayPage').then(m => <m.SlipwayPageContent />),
  },
});

/**
 * The `ui:field: SlipwayHostPicker` field of software templates
 * (`scaffolder-form-field:slipway/host-picker`). It attaches to the scaffolder
 * plugin's form fields API, so an app with both plugins offers it to every
 * template without further wiring.
 */
const slipwayHostPickerFormField = FormFieldBlueprint.make({
  name: 'host-picker',
  params: {
    field: () =>
      import('./components/SlipwayHostPicker/formField').then(
        m => m.SlipwayHostPickerFormField,
      ),
  },
});

/**
 * The Slipway plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'slipway',
  title: 'Slipway',
  icon: <SlipwayIcon />,
  routes: {
    root: rootRouteRef,
  },
  extensions: [
    slipwayApi,
    slipwayEntityStatusCard,
    slipwayEntityDeploymentsContent,
    slipwayPage,
    slipwayHostPickerFormField,
  ],
});

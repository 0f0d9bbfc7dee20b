import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createValidateDeployRequestAction } from './actions';

/**
 * Registers Slipway's actions with the scaffolder.
 *
 * @public
 */
export const scaffolderModuleSlipway = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'slipway',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createValidateDeployRequestAction());
      },
    });
  },
});

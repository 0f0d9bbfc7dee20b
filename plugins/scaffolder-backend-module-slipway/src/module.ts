import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { slipwayScaffolderPermissions } from '@slipway/plugin-slipway-common';
import {
  createCommitIacAction,
  createDeployAppAction,
  createDestroyAppAction,
  createProvisionInfraAction,
  createRegisterAppAction,
  createValidateDeployRequestAction,
} from './actions';
import { SlipwayBackendClient } from './client/SlipwayBackendClient';

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
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        scaffolder,
        discovery,
        auth,
        config,
        catalog,
        permissions,
        permissionsRegistry,
      }) {
        const client = new SlipwayBackendClient(discovery, auth);
        // Registered so the permission framework lists it (and a policy UI can offer it).
        permissionsRegistry.addPermissions(slipwayScaffolderPermissions);
        scaffolder.addActions(
          createValidateDeployRequestAction(),
          createDeployAppAction({ client }),
          createProvisionInfraAction({ client }),
          createDestroyAppAction({ client }),
          createRegisterAppAction({ client, catalog }),
          createCommitIacAction({
            integrations: ScmIntegrations.fromConfig(config),
            permissions,
            config,
          }),
        );
      },
    });
  },
});

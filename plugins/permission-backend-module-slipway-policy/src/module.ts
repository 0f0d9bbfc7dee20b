import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { SlipwayPermissionPolicy } from './policy';
import { readSlipwayPolicyOptions } from './options';

/**
 * The permission backend's policy: {@link SlipwayPermissionPolicy} as `slipway.permissions`
 * configures it, every non-Slipway permission allowed. Install it instead of the allow-all
 * policy module; a backend has one policy.
 *
 * @public
 */
export const permissionModuleSlipwayPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'slipway-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ policy, config, logger }) {
        const options = readSlipwayPolicyOptions(config);
        logger.info(
          `Slipway permission policy: reads by ${
            options.readAccess === 'all' ? 'every signed-in user' : 'owners'
          }, admin groups ${
            options.adminGroups.length
              ? options.adminGroups.join(', ')
              : '(none)'
          }`,
        );
        policy.setPolicy(new SlipwayPermissionPolicy(options));
      },
    });
  },
});

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { applyDatabaseMigrations } from './database/migrations';
import { SlipwayStore } from './database/SlipwayStore';
import { readConfiguredHosts } from './hosts/configuredHosts';
import { createRouter } from './router';

/**
 * The Slipway backend plugin: its API lives under /api/slipway.
 *
 * @public
 */
export const slipwayPlugin = createBackendPlugin({
  pluginId: 'slipway',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
      },
      async init({ logger, config, database, httpAuth, httpRouter }) {
        const hosts = readConfiguredHosts(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        const store = new SlipwayStore(knex);

        httpRouter.use(await createRouter({ logger, httpAuth, store, hosts }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `Slipway ready with hosts: ${hosts
            .map(h => `${h.name} (${h.type})`)
            .join(', ')}`,
        );
      },
    });
  },
});

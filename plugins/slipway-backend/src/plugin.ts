import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { slipwayPermissions } from '@slipway/plugin-slipway-common';
import { createRouter } from './router';
import { createSlipwayServices } from './services';

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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
      },
      async init({
        logger,
        config,
        database,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        scheduler,
        lifecycle,
      }) {
        const knex = await database.getClient();
        const {
          configured,
          settings,
          policy,
          store,
          infra,
          events,
          hosts,
          runner,
          infraRunner,
          monitor,
        } = await createSlipwayServices({
          config,
          knex,
          logger,
          skipMigrations: database.migrations?.skip,
        });
        permissionsRegistry.addPermissions(slipwayPermissions);

        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            permissions,
            store,
            hosts,
            runner,
            policy,
            infra,
            infraRunner,
            events,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        lifecycle.addStartupHook(async () => {
          // Not awaited by requests: an unreachable host must not delay the backend's start.
          runner
            .reconcile()
            .catch(error =>
              logger.error(
                `Reconciling unfinished deployments failed: ${error}`,
              ),
            );
        });
        lifecycle.addShutdownHook(async () => {
          // Open event streams would otherwise keep the HTTP server from closing.
          events.close();
          await Promise.all([runner.shutdown(), infraRunner.shutdown()]);
        });

        await scheduler.scheduleTask({
          id: 'slipway-health-monitor',
          // One runner across all backend replicas.
          scope: 'global',
          frequency: { seconds: settings.monitor.intervalSeconds },
          timeout: {
            seconds: Math.max(60, settings.monitor.intervalSeconds * 3),
          },
          fn: () => monitor.checkAll(),
        });

        logger.info(
          `Slipway ready with hosts: ${configured
            .map(h => `${h.name} (${h.type})`)
            .join(', ')}`,
        );
      },
    });
  },
});

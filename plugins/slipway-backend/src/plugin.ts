import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { notificationService } from '@backstage/plugin-notifications-node';
import { slipwayPermissions } from '@slipway/plugin-slipway-common';
import { createRouter } from './routes';
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
        notifications: notificationService,
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
        notifications,
      }) {
        const knex = await database.getClient();
        const {
          configured,
          settings,
          policy,
          store,
          ping,
          infra,
          events,
          pipeline,
          hosts,
          runner,
          infraRunner,
          monitor,
        } = await createSlipwayServices({
          config,
          knex,
          logger,
          skipMigrations: database.migrations?.skip,
          notifications,
        });
        permissionsRegistry.addPermissions(slipwayPermissions);

        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            permissions,
            store,
            ping,
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
          // After the jobs: their last events still go out if JetStream takes them.
          await pipeline.stop();
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

        // Jobs whose backend died (lapsed lock lease) are settled by whichever replica runs
        // this, not only by the one that restarts: a replica may never come back.
        await scheduler.scheduleTask({
          id: 'slipway-reconcile',
          scope: 'global',
          frequency: { seconds: Math.max(5, settings.lockTtlMs / 2000) },
          timeout: { minutes: 5 },
          fn: async () => {
            await runner.reconcile();
            await infraRunner.reconcile();
          },
        });

        if (pipeline.mode === 'nats') {
          // Every replica: renews the relay lease while it holds it, takes it over when it
          // lapses, and catches up on rows whose wake-up was lost. Pokes after each commit
          // give the latency; this gives the guarantee.
          await scheduler.scheduleTask({
            id: 'slipway-events-relay',
            scope: 'local',
            frequency: { seconds: 3 },
            timeout: { seconds: 30 },
            fn: () => pipeline.tick(),
          });
        }
        await scheduler.scheduleTask({
          id: 'slipway-events-prune',
          scope: 'global',
          frequency: { minutes: 15 },
          timeout: { minutes: 5 },
          initialDelay: { minutes: 1 },
          fn: () => pipeline.prune(),
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

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { CatalogOwnerSync } from './catalog/CatalogOwnerSync';
import { readOwnershipSettings } from './catalog/settings';
import { registerSlipwayPermissions } from './permissions/registerPermissions';
import { createRouter } from './routes';
import { createSlipwayServices } from './services';

/**
 * The Slipway backend plugin: its API lives under /api/slipway. This file only wires: the
 * parts come from createSlipwayServices, and each long-running one schedules itself.
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
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, httpRouter, lifecycle, scheduler } = deps;
        const services = await createSlipwayServices({
          config: deps.config,
          knex: await deps.database.getClient(),
          logger,
          skipMigrations: deps.database.migrations?.skip,
          notifications: deps.notifications,
        });
        const { runner, infraRunner, events, pipeline } = services;
        registerSlipwayPermissions(deps.permissionsRegistry, {
          apps: {
            getByName: names => services.store.apps.getAppsByName(names),
          },
          hosts: { getByName: names => services.infra.getHostsByName(names) },
        });

        httpRouter.use(
          await createRouter({
            ...services,
            logger,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            permissionsRegistry: deps.permissionsRegistry,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        lifecycle.addShutdownHook(async () => {
          // Open event streams would otherwise keep the HTTP server from closing.
          events.close();
          await Promise.all([runner.shutdown(), infraRunner.shutdown()]);
          // After the jobs: their last events still go out if JetStream takes them.
          await pipeline.stop();
        });

        await services.monitor.schedule(scheduler);
        await services.healthCleaner.schedule(scheduler);
        await pipeline.schedule(scheduler);
        await services.reconciler.schedule(scheduler, lifecycle);
        const ownership = readOwnershipSettings(deps.config);
        if (ownership.fromCatalog) {
          await new CatalogOwnerSync({
            catalog: deps.catalog,
            auth: deps.auth,
            store: services.catalogOwners,
            logger,
          }).schedule(scheduler, ownership.schedule);
        }

        logger.info(
          `Slipway ready with hosts: ${services.configured
            .map(h => `${h.name} (${h.type})`)
            .join(', ')}`,
        );
      },
    });
  },
});

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { slipwayPermissions } from '@slipway/plugin-slipway-common';
import { applyDatabaseMigrations } from './database/migrations';
import { SlipwayStore } from './database/SlipwayStore';
import { HealthMonitor } from './health/HealthMonitor';
import { readConfiguredHosts, toPublicHost } from './hosts/configuredHosts';
import { HostRegistry } from './hosts/HostRegistry';
import { GitCredentials } from './jobs/gitCredentials';
import { JobRunner } from './jobs/JobRunner';
import { InfraStore } from './database/InfraStore';
import { InfraRunner } from './infra/InfraRunner';
import { readInfraSettings } from './infra/settings';
import { TerraformRunner } from '@slipway/plugin-slipway-node';
import { readDeploySettings } from './jobs/settings';
import { createRouter } from './router';
import { readPolicyConfig } from './policy/policy';

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
        const configured = readConfiguredHosts(config);
        const settings = readDeploySettings(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        const store = new SlipwayStore(knex);
        await store.syncConfiguredHosts(configured.map(h => toPublicHost(h)));
        for (const host of configured.filter(
          h => h.insecureSkipHostKeyVerification,
        )) {
          logger.warn(
            `SECURITY: host key verification is OFF for host ${host.name}; use this for local development only`,
          );
        }

        const infra = new InfraStore(knex);
        const infraSettings = readInfraSettings(config);
        const iacSecret = config.getOptionalString('slipway.iac.sshPrivateKey');
        const hosts = new HostRegistry(
          configured,
          logger,
          settings.commandTimeoutMs,
          iacSecret,
          infraSettings.hostKeyPinning === 'first-connection',
        );
        await hosts.refresh(infra);
        const infraRunner = new InfraRunner(
          infra,
          store,
          hosts,
          new TerraformRunner({ binary: infraSettings.binary }),
          infraSettings,
          logger,
        );
        const runner = new JobRunner(
          store,
          hosts,
          settings,
          logger,
          GitCredentials.fromConfig(config),
        );
        const monitor = new HealthMonitor(
          store,
          hosts,
          settings.monitor,
          logger,
        );
        permissionsRegistry.addPermissions(slipwayPermissions);

        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            permissions,
            store,
            hosts,
            runner,
            policy: readPolicyConfig(config),
            infra,
            infraRunner,
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

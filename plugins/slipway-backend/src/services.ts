import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { IacTool, TerraformRunner } from '@slipway/plugin-slipway-node';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from './database/migrations';
import { SlipwayStore } from './database/SlipwayStore';
import { publishStoreEvents } from './events/publishStoreEvents';
import { PublishingInfraStore } from './events/PublishingInfraStore';
import { InProcessEventBus } from './events/SlipwayEventBus';
import { HealthMonitor } from './health/HealthMonitor';
import { readConfiguredHosts, toPublicHost } from './hosts/configuredHosts';
import { HostRegistry } from './hosts/HostRegistry';
import { InfraRunner } from './infra/InfraRunner';
import { readInfraSettings } from './infra/settings';
import { GitCredentials } from './jobs/gitCredentials';
import { JobRunner } from './jobs/JobRunner';
import { readDeploySettings } from './jobs/settings';
import { readPolicyConfig } from './policy/policy';

/**
 * Slipway's parts wired from config and a database: what plugin.ts serves, and what the tests
 * drive, so both use the same wiring.
 */
export async function createSlipwayServices(opts: {
  config: Config;
  knex: Knex;
  logger: LoggerService;
  skipMigrations?: boolean;
  /** The IaC tool; default the `slipway.iac.binary` Terraform or OpenTofu. */
  iacTool?: IacTool;
}) {
  const { config, knex, logger } = opts;
  const configured = readConfiguredHosts(config);
  const settings = readDeploySettings(config);
  const infraSettings = readInfraSettings(config);
  if (!opts.skipMigrations) await applyDatabaseMigrations(knex);

  // The bus is fed from the stores' writes; the router serves it as Server-Sent Events.
  const events = new InProcessEventBus({ logger });
  const store = new SlipwayStore(knex);
  publishStoreEvents(store, events);
  const infra = new PublishingInfraStore(knex, events);
  await store.syncConfiguredHosts(configured.map(h => toPublicHost(h)));
  for (const host of configured.filter(
    h => h.insecureSkipHostKeyVerification,
  )) {
    logger.warn(
      `SECURITY: host key verification is OFF for host ${host.name}; use this for local development only`,
    );
  }
  const hosts = new HostRegistry(
    configured,
    logger,
    settings.commandTimeoutMs,
    config.getOptionalString('slipway.iac.sshPrivateKey'),
    infraSettings.hostKeyPinning === 'first-connection',
  );
  await hosts.refresh(infra);

  return {
    configured,
    settings,
    policy: readPolicyConfig(config),
    store,
    infra,
    events,
    hosts,
    runner: new JobRunner(
      store,
      hosts,
      settings,
      logger,
      GitCredentials.fromConfig(config),
    ),
    infraRunner: new InfraRunner(
      infra,
      store,
      hosts,
      opts.iacTool ?? new TerraformRunner({ binary: infraSettings.binary }),
      infraSettings,
      logger,
    ),
    monitor: new HealthMonitor(store, hosts, settings.monitor, logger),
  };
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { IacTool, TerraformRunner } from '@slipway/plugin-slipway-node';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from './database/migrations';
import { CatalogOwnerStore } from './database/CatalogOwnerStore';
import { InfraStore } from './database/InfraStore';
import {
  createSlipwayStores,
  pingDatabase,
  SlipwayStores,
} from './database/SlipwayStores';
import { EventPipeline } from './events/EventPipeline';
import { PublishingInfraStore } from './events/PublishingInfraStore';
import { readEventSettings } from './events/settings';
import { InProcessEventBus } from './events/SlipwayEventBus';
import { HealthMonitor } from './health/HealthMonitor';
import { readHealthMonitorSettings } from './health/settings';
import { HealthSampleCleaner } from './health/HealthSampleCleaner';
import { readConfiguredHosts, toPublicHost } from './hosts/configuredHosts';
import { HostRegistry } from './hosts/HostRegistry';
import { InfraRunner } from './infra/InfraRunner';
import type { SlipwayInstrumentation } from './instrumentation';
import { readInfraSettings } from './infra/settings';
import { JobRunner } from './appJobs/JobRunner';
import { GitCredentials } from './deploy/gitCredentials';
import { DeploySettings, readDeploySettings } from './deploy/settings';
import { JobReconciler } from './jobs/JobReconciler';
import { readPolicyConfig } from './policy/policy';

/**
 * What `createSlipwayServices` takes: config, a knex client and a logger, the rest optional.
 *
 * @alpha
 */
export type SlipwayServicesOptions = {
  config: Config;
  knex: Knex;
  logger: LoggerService;
  skipMigrations?: boolean;
  /** The IaC tool; default the `slipway.iac.binary` Terraform or OpenTofu. */
  iacTool?: IacTool;
  /** Where app state notifications go; without it none are sent. */
  notifications?: NotificationService;
  /** Tests shorten the relay lease to see a takeover without waiting 15 s. */
  relayLeaseTtlMs?: number;
  /** Hooks that time what Slipway does (benchmarks); the plugin gives none. */
  instrumentation?: SlipwayInstrumentation;
};

/**
 * Slipway's parts wired from config and a database: what plugin.ts serves, and what the tests
 * drive, so both use the same wiring. Also exported from
 * `@slipway/plugin-slipway-backend/alpha`, to run Slipway outside a Backstage backend (the
 * benchmarks do); serve its parts with `createRouter`.
 *
 * @alpha
 */
export async function createSlipwayServices(opts: SlipwayServicesOptions) {
  const { config, knex, logger } = opts;
  const configured = readConfiguredHosts(config);
  const settings = readDeploySettings(config);
  const healthSettings = readHealthMonitorSettings(config);
  const infraSettings = readInfraSettings(config);
  const eventSettings = readEventSettings(config);
  if (!opts.skipMigrations) await applyDatabaseMigrations(knex);

  // The router serves the bus as Server-Sent Events. It is fed from the stores' writes
  // in-process, or from the JetStream stream (which the stores reach through the outbox).
  const events = new InProcessEventBus({ logger });
  const pipeline = new EventPipeline({
    settings: eventSettings,
    knex,
    logger,
    bus: events,
    notifications: opts.notifications,
    leaseTtlMs: opts.relayLeaseTtlMs,
    onEventPublished: opts.instrumentation?.onEventPublished,
  });
  const store = createSlipwayStores(knex, { outbox: pipeline.outbox });
  const infra = pipeline.outbox
    ? new InfraStore(knex, { outbox: pipeline.outbox })
    : new PublishingInfraStore(knex, events);
  pipeline.attach(store.changes);
  await infra.syncConfiguredHosts(configured.map(h => toPublicHost(h)));
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
    opts.instrumentation?.wrapConnection,
  );
  await hosts.refresh(infra);
  // Last: nothing above can fail and leave a connection behind.
  pipeline.start();

  return {
    configured,
    settings,
    policy: readPolicyConfig(config),
    store,
    /** Apps' owners as their catalog Components name them (written by CatalogOwnerSync). */
    catalogOwners: new CatalogOwnerStore(knex),
    /** Whether the database answers (for `GET /health`). */
    ping: () => pingDatabase(knex),
    infra,
    events,
    pipeline,
    hosts,
    ...createJobRunners(opts, { store, infra, hosts, settings, infraSettings }),
    monitor: new HealthMonitor(store, hosts, healthSettings, logger),
    healthCleaner: new HealthSampleCleaner(
      store.health,
      healthSettings.retentionHours,
      logger,
    ),
  };
}

/** The app and infra job runners, which share one reconcile mechanism. */
function createJobRunners(
  opts: { config: Config; logger: LoggerService; iacTool?: IacTool },
  parts: {
    store: SlipwayStores;
    infra: InfraStore;
    hosts: HostRegistry;
    settings: DeploySettings;
    infraSettings: ReturnType<typeof readInfraSettings>;
  },
) {
  const { config, logger } = opts;
  const { store, infra, hosts, settings, infraSettings } = parts;
  const reconciler = new JobReconciler(store.locks, {
    logger,
    lockTtlMs: settings.lockTtlMs,
  });
  return {
    reconciler,
    runner: new JobRunner(
      store,
      hosts,
      settings,
      logger,
      reconciler,
      GitCredentials.fromConfig(config),
    ),
    infraRunner: new InfraRunner(
      infra,
      store,
      hosts,
      opts.iacTool ?? new TerraformRunner({ binary: infraSettings.binary }),
      infraSettings,
      logger,
      reconciler,
      settings.lockTtlMs,
    ),
  };
}

import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { SlipwayStores } from '../database/SlipwayStores';
import { createSlipwayServices } from '../services';

/**
 * Slipway's services as plugin.ts creates them, without hosts (the embedded `local` one) or a
 * router: what the event tests drive. With `natsUrl`, events go through the outbox and JetStream.
 */
export async function startEventServices(
  knex: Knex,
  opts: {
    natsUrl?: string;
    notifications?: NotificationService;
    relayLeaseTtlMs?: number;
    /** Return before events flow (NATS may be down); default: wait until they do. */
    waitForReady?: boolean;
  } = {},
) {
  const logger = mockServices.logger.mock();
  logger.child.mockReturnValue(logger);
  const services = await createSlipwayServices({
    config: new ConfigReader({
      slipway: opts.natsUrl ? { nats: { servers: opts.natsUrl } } : {},
    }),
    knex,
    logger,
    notifications: opts.notifications,
    relayLeaseTtlMs: opts.relayLeaseTtlMs,
  });
  if (opts.waitForReady !== false) await services.pipeline.ready;
  let disposed = false;
  return {
    ...services,
    logger,
    /** What the plugin's shutdown hook does. */
    async dispose() {
      if (disposed) return;
      disposed = true;
      services.events.close();
      await Promise.all([
        services.runner.shutdown(),
        services.infraRunner.shutdown(),
      ]);
      await services.pipeline.stop();
    },
  };
}

export type EventServices = Awaited<ReturnType<typeof startEventServices>>;

let nextPort = 20000;

/** Creates apps (state `pending`), by default on the `local` host, each on its own port. */
export async function createApps(
  store: SlipwayStores,
  names: string[],
  opts: { host?: string; owner?: (name: string) => string | undefined } = {},
) {
  for (const name of names) {
    await store.apps.upsertAppForDeploy({
      name,
      host: opts.host ?? 'local',
      repo: `https://example.com/${name}.git`,
      ref: 'main',
      port: nextPort++,
      containerPort: 8080,
      healthPath: '/health',
      envNames: [],
      initiator: 'user:default/jane',
      owner: opts.owner?.(name),
    });
  }
}

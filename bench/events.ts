/*
 * Events benchmark: app state changes through Slipway's transactional outbox to a JetStream ack,
 * against the same state changes published straight to JetStream after their commit (the "dual
 * write" the outbox replaces), in one run, on the same PostgreSQL and nats-server. Prints events
 * per second and per-event latency from commit to ack (median, p95) of both, and the ratios.
 * Run it with `bash bench/events.sh`; see bench/README.md.
 *
 * This is a benchmark, not a test: it asserts nothing, it prints figures.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  createSlipwayServices,
  createSlipwayStores,
  eventOfChange,
  Outbox,
  SlipwayStores,
} from '@slipway/plugin-slipway-backend/alpha';
import { eventSubject } from '@slipway/plugin-slipway-common';
import { slipwayTestDatabaseIds, startNatsServer } from '@slipway/test-harness';
import knexFactory, { Knex } from 'knex';

// ── arguments ────────────────────────────────────────────────────────────────

type Options = { events: number; apps: number; rounds: number; warmup: number };

function parseArgs(argv: string[]): Options {
  const options: Options = { events: 2000, apps: 10, rounds: 3, warmup: 200 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1)
        throw new Error(`${arg} needs a whole number >= 1`);
      return v;
    };
    if (arg === '--events') options.events = value();
    else if (arg === '--apps') options.apps = value();
    else if (arg === '--rounds') options.rounds = value();
    else if (arg === '--warmup') options.warmup = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: bash bench/events.sh [--events N (2000)] [--apps N (10)] [--rounds N (3)] [--warmup N (200)]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  if (options.events % options.apps)
    throw new Error('--events must be a multiple of --apps');
  return options;
}

// ── helpers ──────────────────────────────────────────────────────────────────

const now = () => performance.now();

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted[sorted.length - 1],
  };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

const quietLogger: LoggerService = {
  info: () => undefined,
  debug: () => undefined,
  warn: (m: string) => console.error(`warn: ${m}`),
  error: (m: string) => console.error(`error: ${m}`),
  child: () => quietLogger,
};

type Side = 'outbox' | 'direct' | 'writes';

type Round = {
  /** Events per second, first commit started -> last ack. */
  rate: number;
  /** Commits per second of the writers alone (first started -> last committed). */
  commitRate: number;
  /** Per event: commit -> JetStream ack. */
  latencies: number[];
};

/**
 * The workload: `events` transitions over `apps` apps, one writer per app, each writing its app's
 * transitions one after the other (running <-> unhealthy) through the store's one transition
 * function. `afterCommit` runs in the writer after each commit (the direct side publishes there).
 */
async function workload(
  store: SlipwayStores,
  apps: string[],
  perApp: number,
  tag: string,
  afterCommit?: (reason: string) => Promise<void>,
) {
  await Promise.all(
    apps.map(async app => {
      const { state } = await store.apps.requireApp(app);
      let up = state !== 'running';
      for (let i = 0; i < perApp; i++) {
        const reason = `${tag} ${app} #${i}`;
        await store.apps.transitionApp(
          app,
          up ? 'running' : 'unhealthy',
          reason,
        );
        up = !up;
        await afterCommit?.(reason);
      }
    }),
  );
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  slipwayTestDatabaseIds(); // sets the connection string default
  const pgUrl =
    process.env.SLIPWAY_TEST_PG_CONNECTION ??
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    'postgresql://postgres@127.0.0.1:5432';
  const dbName = `slipway_bench_events_${Math.random()
    .toString(36)
    .slice(2, 8)}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    const admin = knexFactory({ client: 'pg', connection: pgUrl });
    await admin.raw(`create database ${dbName}`);
    cleanups.push(async () => {
      await admin.raw(`drop database if exists ${dbName}`);
      await admin.destroy();
    });
    const knex: Knex = knexFactory({
      client: 'pg',
      connection: `${pgUrl.replace(/\/$/, '')}/${dbName}`,
      pool: { min: 2, max: options.apps + 6 },
    });
    cleanups.push(() => knex.destroy());

    const nats = await startNatsServer();
    cleanups.push(() => nats.close());
    const server = await (async () => {
      const nc = await connect({ servers: nats.url });
      const version = nc.info?.version;
      await nc.close();
      return version;
    })();
    const pg = (await knex.raw('show server_version')).rows[0].server_version;

    // The outbox side: Slipway as the plugin builds it with `slipway.nats.servers` (the
    // factory also migrates the database and registers the configured host, `local`).
    const commitAt = new Map<string, number>();
    const ackAt = new Map<string, number>();
    const slipway = await createSlipwayServices({
      config: new ConfigReader({
        slipway: {
          nats: { servers: [nats.url], maxAgeDays: 1 },
          events: { notifications: false },
        },
      }),
      knex,
      logger: quietLogger,
      instrumentation: {
        // Ack time: when JetStream has acknowledged the relay's publish.
        onEventPublished: event => {
          if (event.type === 'app.state') ackAt.set(event.data.reason, now());
        },
      },
    });
    cleanups.push(async () => {
      slipway.events.close();
      await slipway.runner.shutdown();
      await slipway.infraRunner.shutdown();
      await slipway.pipeline.stop();
    });
    const outboxStore = slipway.store;
    // Commit time: the store announces a change right after its transaction commits.
    outboxStore.changes.onChange(change => {
      if (change.kind === 'app.transition')
        commitAt.set(change.transition.reason, now());
    });
    await slipway.pipeline.ready;

    // The direct side: the same store without an outbox, each writer publishing its event
    // to the same stream right after the commit and waiting for the ack.
    const directStore = createSlipwayStores(knex);
    const nc = await connect({ servers: nats.url });
    cleanups.push(() => nc.close());
    const js = jetstream(nc);
    const directEvents = new Map<string, ReturnType<typeof eventOfChange>>();
    directStore.changes.onChange(change => {
      if (change.kind !== 'app.transition') return;
      commitAt.set(change.transition.reason, now());
      directEvents.set(change.transition.reason, eventOfChange(change));
    });
    const directPublish = async (reason: string) => {
      const event = directEvents.get(reason)!;
      directEvents.delete(reason);
      await js.publish(eventSubject(event), JSON.stringify(event), {
        msgID: event.id,
      });
      ackAt.set(reason, now());
    };

    // Writes only: the same outbox rows, written by a store whose outbox wakes no relay (the
    // rows are marked sent right after), to tell the writers' cost from the relay's.
    const writesOnlyStore = createSlipwayStores(knex, {
      outbox: new Outbox(knex),
    });

    const apps = Array.from({ length: options.apps }, (_, i) => `bench-${i}`);
    for (const [i, name] of apps.entries()) {
      await outboxStore.apps.upsertAppForDeploy({
        name,
        host: 'local',
        repo: `https://example.com/${name}.git`,
        ref: 'main',
        port: 30000 + i,
        containerPort: 8080,
        healthPath: '/health',
        envNames: [],
        initiator: null,
      });
    }

    const waitForAcks = async (tag: string, count: number) => {
      const deadline = now() + 120_000;
      for (;;) {
        let acked = 0;
        for (const key of ackAt.keys()) if (key.startsWith(`${tag} `)) acked++;
        if (acked >= count) return;
        if (now() > deadline)
          throw new Error(`only ${acked}/${count} acks for ${tag}`);
        await new Promise(r => setTimeout(r, 5));
      }
    };

    const run = async (
      side: Side,
      tag: string,
      count: number,
    ): Promise<Round> => {
      const started = now();
      if (side === 'writes') {
        await workload(writesOnlyStore, apps, count / apps.length, tag);
        const commitRate = count / ((now() - started) / 1000);
        await knex('slipway_outbox')
          .whereNull('sent_at')
          .update({ sent_at: new Date().toISOString() });
        return { rate: NaN, commitRate, latencies: [] };
      }
      if (side === 'outbox') {
        await workload(outboxStore, apps, count / apps.length, tag);
      } else {
        await workload(
          directStore,
          apps,
          count / apps.length,
          tag,
          directPublish,
        );
      }
      const written = now();
      await waitForAcks(tag, count);
      let last = 0;
      const latencies: number[] = [];
      for (const [reason, ack] of ackAt) {
        if (!reason.startsWith(`${tag} `)) continue;
        last = Math.max(last, ack);
        latencies.push(ack - commitAt.get(reason)!);
      }
      return {
        rate: count / ((last - started) / 1000),
        commitRate: count / ((written - started) / 1000),
        latencies,
      };
    };

    console.log(
      `events benchmark: ${options.events} state changes per side per round, ${options.apps} apps (one writer each), ${options.rounds} rounds after ${options.warmup} warm-up events per side`,
    );
    console.log(
      `PostgreSQL ${pg}, nats-server ${server}, Node ${process.version}`,
    );

    const warm = Math.max(
      options.apps,
      options.warmup - (options.warmup % options.apps),
    );
    await run('outbox', 'warm-outbox', warm);
    await run('direct', 'warm-direct', warm);

    const results: Record<Side, Round[]> = {
      outbox: [],
      direct: [],
      writes: [],
    };
    for (let round = 1; round <= options.rounds; round++) {
      // Alternating which side goes first spreads drift over both.
      const order: Side[] =
        round % 2
          ? ['outbox', 'direct', 'writes']
          : ['writes', 'direct', 'outbox'];
      for (const side of order) {
        const r = await run(side, `${side}-${round}`, options.events);
        results[side].push(r);
        if (side === 'writes') {
          console.log(
            `round ${round} writes only (outbox rows, no relay): ${r.commitRate.toFixed(
              0,
            )} commits/s`,
          );
          continue;
        }
        const s = stats(r.latencies);
        console.log(
          `round ${round} ${side.padEnd(6)} ${r.rate
            .toFixed(0)
            .padStart(6)} events/s (writers alone ${r.commitRate.toFixed(
            0,
          )} commits/s)   commit->ack median ${fmt(s.median)}  p95 ${fmt(
            s.p95,
          )}  max ${fmt(s.max)}`,
        );
      }
    }

    const summary = (side: Side) => {
      const rates = results[side].map(r => r.rate).sort((a, b) => a - b);
      const commits = results[side]
        .map(r => r.commitRate)
        .sort((a, b) => a - b);
      return {
        rate: quantile(rates, 0.5),
        commitRate: quantile(commits, 0.5),
        ...stats(results[side].flatMap(r => r.latencies)),
      };
    };
    const outbox = summary('outbox');
    const direct = summary('direct');
    const writes = summary('writes');
    console.log('');
    console.log(
      `outbox  ${outbox.rate
        .toFixed(0)
        .padStart(6)} events/s (median round)   commit->ack median ${fmt(
        outbox.median,
      )}  p95 ${fmt(outbox.p95)}`,
    );
    console.log(
      `direct  ${direct.rate
        .toFixed(0)
        .padStart(6)} events/s (median round)   commit->ack median ${fmt(
        direct.median,
      )}  p95 ${fmt(direct.p95)}`,
    );
    console.log(
      `added by the outbox: median +${fmt(
        outbox.median - direct.median,
      )}, p95 +${fmt(outbox.p95 - direct.p95)}`,
    );
    console.log(
      `ratios outbox/direct: throughput ${(outbox.rate / direct.rate).toFixed(
        2,
      )}, median latency ${(outbox.median / direct.median).toFixed(
        2,
      )}, p95 latency ${(outbox.p95 / direct.p95).toFixed(2)}`,
    );
    console.log(
      `writers alone (median round): outbox ${outbox.commitRate.toFixed(
        0,
      )}, direct ${direct.commitRate.toFixed(
        0,
      )}, outbox rows without the relay ${writes.commitRate.toFixed(
        0,
      )} commits/s`,
    );
    const unsent = await slipway.pipeline.outbox!.countUnsent();
    console.log(`outbox rows left unsent: ${unsent}`);
  } finally {
    await cleanup();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

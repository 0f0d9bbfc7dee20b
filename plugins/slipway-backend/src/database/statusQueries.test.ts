import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { slipwayTestDatabaseIds } from '@slipway/test-harness';
import { applyDatabaseMigrations } from './migrations';
import { InfraStore } from './InfraStore';
import { createSlipwayStores } from './SlipwayStores';

/** The queries behind `GET /apps/:name/status` and `GET /apps?owner=`, on both databases. */
describe('status queries', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const store = createSlipwayStores(knex);
    await new InfraStore(knex).syncConfiguredHosts([
      { name: 'local', address: null, sshPort: null, user: null },
    ]);
    const app = (name: string, port: number, owner?: string) =>
      store.apps.upsertAppForDeploy({
        name,
        host: 'local',
        repo: `https://example.com/${name}.git`,
        ref: null,
        port,
        containerPort: 8080,
        healthPath: '/health',
        envNames: [],
        initiator: null,
        owner,
      });
    return { knex, store, app };
  }

  it.each(databases.eachSupportedId())(
    'computes uptime over the last 24 hours in SQL on %p',
    async databaseId => {
      const { knex, store, app } = await setUp(databaseId);
      await app('hello', 18080);
      await app('quiet', 18081);
      const hoursAgo = (h: number) =>
        new Date(Date.now() - h * 3600_000).toISOString();
      const sample = (ok: boolean, checkedAt: string) => ({
        app: 'hello',
        ok,
        latency_ms: ok ? 3 : null,
        http_status: ok ? 200 : null,
        error: ok ? null : 'connection refused',
        checked_at: checkedAt,
      });
      await knex('slipway_health_samples').insert([
        sample(true, hoursAgo(0.1)),
        sample(true, hoursAgo(1)),
        sample(false, hoursAgo(2)),
        sample(true, hoursAgo(23.9)),
        // Older than a day: outside the window.
        sample(false, hoursAgo(24.1)),
        sample(false, hoursAgo(48)),
        sample(false, hoursAgo(100)),
      ]);
      const since = new Date(Date.now() - 24 * 3600_000);
      expect(await store.health.uptimeSince('hello', since)).toEqual({
        ratio: 0.75,
        samples: 4,
      });
      expect(await store.health.uptimeSince('quiet', since)).toEqual({
        ratio: null,
        samples: 0,
      });
      // Samples recorded through the store count the same way.
      await store.health.recordHealthSample('quiet', {
        ok: false,
        latencyMs: null,
        httpStatus: 503,
        error: 'GET /health returned 503',
      });
      expect(await store.health.uptimeSince('quiet', since)).toEqual({
        ratio: 0,
        samples: 1,
      });
    },
    60_000,
  );

  it.each(databases.eachSupportedId())(
    'filters apps by owner, whichever way the ref was spelled, on %p',
    async databaseId => {
      const { store, app } = await setUp(databaseId);
      await app('a', 18080, 'group:default/platform-team');
      await app('b', 18081, 'group:platform-team');
      await app('c', 18082, 'group:Platform-Team');
      await app('d', 18083, 'group:other/platform-team');
      await app('e', 18084, 'user:default/platform-team');
      await app('f', 18085);
      const names = async (owner: string) =>
        (await store.apps.listApps({ owner })).map(a => a.name);
      expect(await names('group:default/platform-team')).toEqual([
        'a',
        'b',
        'c',
      ]);
      expect(await names('group:platform-team')).toEqual(['a', 'b', 'c']);
      expect(await names('group:other/platform-team')).toEqual(['d']);
      expect(await names('user:platform-team')).toEqual(['e']);
      expect(await names('group:nobody')).toEqual([]);
    },
    60_000,
  );
});

import { TestDatabases } from '@backstage/backend-test-utils';
import { slipwayTestDatabaseIds } from '@slipway/test-harness';
import { createSlipwayFixture, uniqueSuffix } from '../__testUtils__/fixture';
import { BackgroundJobs } from './BackgroundJobs';

/**
 * Job locks are leases: a job whose backend keeps renewing its lock is running elsewhere and
 * must be left alone by another replica's reconcile; one whose lease lapsed was left by a dead
 * backend and is settled.
 */
jest.setTimeout(60_000);

describe('job lock leases', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });

  it.each(databases.eachSupportedId())(
    "reconcile leaves a live replica's job alone and settles it once its lease lapses (%p)",
    async databaseId => {
      const knex = await databases.init(databaseId);
      const fixture = await createSlipwayFixture(knex);
      const { store, runner } = fixture;
      const app = `lease-${uniqueSuffix()}`;
      try {
        await store.apps.upsertAppForDeploy({
          name: app,
          host: 'test',
          repo: 'http://127.0.0.1/x.git',
          ref: null,
          port: 30000 + Math.floor(Math.random() * 5000),
          containerPort: 8080,
          healthPath: '/',
          envNames: [],
          initiator: 'user:default/other-replica',
        });
        // What another replica's running job looks like in the database.
        const deployment = await store.deployments.createDeployment({
          app,
          kind: 'deploy',
          initiator: 'user:default/other-replica',
          request: {},
        });
        expect(
          await store.locks.tryLock(`app:${app}`, deployment.id, 60_000),
        ).toBe(true);

        await runner.reconcile();
        expect(
          (await store.deployments.requireDeployment(deployment.id)).status,
        ).toBe('queued');
        expect(await store.locks.lockHolder(`app:${app}`)).toBe(deployment.id);

        // Renewals extend the lease; the lock stays live.
        await store.locks.renewLocks([deployment.id], 60_000);
        expect(
          await store.locks.holdsLiveLock(`app:${app}`, deployment.id),
        ).toBe(true);

        // The other replica died: no renewal, the lease lapses.
        await knex('slipway_locks')
          .where({ name: `app:${app}` })
          .update({ expires_at: new Date(Date.now() - 1000).toISOString() });
        expect(
          await store.locks.holdsLiveLock(`app:${app}`, deployment.id),
        ).toBe(false);
        await runner.reconcile();
        const settled = await store.deployments.requireDeployment(
          deployment.id,
        );
        expect(settled.status).toBe('failed');
        expect(settled.diagnosis).toContain(
          "the job's backend stopped renewing its lock",
        );
        expect(await store.locks.lockHolder(`app:${app}`)).toBeUndefined();
      } finally {
        await fixture.cleanup([app]);
      }
    },
  );

  it('renews the lease of a running job until it ends', async () => {
    const knex = await databases.init('SQLITE_3');
    const fixture = await createSlipwayFixture(knex);
    const jobs = new BackgroundJobs(fixture.store.locks, 600);
    const lock = `app:beat-${uniqueSuffix()}`;
    let finish = () => {};
    const running = new Promise<void>(resolve => {
      finish = resolve;
    });
    try {
      const job = await jobs.start({
        lock,
        conflict: async () => new Error('held'),
        prepare: async id => ({ record: { id }, run: () => running }),
      });
      const expiry = async () =>
        Date.parse(
          String(
            (await knex('slipway_locks').where({ name: lock }).first())
              .expires_at,
          ),
        );
      const first = await expiry();
      // Longer than one TTL: only renewals keep the lock live.
      await new Promise(r => setTimeout(r, 1000));
      expect(await fixture.store.locks.holdsLiveLock(lock, job.id)).toBe(true);
      expect(await expiry()).toBeGreaterThan(first);

      finish();
      await jobs.waitFor(job.id);
      expect(await fixture.store.locks.lockHolder(lock)).toBeUndefined();
    } finally {
      finish();
      await fixture.cleanup([]);
    }
  });
});

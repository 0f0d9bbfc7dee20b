import { TestDatabases } from '@backstage/backend-test-utils';
import { slipwayTestDatabaseIds } from '@slipway/test-harness';
import { applyDatabaseMigrations } from '../database/migrations';
import { Lease } from './Lease';

describe('Lease', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });

  it.each(databases.eachSupportedId())(
    'is held by one holder at a time, renewed by it, taken over once it lapses, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      // One injected clock for both replicas and the rows: the test moves time, nothing sleeps.
      let time = Date.parse('2030-01-01T00:00:00.000Z');
      const clock = { now: () => time };
      const a = new Lease(knex, 'relay', 'replica-a', 600, clock);
      const b = new Lease(knex, 'relay', 'replica-b', 600, clock);

      expect(await a.acquire()).toBe(true);
      expect(a.isHeld()).toBe(true);
      expect(await b.acquire()).toBe(false);
      expect(b.isHeld()).toBe(false);
      expect(await a.currentHolder()).toBe('replica-a');

      // Renewed by its holder: still refused to the other one after the first term.
      time += 400;
      expect(await a.hold()).toBe(true);
      time += 400;
      expect(a.isHeld()).toBe(true);
      expect(await b.acquire()).toBe(false);

      // Not renewed: it lapses, for the holder's own clock first (at the very end of its term
      // the holder has stopped while the other one is still refused), then for the other one.
      time += 200;
      expect(a.isHeld()).toBe(false);
      expect(await b.acquire()).toBe(false);
      time += 500;
      expect(a.isHeld()).toBe(false);
      expect(await b.acquire()).toBe(true);
      expect(await a.hold()).toBe(false);
      expect(await a.currentHolder()).toBe('replica-b');

      // Given up at shutdown: free at once.
      await b.release();
      expect(await a.currentHolder()).toBe(undefined);
      expect(await a.acquire()).toBe(true);
      // Another lease name is another lease.
      expect(
        await new Lease(knex, 'other', 'replica-b', 600, clock).acquire(),
      ).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'goes to exactly one of several replicas asking at once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      // All at the same instant of a clock that does not move: however slowly the database
      // answers them, none of their requests can find the lease lapsed.
      const at = Date.parse('2030-01-01T00:00:00.000Z');
      const leases = Array.from(
        { length: 6 },
        (_, i) =>
          new Lease(knex, 'relay', `replica-${i}`, 5000, { now: () => at }),
      );
      const results = await Promise.all(leases.map(l => l.acquire()));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await leases[0].currentHolder()).toBe(
        leases[results.indexOf(true)].holder,
      );
    },
  );
});

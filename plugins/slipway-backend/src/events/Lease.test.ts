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
      const a = new Lease(knex, 'relay', 'replica-a', 600);
      const b = new Lease(knex, 'relay', 'replica-b', 600);

      expect(await a.acquire()).toBe(true);
      expect(a.isHeld()).toBe(true);
      expect(await b.acquire()).toBe(false);
      expect(b.isHeld()).toBe(false);
      expect(await a.currentHolder()).toBe('replica-a');

      // Renewed by its holder: still refused to the other one after the first term.
      await new Promise(resolve => setTimeout(resolve, 400));
      expect(await a.hold()).toBe(true);
      await new Promise(resolve => setTimeout(resolve, 400));
      expect(await b.acquire()).toBe(false);

      // Not renewed: it lapses, for the holder's own clock first, then for the other one.
      await new Promise(resolve => setTimeout(resolve, 700));
      expect(a.isHeld()).toBe(false);
      expect(await b.acquire()).toBe(true);
      expect(await a.hold()).toBe(false);
      expect(await a.currentHolder()).toBe('replica-b');

      // Given up at shutdown: free at once.
      await b.release();
      expect(await a.currentHolder()).toBe(undefined);
      expect(await a.acquire()).toBe(true);
      // Another lease name is another lease.
      expect(await new Lease(knex, 'other', 'replica-b', 600).acquire()).toBe(
        true,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'goes to exactly one of several replicas asking at once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const leases = Array.from(
        { length: 6 },
        (_, i) => new Lease(knex, 'relay', `replica-${i}`, 5000),
      );
      const results = await Promise.all(leases.map(l => l.acquire()));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await leases[0].currentHolder()).toBe(
        leases[results.indexOf(true)].holder,
      );
    },
  );
});

import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createTestRepo,
  freePort,
  GitServer,
  startGitServer,
} from '@slipway/test-harness';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  finished,
  uniqueSuffix,
} from './__testUtils__/fixture';

/** The lock is per app: deploys of different apps run side by side, not one after another. */
const EXAMPLES = path.resolve(__dirname, '../../../examples');

describe('deploys of different apps', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let git: GitServer;

  afterAll(async () => {
    await git?.close();
  });

  it('run in parallel', async () => {
    const fixture = await createSlipwayFixture(
      await databases.init('SQLITE_3'),
    );
    git = await startGitServer();
    const suffix = uniqueSuffix();
    const names = [`par-a-${suffix}`, `par-b-${suffix}`];
    try {
      const bodies = await Promise.all(
        names.map(async name => ({
          name,
          repo: (
            await createTestRepo(git, name, path.join(EXAMPLES, 'slow-start'))
          ).url,
          port: await freePort(),
          container_port: 8080,
          health_path: '/health',
          host: 'test',
          env: { START_DELAY: '2' },
        })),
      );
      const responses = await Promise.all(
        bodies.map(body =>
          request(fixture.app).post('/api/slipway/apps/deploy').send(body),
        ),
      );
      expect(responses.map(r => r.status)).toEqual([202, 202]);
      const [a, b] = await Promise.all(
        responses.map(r => finished(fixture, r.body.deployment.id)),
      );
      expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
      // Each waited at least 2 s for its app to boot; they overlapped instead of queueing.
      const overlap =
        Math.min(Date.parse(a.finishedAt!), Date.parse(b.finishedAt!)) -
        Math.max(Date.parse(a.startedAt!), Date.parse(b.startedAt!));
      expect(overlap).toBeGreaterThan(1000);
    } finally {
      await fixture.cleanup(names);
    }
  }, 120_000);
});

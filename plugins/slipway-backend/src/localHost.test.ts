import { TestDatabases } from '@backstage/backend-test-utils';
import { createTestRepo, startGitServer } from '@slipway/test-harness';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  deployAndWait,
  uniqueSuffix,
} from './__testUtils__/fixture';

/** The embedded default host: the backend's own Docker, no SSH. */
const EXAMPLES = path.resolve(__dirname, '../../../examples');

describe('the local host', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('deploys an app with the backend machine own Docker Engine', async () => {
    const knex = await databases.init('SQLITE_3');
    const fixture = await createSlipwayFixture(knex, {
      config: {
        hosts: [{ name: 'local', type: 'local' }],
        // The host resolves the ref here: the two-session path is covered too.
        deploy: { resolveRefOnBackend: false },
      },
    });
    const git = await startGitServer();
    const name = `local-${uniqueSuffix()}`;
    try {
      const repo = await createTestRepo(
        git,
        name,
        path.join(EXAMPLES, 'hello-static'),
      );
      const { deployment, port } = await deployAndWait(fixture, {
        name,
        repo: repo.url,
        host: 'local',
      });
      expect({
        status: deployment.status,
        diagnosis: deployment.diagnosis,
      }).toEqual({
        status: 'succeeded',
        diagnosis: null,
      });
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      const log = await request(fixture.app).get(
        `/api/slipway/deployments/${deployment.id}`,
      );
      expect(log.body.log.map((l: { line: string }) => l.line)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Checked out commit [0-9a-f]{40}$/),
        ]),
      );
      const hosts = await request(fixture.app).get('/api/slipway/hosts');
      expect(hosts.body.items).toEqual([
        expect.objectContaining({ name: 'local', type: 'local' }),
      ]);
    } finally {
      await fixture.cleanup([name]);
      await git.close();
    }
  }, 120_000);
});

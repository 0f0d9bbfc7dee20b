import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createTestRepo,
  GitServer,
  startGitServer,
} from '@slipway/test-harness';
import { Knex } from 'knex';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  deployAndWait,
  uniqueSuffix,
} from './__testUtils__/fixture';

/**
 * A private repo: the token comes from Backstage's integrations config, reaches git on the host
 * through stdin and the environment, and shows up nowhere: not in the log, the API or the DB.
 */
const EXAMPLES = path.resolve(__dirname, '../../../examples');
const TOKEN = 'ghp_slipwayTestToken0123456789';
jest.setTimeout(120_000);

describe('deploying from a private repository', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const suffix = uniqueSuffix();
  let git: GitServer;
  let knex: Knex;
  const apps: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    git = await startGitServer({
      basicAuth: { user: 'x-access-token', password: TOKEN },
    });
    knex = await databases.init('SQLITE_3');
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    await git?.close();
  });

  it('clones with the integration token and never shows it', async () => {
    const host = new URL(git.baseUrl).host;
    const fixture = await createSlipwayFixture(knex, {
      integrations: {
        github: [{ host, token: TOKEN, apiBaseUrl: `${git.baseUrl}/api` }],
      },
    });
    const name = `private-${suffix}`;
    apps.push(name);
    cleanups.push(() => fixture.cleanup(apps));
    const repo = await createTestRepo(
      git,
      name,
      path.join(EXAMPLES, 'hello-static'),
    );
    const { deployment } = await deployAndWait(fixture, {
      name,
      repo: repo.url,
      host: 'test',
    });
    expect(deployment.status).toBe('succeeded');

    const everything = JSON.stringify([
      (
        await request(fixture.app).get(
          `/api/slipway/deployments/${deployment.id}`,
        )
      ).body,
      (await request(fixture.app).get(`/api/slipway/apps/${name}/status`)).body,
      await knex('slipway_deployments').select(),
      await knex('slipway_deployment_logs').select(),
      await knex('slipway_apps').select(),
    ]);
    expect(everything).toContain('Resolved the default branch of');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(
      Buffer.from(`x-access-token:${TOKEN}`).toString('base64'),
    );
  });

  it('fails clearly without credentials, and nothing is left serving', async () => {
    const fixture = await createSlipwayFixture(knex);
    cleanups.push(() => fixture.cleanup([]));
    const name = `nocreds-${suffix}`;
    const repo = await createTestRepo(
      git,
      name,
      path.join(EXAMPLES, 'hello-static'),
    );
    const { deployment } = await deployAndWait(fixture, {
      name,
      repo: repo.url,
      host: 'test',
    });
    expect(deployment.status).toBe('failed');
    expect(deployment.diagnosis).toMatch(
      /git clone failed on host test with exit code 128[\s\S]*could not read Username/,
    );
    expect((await fixture.store.apps.getApp(name))!.state).toBe('failed');
  });
});

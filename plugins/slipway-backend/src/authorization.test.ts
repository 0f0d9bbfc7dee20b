import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  slipwayAppDeployPermission,
  slipwayAppReadPermission,
  slipwayHostDeployPermission,
} from '@slipway/plugin-slipway-common';
import {
  slipwayAppConditions,
  slipwayHostConditions,
} from '@slipway/plugin-slipway-node';
import { slipwayTestDatabaseIds } from '@slipway/test-harness';
import { Knex } from 'knex';
import request from 'supertest';
import { CatalogOwnerStore } from './database/CatalogOwnerStore';
import { createSlipwayFixture, uniqueSuffix } from './__testUtils__/fixture';
import { listen, SseClient, stop } from './__testUtils__/sseClient';
import { TestPolicy } from './__testUtils__/policyPermissions';

/**
 * Who may call what: every route of the router answers 401 without credentials and 403 to a
 * signed-in user the policy denies, and lists show only what a conditional decision allows.
 */
jest.setTimeout(60_000);

type Route = { method: string; path: string };

/** Every route of an express router, however deeply its sub-routers nest. */
function routesOf(router: { stack: any[] }): Route[] {
  return router.stack.flatMap((layer: any): Route[] => {
    if (layer.route) {
      return Object.keys(layer.route.methods)
        .filter(m => m !== '_all')
        .map(method => ({ method, path: layer.route.path }));
    }
    return layer.handle?.stack ? routesOf(layer.handle) : [];
  });
}

/** Routes open to anyone on purpose (plugin.ts allows them unauthenticated). */
const PUBLIC = ['get /health'];

describe('authorization of every route', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const suffix = uniqueSuffix();
  const appName = `authz-${suffix}`;
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  let ids: { deployment: string; job: string };

  beforeAll(async () => {
    fixture = await createSlipwayFixture(await databases.init('SQLITE_3'), {
      policy: () => AuthorizeResult.DENY,
    });
    await fixture.store.apps.upsertAppForDeploy({
      name: appName,
      host: 'test',
      repo: 'http://127.0.0.1/none.git',
      ref: null,
      port: 39999,
      containerPort: 8080,
      healthPath: '/health',
      envNames: [],
      initiator: 'user:default/alice',
      owner: 'group:default/team-a',
    });
    const deployment = await fixture.store.deployments.createDeployment({
      app: appName,
      kind: 'deploy',
      initiator: 'user:default/alice',
      request: {},
    });
    const job = await fixture.infra.createJob({
      host: 'test',
      kind: 'provision',
      initiator: 'user:default/alice',
      request: {},
    });
    ids = { deployment: deployment.id, job: job.id };
  });

  afterAll(async () => {
    await fixture?.cleanup([]);
  });

  /** A concrete request for a route: its params are the seeded app, host and jobs. */
  function call(route: Route) {
    const url = `/api/slipway${route.path
      .replace(':name', route.path.startsWith('/hosts') ? 'test' : appName)
      .replace(
        ':id',
        route.path.startsWith('/infra') ? ids.job : ids.deployment,
      )}`;
    const body: Record<string, object> = {
      '/apps/deploy': {
        name: appName,
        repo: 'http://127.0.0.1/none.git',
        host: 'test',
        port: 39999,
      },
      '/infra/provision': { name: `h-${suffix}`, owner: 'group:team-a' },
      '/infra/destroy': { name: 'test' },
    };
    const req = (request(fixture.app) as any)[route.method](url);
    return route.method === 'get' ? req : req.send(body[route.path] ?? {});
  }

  it('answers 401 without credentials and 403 to a denied user on every route', async () => {
    const routes = routesOf(fixture.router as unknown as { stack: any[] });
    // A sanity check of the walk: the router has many more routes than the public ones.
    expect(routes.length).toBeGreaterThan(15);
    const none = mockCredentials.none.header();
    const alice = mockCredentials.user.header('user:default/alice');
    const answers: object[] = [];
    const expected: object[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const anonymous = (await call(route).set('Authorization', none)).status;
      if (PUBLIC.includes(key)) {
        answers.push({ key, anonymous });
        expected.push({ key, anonymous: 200 });
        continue;
      }
      const denied = (await call(route).set('Authorization', alice)).status;
      answers.push({ key, anonymous, denied });
      expected.push({ key, anonymous: 401, denied: 403 });
    }
    expect(answers).toEqual(expected);
    const seen = routes.map(r => `${r.method} ${r.path}`);
    expect(seen).toEqual(expect.arrayContaining(['post /apps/deploy']));
    // Nothing was started by the refused requests.
    expect(
      (await fixture.store.deployments.listDeployments(appName)).length,
    ).toBe(1);
  });
});

describe.each(slipwayTestDatabaseIds())(
  'lists under a conditional IS_OWNER decision (%s)',
  databaseId => {
    const databases = TestDatabases.create({ ids: [databaseId] });
    const suffix = uniqueSuffix();
    const aApp = `a-app-${suffix}`;
    const bApp = `b-app-${suffix}`;
    let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
    let knex: Knex;

    // Alice is in team A. Reads are conditional on ownership; everything else is allowed.
    const policy: TestPolicy = ({ permission, userEntityRef }) => {
      const claims = [userEntityRef ?? '', 'group:default/team-a'];
      if (permission.name === slipwayAppReadPermission.name)
        return { conditions: slipwayAppConditions.isOwner({ claims }) };
      if (permission.name === slipwayAppDeployPermission.name)
        return { conditions: slipwayAppConditions.isOwner({ claims }) };
      if (permission.name === slipwayHostDeployPermission.name) {
        const owns = slipwayHostConditions.isOwner({ claims });
        return {
          conditions: { anyOf: [owns, slipwayHostConditions.hasNoOwner()] },
        };
      }
      if (permission.resourceType === 'slipway-host')
        return { conditions: slipwayHostConditions.isOwner({ claims }) };
      return AuthorizeResult.ALLOW;
    };

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      fixture = await createSlipwayFixture(knex, { policy });
      const base = {
        host: 'test',
        repo: 'http://127.0.0.1/none.git',
        ref: null,
        containerPort: 8080,
        healthPath: '/health',
        envNames: [],
        initiator: 'user:default/someone',
      };
      // Owners in other spellings than the claims: the filter normalizes as AppStore does.
      await fixture.store.apps.upsertAppForDeploy({
        ...base,
        name: aApp,
        port: 39001,
        owner: 'Group:Team-A',
      });
      await fixture.store.apps.upsertAppForDeploy({
        ...base,
        name: bApp,
        port: 39002,
        owner: 'group:default/team-b',
      });
    });

    afterAll(async () => {
      await fixture?.cleanup([]);
    });

    const asAlice = (path: string) =>
      request(fixture.app)
        .get(`/api/slipway${path}`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );

    it('GET /apps shows only the caller’s apps', async () => {
      const res = await asAlice('/apps');
      expect(res.status).toBe(200);
      const names = res.body.items.map((a: { name: string }) => a.name);
      expect(names).toContain(aApp);
      expect(names).not.toContain(bApp);
    });

    it('one app is read as itself: the owner’s yes, the other’s 403', async () => {
      expect((await asAlice(`/apps/${aApp}/deployments`)).status).toBe(200);
      expect((await asAlice(`/apps/${bApp}/deployments`)).status).toBe(403);
    });

    const dryDeploy = (body: object) =>
      request(fixture.app)
        .post('/api/slipway/apps/deploy?dryRun=true')
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({
          repo: 'http://127.0.0.1/none.git',
          host: 'test',
          port: 39003,
          container_port: 8080,
          health_path: '/health',
          ...body,
        });

    it('a new app may be created only for an owner the caller is', async () => {
      const mine = await dryDeploy({
        name: `n1-${suffix}`,
        owner: 'group:team-a',
      });
      expect({ status: mine.status, body: mine.body }).toMatchObject({
        status: 200,
      });
      const nobody = await dryDeploy({ name: `n2-${suffix}` });
      expect(nobody.status).not.toBe(403);
      const theirs = await dryDeploy({
        name: `n3-${suffix}`,
        owner: 'group:team-b',
      });
      expect(theirs.status).toBe(403);
    });

    it('an existing app is deployed over only by its owners: no takeover', async () => {
      const takeover = await dryDeploy({ name: bApp, owner: 'group:team-a' });
      expect(takeover.status).toBe(403);
      const own = await dryDeploy({ name: aApp, port: 39001 });
      expect(own.status).not.toBe(403);
    });

    it('an owner cannot hand their app to an owner they are not', async () => {
      const handOver = await dryDeploy({
        name: aApp,
        port: 39001,
        owner: 'group:team-b',
      });
      expect(handOver.status).toBe(403);
      const sameOwner = await dryDeploy({
        name: aApp,
        port: 39001,
        owner: 'group:default/team-a',
      });
      expect(sameOwner.status).not.toBe(403);
    });

    it('a first deploy without an owner records the caller as its owner', async () => {
      const res = await dryDeploy({ name: `n4-${suffix}` });
      expect(res.status).toBe(200);
      expect(res.body.request.owner).toBe('user:default/alice');
    });

    it('redeploying another ref is deploying: refused to a non-owner', async () => {
      const res = await request(fixture.app)
        .post(`/api/slipway/apps/${bApp}/redeploy`)
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({ ref: 'other-branch' });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `You are not allowed to deploy the app "${bApp}": ask its owners or a Slipway admin`,
      );
      expect(
        await fixture.store.deployments.listDeployments(bApp),
      ).toHaveLength(0);
    });

    it('the owner named by the app’s catalog Component wins over the recorded one', async () => {
      const owners = new CatalogOwnerStore(knex);
      const apps = await owners.listOwnership();
      // Team B's app, registered in the catalog as team A's: Alice now owns it, everywhere.
      await owners.apply(
        apps,
        new Map([
          [
            bApp,
            {
              owner: 'group:default/team-a',
              entity: 'component:default/b-app',
            },
          ],
        ]),
      );
      const listed = async () =>
        (await asAlice('/apps')).body.items.map(
          (a: { name: string }) => a.name,
        );
      expect(await listed()).toContain(bApp);
      const status = await asAlice(`/apps/${bApp}/status`);
      expect(status.status).toBe(200);
      expect(status.body.app).toMatchObject({
        owner: 'group:default/team-a',
        ownerEntity: 'component:default/b-app',
      });
      // The Component gone, the recorded owner applies again.
      await owners.apply(await owners.listOwnership(), new Map());
      expect(await listed()).not.toContain(bApp);
      expect((await asAlice(`/apps/${bApp}/status`)).status).toBe(403);
    });

    it('GET /events carries only the events of apps the caller may read', async () => {
      const server = await listen(fixture.app);
      const client = await SseClient.connect(server, '/api/slipway/events');
      try {
        const app = (name: string, port: number, owner: string) =>
          fixture.store.apps.upsertAppForDeploy({
            name,
            host: 'test',
            repo: 'http://127.0.0.1/none.git',
            ref: null,
            port,
            containerPort: 8080,
            healthPath: '/health',
            envNames: [],
            initiator: null,
            owner,
          });
        // A build line of each team's deploy: what team B's log would show.
        const buildLine = async (name: string) => {
          const deployment = await fixture.store.deployments.createDeployment({
            app: name,
            kind: 'deploy',
            initiator: null,
            request: {},
          });
          await fixture.store.deployments.appendLog(
            deployment.id,
            'stdout',
            `Step 1/2 : FROM base (${name})`,
          );
        };
        // Team B's app first: events arrive in order, so once A's are in, B's would be too.
        await app(`sse-b-${suffix}`, 39011, 'group:team-b');
        await buildLine(`sse-b-${suffix}`);
        await app(`sse-a-${suffix}`, 39012, 'group:default/team-a');
        await buildLine(`sse-a-${suffix}`);
        await client.until('team A’s build line', c =>
          c
            .events()
            .some(
              e => e.app === `sse-a-${suffix}` && e.type === 'deployment.log',
            ),
        );
        expect(client.events().map(e => e.app)).not.toContain(
          `sse-b-${suffix}`,
        );
        expect(JSON.stringify(client.events())).not.toContain(
          `FROM base (sse-b-${suffix})`,
        );
      } finally {
        client.close();
        await stop(server);
      }
    });

    const provision = (owner: string) =>
      request(fixture.app)
        .post('/api/slipway/infra/provision?dryRun=true')
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({
          name: `new-host-${suffix}`,
          owner,
          region: 'eu-west-1',
          instance_type: 't3.small',
          ssh_cidrs: ['203.0.113.0/24'],
          tags: { CostCenter: 'cc-1' },
        });

    it('a host may be provisioned only for an owner the caller is', async () => {
      expect((await provision('group:team-b')).status).toBe(403);
      // Past the authorization: the platform policy's answer, whatever the config says.
      expect([200, 400]).toContain((await provision('group:team-a')).status);
    });

    it('a host is destroyed only by its owners', async () => {
      // `test` is the configured host: nobody owns it.
      const res = await request(fixture.app)
        .post('/api/slipway/infra/destroy')
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({ name: 'test' });
      expect(res.status).toBe(403);
    });

    it('a team’s host takes only its owners’ apps; a shared host everyone’s', async () => {
      await knex('slipway_hosts')
        .where({ name: 'test' })
        .update({ owner: 'group:default/team-b' });
      const onTheirs = await dryDeploy({ name: `n5-${suffix}` });
      expect(onTheirs.status).toBe(403);
      expect(onTheirs.body.error.message).toBe(
        'You are not allowed to deploy apps onto the host "test": ask its owners or a Slipway admin',
      );
      await knex('slipway_hosts')
        .where({ name: 'test' })
        .update({ owner: null });
      expect((await dryDeploy({ name: `n5-${suffix}` })).status).toBe(200);
    });

    it('a mistyped ?dryRun is a 400, never a real deploy', async () => {
      for (const value of ['1', 'TRUE', 'yes']) {
        const res = await request(fixture.app)
          .post(`/api/slipway/apps/deploy?dryRun=${value}`)
          .set(
            'Authorization',
            mockCredentials.user.header('user:default/alice'),
          )
          .send({
            name: `n6-${suffix}`,
            repo: 'http://127.0.0.1/none.git',
            host: 'test',
            port: 39006,
            container_port: 8080,
          });
        expect({
          value,
          status: res.status,
          message: res.body.error?.message,
        }).toEqual({
          value,
          status: 400,
          message: 'dryRun: must be true or false',
        });
      }
      expect(await fixture.store.apps.getApp(`n6-${suffix}`)).toBeUndefined();
    });

    it('GET /hosts shows only the caller’s hosts', async () => {
      // The configured host has no owner: under IS_OWNER nobody sees it.
      expect((await asAlice('/hosts')).body.items).toEqual([]);
      await knex('slipway_hosts')
        .where({ name: 'test' })
        .update({ owner: 'group:default/Team-A' });
      const names = (await asAlice('/hosts')).body.items.map(
        (h: { name: string }) => h.name,
      );
      expect(names).toEqual(['test']);
      expect((await asAlice('/hosts/test')).status).toBe(200);
    });
  },
);

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTestRepo,
  freePort,
  getHarness,
  GitServer,
  installTerraformStandIn,
  removeLabelled,
  startGitServer,
  TERRAFORM_STANDIN_SCENARIO_ENV,
  waitFor,
} from '@slipway/test-harness';
import {
  harnessHost,
  RunningBackend,
  startBackend,
  stopBackend,
} from './__testUtils__/portal';
import {
  dryRunTemplate,
  finishedDeployment,
  finishedInfraJob,
  guestIdentity,
  outcome,
  PortalApi,
  portalApi,
  runTemplateTask,
} from './__testUtils__/portalClient';
import {
  provisionBody,
  STAND_IN_POLICY,
  standInIacConfig,
  standInScenario,
} from './__testUtils__/standInHosts';

/**
 * Two teams in the real catalog, against the real portal backend with the Slipway policy: a
 * member of team A deploys an app and provisions a host, a member of team B is refused every
 * write on them (through the API and through the deploy template), and an admin may. The
 * guest sign-in is one identity per process, so the portal is started once per user on the
 * same data directory: the apps, hosts and catalog persist in its SQLite files between them.
 */
const ROOT = path.resolve(__dirname, '../../..');
const TEAMS = path.join(__dirname, '__fixtures__/teams.yaml');
const DEPLOY_TEMPLATE = path.join(
  ROOT,
  'templates/deploy-existing-repo/template.yaml',
);
// Each step starts the portal (30-60 s, more on a busy machine) before it acts.
jest.setTimeout(420_000);

type Who = { user: string; group: string };
const ALICE: Who = { user: 'alice', group: 'team-a' };
const BOB: Who = { user: 'bob', group: 'team-b' };
const ROOT_USER: Who = { user: 'root', group: 'slipway-admins' };

/** The verbs of the refusals, for each permission. */
const DEPLOY = /\bdeploy/;
const OPERATE = /operate|restart/;
const DESTROY = /destroy/;
const PROVISION = /provision/;

/** The backend's "not allowed" sentence for `verb` on the resource `ref`. */
const refusal = (verb: RegExp, ref: string) =>
  new RegExp(`^You are not allowed to [^"]*(${verb.source})[^"]* "${ref}"`);

const userRef = (who: Who) => `user:default/${who.user}`;
const groupRef = (who: Who) => `group:default/${who.group}`;

describe('two teams: owners act on their own apps and hosts, admins on all', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-teams-'));
  const appName = `a-app-${suffix}`;
  const hostName = `a-host-${suffix}`;
  const harness = getHarness();
  let git: GitServer;
  let repoUrl: string;
  let terraform: string;
  let port: number;
  let appPort: number;
  let backend: RunningBackend | undefined;
  let api: PortalApi;

  /** The portal's config for one user: the guest signs in as them. */
  const configFor = (who: Who) => ({
    auth: {
      providers: {
        guest: {
          userEntityRef: userRef(who),
          ownershipEntityRefs: [userRef(who), groupRef(who)],
        },
      },
    },
    catalog: {
      // A later config's array replaces the repo's, so the templates are listed again here.
      locations: [
        {
          type: 'file',
          target: path.join(ROOT, 'templates/all.yaml'),
          rules: [{ allow: ['Template', 'Location'] }],
        },
        { type: 'file', target: TEAMS, rules: [{ allow: ['User', 'Group'] }] },
      ],
    },
    slipway: {
      hosts: [harnessHost(harness)],
      repos: { allowedHosts: ['127.0.0.1'] },
      deploy: {
        workDir: path.join(dataDir, 'work'),
        healthGate: { deadlineSeconds: 30 },
      },
      // Terraform is the harness's stand-in: its "instance" is the harness's sshd.
      iac: standInIacConfig(harness, terraform, dataDir),
      policy: STAND_IN_POLICY,
      permissions: { adminGroups: ['group:default/slipway-admins'] },
    },
  });

  const stop = async () => {
    if (backend) await stopBackend(backend);
    backend = undefined;
  };

  /**
   * Starts the portal as `who` and signs in once the catalog knows them with their group, so
   * their ownership refs come from the catalog (the config's refs are only the fallback).
   */
  const startAs = async (who: Who) => {
    // One portal per port: a step that failed before stopping its own must not answer for this one.
    await stop();
    backend = await startBackend(port, dataDir, configFor(who), {
      // The scaffolder's step loggers follow LOG_LEVEL: info puts the job's lines in task logs.
      LOG_LEVEL: 'info',
      [TERRAFORM_STANDIN_SCENARIO_ENV]: standInScenario(harness),
    });
    const { baseUrl } = backend;
    const first = await guestIdentity(baseUrl);
    await waitFor(
      `the catalog to hold ${userRef(who)} as a member of ${groupRef(who)}`,
      async () => {
        const res = await portalApi(
          baseUrl,
          first.token,
        )(`/catalog/entities/by-name/user/default/${who.user}`);
        if (res.status !== 200) return undefined;
        const entity = await res.json();
        return entity.relations?.some(
          (r: { type: string; targetRef: string }) =>
            r.type === 'memberOf' && r.targetRef === groupRef(who),
        )
          ? true
          : undefined;
      },
      60_000,
      500,
    );
    const identity = await guestIdentity(baseUrl);
    expect({
      user: identity.userEntityRef,
      owns: [...identity.ownershipEntityRefs].sort(),
    }).toEqual({ user: userRef(who), owns: [groupRef(who), userRef(who)] });
    api = portalApi(baseUrl, identity.token);
  };

  const post = (p: string, body: object = {}) =>
    api(p, { method: 'POST', body: JSON.stringify(body) });

  const deployBody = (owner: string) => ({
    name: appName,
    repo: repoUrl,
    host: 'harness',
    port: appPort,
    container_port: 8080,
    health_path: '/health',
    owner,
  });

  /** What a takeover would change: where the app comes from, who owns it, what runs. */
  const appSnapshot = async () => {
    const res = await api(`/slipway/apps/${appName}/status`);
    expect(res.status).toBe(200);
    const { app } = await res.json();
    const deployments = await (
      await api(`/slipway/apps/${appName}/deployments`)
    ).json();
    return {
      repo: app.repo,
      owner: app.owner,
      state: app.state,
      currentDeploymentId: app.currentDeploymentId,
      deployments: deployments.items.length,
    };
  };

  /**
   * A 403 with the backend's sentence: "You are not allowed to <what> "<ref>"", the what
   * naming the action (its wording is the backend's, so only its verb is matched).
   */
  const expectRefused = async (res: Response, verb: RegExp, ref: string) => {
    const body = await res.json();
    expect({ status: res.status, message: body.error?.message }).toEqual({
      status: 403,
      message: expect.stringMatching(refusal(verb, ref)),
    });
  };

  beforeAll(async () => {
    git = await startGitServer();
    repoUrl = (
      await createTestRepo(
        git,
        `a-repo-${suffix}`,
        path.join(ROOT, 'examples/hello-static'),
      )
    ).url;
    terraform = await installTerraformStandIn(dataDir);
    port = await freePort();
    appPort = await freePort();
  });

  afterAll(async () => {
    await stop();
    await git?.close();
    await removeLabelled(`slipway.app=${appName}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('alice (team-a) deploys a-app for team-a and provisions a host for team-a', async () => {
    await startAs(ALICE);
    const deployed = await post(
      '/slipway/apps/deploy',
      deployBody(groupRef(ALICE)),
    );
    expect(deployed.status).toBe(202);
    const deployedJob = await finishedDeployment(
      api,
      (
        await deployed.json()
      ).deployment.id,
    );
    expect(outcome(deployedJob)).toEqual({ status: 'succeeded' });
    const { deployment } = deployedJob;
    expect(await appSnapshot()).toMatchObject({
      owner: groupRef(ALICE),
      state: 'running',
      currentDeploymentId: deployment.id,
    });
    const answer = await fetch(`http://${harness.ssh.host}:${appPort}/health`);
    expect(answer.status).toBe(200);

    const provisioned = await post(
      '/slipway/infra/provision',
      provisionBody(hostName, groupRef(ALICE)),
    );
    expect(provisioned.status).toBe(202);
    const infraJob = await finishedInfraJob(
      api,
      (
        await provisioned.json()
      ).job.id,
    );
    expect(outcome(infraJob)).toEqual({ status: 'succeeded' });
    const host = await (await api(`/slipway/hosts/${hostName}`)).json();
    expect(host.host).toMatchObject({
      name: hostName,
      owner: groupRef(ALICE),
      state: 'ready',
    });
    await stop();
  });

  it('bob (team-b) sees them, and is refused every write on them through the API', async () => {
    await startAs(BOB);
    const before = await appSnapshot();
    expect(before).toMatchObject({ owner: groupRef(ALICE), state: 'running' });

    // Reads are open to every signed-in user by default.
    const apps = await (await api('/slipway/apps')).json();
    expect(apps.items.map((a: { name: string }) => a.name)).toContain(appName);
    const hosts = await (await api('/slipway/hosts')).json();
    expect(hosts.items.map((h: { name: string }) => h.name)).toContain(
      hostName,
    );

    // A deploy over the app, whether it hands the app to team-b or keeps its owner.
    for (const owner of [groupRef(BOB), groupRef(ALICE)]) {
      await expectRefused(
        await post('/slipway/apps/deploy', deployBody(owner)),
        DEPLOY,
        appName,
      );
    }
    // Redeploy, restart and roll back are operations on the app (issue 12), as is cancel.
    for (const operation of ['redeploy', 'restart', 'rollback']) {
      await expectRefused(
        await post(`/slipway/apps/${appName}/${operation}`),
        OPERATE,
        appName,
      );
    }
    await expectRefused(
      await post(`/slipway/deployments/${before.currentDeploymentId}/cancel`),
      OPERATE,
      appName,
    );
    await expectRefused(
      await api(`/slipway/apps/${appName}`, { method: 'DELETE' }),
      DESTROY,
      appName,
    );

    // Hosts: no provisioning charged to team-a, no destroying team-a's host.
    const bHost = `b-host-${suffix}`;
    await expectRefused(
      await post(
        '/slipway/infra/provision',
        provisionBody(bHost, groupRef(ALICE)),
      ),
      PROVISION,
      bHost,
    );
    expect((await api(`/slipway/hosts/${bHost}`)).status).toBe(404);
    for (const force of [false, true]) {
      await expectRefused(
        await post('/slipway/infra/destroy', { name: hostName, force }),
        DESTROY,
        hostName,
      );
    }
    const host = await (await api(`/slipway/hosts/${hostName}`)).json();
    expect(host.host).toMatchObject({ state: 'ready', owner: groupRef(ALICE) });

    expect(await appSnapshot()).toEqual(before);
  });

  it('bob cannot take a-app over through the deploy template: dry run and real task', async () => {
    const before = await appSnapshot();
    const refused = refusal(DEPLOY, appName);
    const values = {
      ...deployBody(groupRef(BOB)),
      description: 'taken over by team-b',
    };

    // The dry run's step fails, and the scaffolder answers with the action's error.
    const dryRun = await dryRunTemplate(api, DEPLOY_TEMPLATE, values);
    expect({
      status: dryRun.status,
      message: JSON.parse(dryRun.text).error?.message,
    }).toEqual({ status: 403, message: expect.stringMatching(refused) });

    const task = await runTemplateTask(
      api,
      'template:default/slipway-deploy-existing-repo',
      values,
    );
    expect({
      status: task.status,
      refused: task.messages.some(m => refused.test(m)),
    }).toEqual({ status: 'failed', refused: true });
    expect(task.messages.some(m => /^Registered component:/.test(m))).toBe(
      false,
    );

    expect(await appSnapshot()).toEqual(before);
    await stop();
  });

  it('root (slipway-admins) may operate and destroy team-a app and host', async () => {
    await startAs(ROOT_USER);
    const restarted = await post(`/slipway/apps/${appName}/restart`);
    expect(restarted.status).toBe(202);
    const restart = await finishedDeployment(
      api,
      (
        await restarted.json()
      ).deployment.id,
    );
    expect(outcome(restart)).toEqual({ status: 'succeeded' });
    expect(restart.deployment).toMatchObject({
      kind: 'restart',
      initiator: userRef(ROOT_USER),
    });

    const destroyed = await api(`/slipway/apps/${appName}`, {
      method: 'DELETE',
    });
    expect(destroyed.status).toBe(202);
    const destroy = await finishedDeployment(
      api,
      (
        await destroyed.json()
      ).deployment.id,
    );
    expect(outcome(destroy)).toEqual({ status: 'succeeded' });
    const apps = await (await api('/slipway/apps')).json();
    expect(apps.items.map((a: { name: string }) => a.name)).not.toContain(
      appName,
    );

    const hostDestroy = await post('/slipway/infra/destroy', {
      name: hostName,
    });
    expect(hostDestroy.status).toBe(202);
    const infraJob = await finishedInfraJob(
      api,
      (
        await hostDestroy.json()
      ).job.id,
    );
    expect(outcome(infraJob)).toEqual({ status: 'succeeded' });
    await stop();
  });
});

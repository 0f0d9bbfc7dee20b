import { TestDatabases } from '@backstage/backend-test-utils';
import { TerraformRunner } from '@slipway/plugin-slipway-node';
import {
  createTestRepo,
  getHarness,
  installTerraformStandIn,
  startGitServer,
  TERRAFORM_STANDIN_LOG_ENV,
  TERRAFORM_STANDIN_SCENARIO_ENV,
  waitFor,
} from '@slipway/test-harness';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  deployAndWait,
  finished,
  uniqueSuffix,
} from './__testUtils__/fixture';

/**
 * Provisioning through the API with the Terraform stand-in. The "EC2 instance" it reports is
 * the harness's sshd, so a provisioned host is proven usable by deploying to it for real.
 */
const EXAMPLES = path.resolve(__dirname, '../../../examples');
jest.setTimeout(120_000);

describe('provisioning hosts', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const suffix = uniqueSuffix();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-provision-'));
  const scenarioFile = path.join(dir, 'scenario.json');
  const standInLog = path.join(dir, 'standin.log');
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  const harness = getHarness();

  const scenario = (overrides: object = {}) =>
    fs.writeFileSync(
      scenarioFile,
      JSON.stringify({
        resources: [
          { address: 'module.docker_host.aws_key_pair.deploy', id: 'key-1' },
          { address: 'module.docker_host.aws_security_group.host', id: 'sg-1' },
          {
            address: 'module.docker_host.aws_instance.host',
            id: 'i-0abc',
            applyDelayMs: 50,
          },
        ],
        outputs: {
          address: { value: harness.ssh.host },
          ssh_user: { value: harness.ssh.username },
          ssh_port: { value: harness.ssh.port },
          host_key: { value: harness.ssh.hostPublicKey },
          instance_id: { fromResource: 'module.docker_host.aws_instance.host' },
        },
        ...overrides,
      }),
    );

  const body = (name: string, overrides: object = {}) => ({
    name,
    owner: 'group:platform-team',
    region: 'eu-west-1',
    instance_type: 't3.small',
    ssh_cidrs: ['203.0.113.0/24'],
    app_ports: { from: 8000, to: 8999 },
    tags: { CostCenter: 'cc-1' },
    ...overrides,
  });

  const invocations = () =>
    fs.existsSync(standInLog)
      ? fs
          .readFileSync(standInLog, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map(l => JSON.parse(l))
          .filter(e => e.argv)
      : [];

  beforeAll(async () => {
    const binary = await installTerraformStandIn(dir);
    scenario();
    fixture = await createSlipwayFixture(await databases.init('SQLITE_3'), {
      iacTool: new TerraformRunner({
        binary,
        env: {
          [TERRAFORM_STANDIN_SCENARIO_ENV]: scenarioFile,
          [TERRAFORM_STANDIN_LOG_ENV]: standInLog,
        },
      }),
      config: {
        iac: {
          workDir: path.join(dir, 'iac'),
          sshPublicKey: fs
            .readFileSync(`${harness.ssh.privateKeyPath}.pub`, 'utf8')
            .trim(),
          sshPrivateKey: harness.ssh.privateKey,
        },
        policy: {
          allowedRegions: ['eu-west-1'],
          allowedInstanceTypes: ['t3.small'],
          requiredTags: ['CostCenter'],
          maxHostsPerOwner: 2,
          allowedRepoHosts: ['127.0.0.1'],
        },
      },
    });
  });

  afterAll(async () => {
    await fixture?.cleanup([`app-${suffix}`]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a request that breaks policy, listing every broken rule, and runs nothing', async () => {
    const res = await request(fixture.app)
      .post('/api/slipway/infra/provision')
      .send(
        body(`bad-${suffix}`, {
          region: 'us-east-1',
          instance_type: 'm5.large',
          tags: {},
          ssh_cidrs: ['0.0.0.0/0'],
        }),
      );
    expect(res.status).toBe(400);
    expect(
      res.body.error.violations.map((v: { rule: string }) => v.rule),
    ).toEqual([
      'region.allowed',
      'instance-type.allowed',
      'tags.required',
      'ssh.no-open-cidr',
    ]);
    expect(invocations()).toEqual([]);
    expect(await fixture.infra.getHost(`bad-${suffix}`)).toBeUndefined();
  });

  it('evaluates policy only on a dry run', async () => {
    const res = await request(fixture.app)
      .post('/api/slipway/infra/provision?dryRun=true')
      .send(body(`dry-${suffix}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, policy: 'passed' });
    expect(invocations()).toEqual([]);
    expect(await fixture.infra.getHost(`dry-${suffix}`)).toBeUndefined();
  });

  const hostName = `host-${suffix}`;

  it('plans, applies, reads outputs and registers a usable host', async () => {
    const res = await request(fixture.app)
      .post('/api/slipway/infra/provision')
      .send(body(hostName));
    expect(res.status).toBe(202);
    await fixture.infraRunner.waitFor(res.body.job.id);
    const job = await request(fixture.app).get(
      `/api/slipway/infra/jobs/${res.body.job.id}`,
    );
    expect(job.body.job).toMatchObject({
      status: 'succeeded',
      planSummary: { add: 3, change: 0, remove: 0 },
    });
    const log = job.body.log.map((l: { line: string }) => l.line).join('\n');
    expect(log).toContain('Plan: 3 to add, 0 to change, 0 to destroy');
    expect(log).toMatch(/aws_instance\.host: Creation complete/);
    expect(log).toContain(`Registered host ${hostName}`);

    // Variables went through a -var-file, never argv.
    const calls = invocations();
    expect(calls.map(c => c.argv[0])).toEqual([
      'init',
      'plan',
      'show',
      'apply',
      'output',
    ]);
    expect(
      calls
        .find(c => c.argv[0] === 'plan')
        .argv.some((a: string) => a.startsWith('-var-file=')),
    ).toBe(true);
    expect(
      calls
        .flatMap(c => c.argv)
        .some((a: string) => a === '-var' || a.includes('203.0.113.0')),
    ).toBe(false);

    const detail = await request(fixture.app).get(
      `/api/slipway/hosts/${hostName}`,
    );
    expect(detail.body.host).toMatchObject({
      name: hostName,
      source: 'provisioned',
      state: 'ready',
      address: harness.ssh.host,
      hostKeyPinned: true,
      usable: true,
      planSummary: { add: 3, change: 0, remove: 0 },
      outputs: expect.objectContaining({ instance_id: 'i-0abc' }),
    });
    const hosts = await request(fixture.app).get('/api/slipway/hosts');
    expect(hosts.body.items).toContainEqual(
      expect.objectContaining({ name: hostName, source: 'provisioned' }),
    );

    // A second provision of the same name is refused while it exists.
    expect(
      (
        await request(fixture.app)
          .post('/api/slipway/infra/provision')
          .send(body(hostName))
      ).status,
    ).toBe(409);
  });

  it('deploys an app to the provisioned host, and refuses to destroy the host while it runs', async () => {
    const git = await startGitServer();
    const name = `app-${suffix}`;
    try {
      const repo = await createTestRepo(
        git,
        name,
        path.join(EXAMPLES, 'hello-static'),
      );
      const { deployment } = await deployAndWait(fixture, {
        name,
        repo: repo.url,
        host: hostName,
      });
      expect(deployment.status).toBe('succeeded');

      const refused = await request(fixture.app)
        .post('/api/slipway/infra/destroy')
        .send({ name: hostName });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(
        `still runs 1 app(s): ${name}`,
      );

      const destroyApp = await request(fixture.app).delete(
        `/api/slipway/apps/${name}`,
      );
      expect(
        (await finished(fixture, destroyApp.body.deployment.id)).status,
      ).toBe('succeeded');
    } finally {
      await git.close();
    }
  });

  it('destroys the host and unregisters it', async () => {
    const res = await request(fixture.app)
      .post('/api/slipway/infra/destroy')
      .send({ name: hostName });
    expect(res.status).toBe(202);
    await fixture.infraRunner.waitFor(res.body.job.id);
    expect((await fixture.infra.requireJob(res.body.job.id)).status).toBe(
      'succeeded',
    );
    expect((await fixture.infra.requireHost(hostName)).state).toBe('destroyed');
    const hosts = await request(fixture.app).get('/api/slipway/hosts');
    expect(hosts.body.items.map((h: { name: string }) => h.name)).not.toContain(
      hostName,
    );
  });

  it('records a failed apply: job failed with the diagnostic, host not registered, lock released', async () => {
    const name = `broken-${suffix}`;
    scenario({
      failures: [
        {
          at: 'apply',
          resource: 'module.docker_host.aws_instance.host',
          summary: 'creating EC2 Instance: UnauthorizedOperation',
          detail: 'You are not authorized to perform this operation.',
          times: 1,
        },
      ],
    });
    const res = await request(fixture.app)
      .post('/api/slipway/infra/provision')
      .send(body(name));
    expect(res.status).toBe(202);
    await fixture.infraRunner.waitFor(res.body.job.id);
    const job = await fixture.infra.requireJob(res.body.job.id);
    expect(job.status).toBe('failed');
    expect(job.diagnosis).toContain(
      'creating EC2 Instance: UnauthorizedOperation',
    );
    expect((await fixture.infra.requireHost(name)).state).toBe('failed');
    expect(
      (await request(fixture.app).get('/api/slipway/hosts')).body.items.map(
        (h: { name: string }) => h.name,
      ),
    ).not.toContain(name);
    expect(
      await fixture.store.locks.lockHolder(`host:${name}`),
    ).toBeUndefined();

    // A retry converges (the stand-in fails only once, as a transient AWS error would).
    const retry = await request(fixture.app)
      .post('/api/slipway/infra/provision')
      .send(body(name));
    expect(retry.status).toBe(202);
    await fixture.infraRunner.waitFor(retry.body.job.id);
    await waitFor(
      'the retry to register the host',
      async () =>
        (await fixture.infra.requireHost(name)).state === 'ready'
          ? true
          : undefined,
      10_000,
    );
  });

  it('pins the host key of a provisioned host on its first connection when the module cannot output it', async () => {
    const name = `tofu-${suffix}`;
    scenario({
      outputs: {
        address: { value: harness.ssh.host },
        ssh_user: { value: harness.ssh.username },
        ssh_port: { value: harness.ssh.port },
      },
    });
    const res = await request(fixture.app)
      .post('/api/slipway/infra/provision')
      .send(body(name));
    await fixture.infraRunner.waitFor(res.body.job.id);
    expect((await fixture.infra.requireHost(name)).hostKey).toBeNull();

    // The first connection (here, reading an app's logs) pins the presented key.
    const conn = await fixture.hosts.connect(name);
    await conn.close();
    await waitFor(
      'the key to be stored',
      async () => (await fixture.infra.requireHost(name)).hostKey ?? undefined,
      5000,
    );
    expect((await fixture.infra.requireHost(name)).hostKey).toBe(
      harness.ssh.hostPublicKey,
    );
  });

  it('cancels a running apply: the tool gets SIGINT and the job ends cancelled', async () => {
    const name = `slow-${suffix}`;
    scenario({
      resources: [
        {
          address: 'module.docker_host.aws_instance.host',
          id: 'i-slow',
          applyDelayMs: 30_000,
        },
      ],
      progressIntervalMs: 200,
    });
    // Another owner: platform-team is at its policy limit of hosts by now.
    const res = await request(fixture.app)
      .post('/api/slipway/infra/provision')
      .send(body(name, { owner: 'group:other-team' }));
    expect(res.status).toBe(202);
    await waitFor(
      'the apply to start',
      async () =>
        (
          await fixture.infra.getLogs(res.body.job.id)
        ).some(l => /Creating/.test(l.line))
          ? true
          : undefined,
      20_000,
    );
    const cancel = await request(fixture.app).post(
      `/api/slipway/infra/jobs/${res.body.job.id}/cancel`,
    );
    expect(cancel.status).toBe(202);
    await fixture.infraRunner.waitFor(res.body.job.id);
    expect((await fixture.infra.requireJob(res.body.job.id)).status).toBe(
      'cancelled',
    );
    const signals = fs
      .readFileSync(standInLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(l => JSON.parse(l))
      .filter(e => e.event === 'signal');
    expect(signals.map(e => e.signal)).toContain('SIGINT');
    expect(
      (
        await request(fixture.app).post(
          `/api/slipway/infra/jobs/${res.body.job.id}/cancel`,
        )
      ).status,
    ).toBe(409);
  });
});

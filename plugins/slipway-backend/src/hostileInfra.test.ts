import { TestDatabases } from '@backstage/backend-test-utils';
import { TerraformRunner } from '@slipway/plugin-slipway-node';
import {
  installTerraformStandIn,
  SshServer,
  startSshd,
  stopSshd,
  TERRAFORM_STANDIN_LOG_ENV,
  TERRAFORM_STANDIN_SCENARIO_ENV,
} from '@slipway/test-harness';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createSlipwayFixture } from './__testUtils__/fixture';
import {
  HARNESS_MARKER,
  hostNames,
  INFRA_CASES as CASES,
  MARKER,
  provisionBody,
} from './__testUtils__/hostileInfraCases';

/**
 * Every parameter and body field of the infra routes (`/infra/provision`, `/infra/destroy`,
 * `/infra/jobs/:id`, `/infra/jobs/:id/cancel`) and of `GET /hosts/:name` gets each hostile
 * string: the answer is a 400 naming the field, or a 404 for a well-formed unknown name, and
 * nothing runs: no host or job row, no IaC invocation, no SSH session, no file a shell would
 * have made. hostileInput.test.ts does the same for the app routes.
 *
 * The IaC tool is the Terraform stand-in with its own log, and the configured host is a private
 * sshd, so a value that slipped through would show as an invocation or a session.
 */
jest.setTimeout(120_000);

/** A printable label: test names must not carry control or bidi characters. */
const printable = (label: string) =>
  label.replace(
    /[^\x20-\x7e]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const mtimeOf = (file: string) =>
  fs.existsSync(file) ? fs.statSync(file).mtimeMs : undefined;

describe('hostile input to the infra and host routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-hostile-infra-'));
  const standInLog = path.join(dir, 'standin.log');
  const iacDir = path.join(dir, 'iac');
  let knex: Knex;
  let ssh: SshServer;
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  let harnessMarkerBefore: number | undefined;
  let rowsBefore: Record<string, unknown>;

  const acceptedSessions = () =>
    fs
      .readFileSync(path.join(dir, 'ssh', 'sshd.log'), 'utf8')
      .split('\n')
      .filter(line => line.includes('Accepted publickey')).length;
  const rows = async () => ({
    hosts: await knex('slipway_hosts').select('name', 'state').orderBy('name'),
    jobs: await knex('slipway_infra_jobs').select('id', 'host'),
    locks: await knex('slipway_locks').select('name'),
    apps: await knex('slipway_apps').select('name'),
  });

  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'ssh'));
    ssh = await startSshd(path.join(dir, 'ssh'));
    const binary = await installTerraformStandIn(dir);
    const scenario = path.join(dir, 'scenario.json');
    fs.writeFileSync(scenario, JSON.stringify({ resources: [], outputs: {} }));
    knex = await databases.init('SQLITE_3');
    fixture = await createSlipwayFixture(knex, {
      iacTool: new TerraformRunner({
        binary,
        env: {
          [TERRAFORM_STANDIN_SCENARIO_ENV]: scenario,
          [TERRAFORM_STANDIN_LOG_ENV]: standInLog,
        },
      }),
      config: {
        hosts: [
          {
            name: 'test',
            address: ssh.host,
            port: ssh.port,
            user: ssh.username,
            privateKey: ssh.privateKey,
            hostKey: ssh.hostPublicKey,
          },
        ],
        // Provisioning is fully configured, so a request that got through would really start.
        iac: {
          workDir: iacDir,
          sshPublicKey: fs
            .readFileSync(`${ssh.privateKeyPath}.pub`, 'utf8')
            .trim(),
          sshPrivateKey: ssh.privateKey,
        },
        policy: {
          allowedRegions: ['eu-west-1'],
          allowedInstanceTypes: ['t3.small'],
          requiredTags: ['CostCenter'],
          maxHostsPerOwner: 100_000,
        },
      },
    });
    harnessMarkerBefore = mtimeOf(HARNESS_MARKER);
    await request(fixture.app).get('/api/slipway/hosts').expect(200);
    rowsBefore = await rows();
  });

  afterAll(async () => {
    try {
      await fixture?.cleanup([]);
    } finally {
      if (ssh) await stopSshd(ssh);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(MARKER, { force: true });
    }
  });

  it('starts from a valid request: its dry run passes, so each 400 is the attacked field', async () => {
    const body = provisionBody();
    const res = await request(fixture.app)
      .post('/api/slipway/infra/provision?dryRun=true')
      .send(body);
    expect(res.body).toMatchObject({ dryRun: true, policy: 'passed' });
    expect(acceptedSessions()).toBe(0);
  });

  it.each(CASES.map(c => [printable(c.label), c] as const))(
    '%s',
    async (_label, c) => {
      const req = request(fixture.app)[c.method](c.path);
      const res = await (c.body === undefined
        ? req
        : req.send(c.body as object));
      const message: string | undefined = res.body.error?.message;
      // The message itself is shown only when it is not the expected one.
      expect({
        status: res.status,
        message:
          !c.expected || c.expected.test(message ?? '')
            ? 'as expected'
            : message,
      }).toEqual({ status: c.status, message: 'as expected' });
      c.check?.(res.body);
    },
  );

  it(`sent ${CASES.length} hostile requests`, () => {
    expect(CASES.length).toBeGreaterThan(1000);
  });

  it('ran nothing and created nothing', async () => {
    await fixture.infraRunner.shutdown();
    const standInRuns = fs.existsSync(standInLog)
      ? fs.readFileSync(standInLog, 'utf8').split('\n').filter(Boolean)
      : [];
    expect({
      rows: await rows(),
      standInRuns,
      iacDirs: fs.existsSync(iacDir) ? fs.readdirSync(iacDir) : [],
      sshSessions: acceptedSessions(),
      markerFile: fs.existsSync(MARKER),
      harnessMarker: mtimeOf(HARNESS_MARKER),
      requestedHostsKnown: (
        await knex('slipway_hosts').whereIn('name', [...hostNames])
      ).length,
    }).toEqual({
      rows: rowsBefore,
      standInRuns: [],
      iacDirs: [],
      sshSessions: 0,
      markerFile: false,
      harnessMarker: harnessMarkerBefore,
      requestedHostsKnown: 0,
    });
  });
});

import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { TerraformRunner } from '@slipway/plugin-slipway-node';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import request from 'supertest';
import { createSlipwayFixture, uniqueSuffix } from './__testUtils__/fixture';
import { readInfraSettings } from './infra/settings';

/**
 * Where Terraform state lives, with the real `terraform` and a module of built-in resources
 * (`terraform_data`, no provider download): provisioning refused while state would be local to
 * one replica where that is not enough, a destroy refused when it finds no state, and the
 * PostgreSQL backend (the project's real server) carrying state between replicas.
 */
jest.setTimeout(120_000);

const hasTerraform =
  spawnSync('terraform', ['version'], {
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  }).status === 0;
const describeWithTerraform = hasTerraform ? describe : describe.skip;
const SKIPPED = hasTerraform ? '' : ' (SKIPPED: terraform is not on PATH)';

// The root module passes these variables and re-exports these outputs (see infra/rootModule.ts).
const MODULE = `
variable "name" { type = string }
variable "instance_type" { type = string }
variable "ssh_cidrs" { type = list(string) }
variable "app_port_range" { type = object({ from = number, to = number }) }
variable "ssh_public_key" { type = string }
variable "tags" { type = map(string) }

resource "terraform_data" "instance" {
  input = { name = var.name, instance_type = var.instance_type }
}

output "address" { value = "127.0.0.1" }
output "public_ip" { value = null }
output "private_ip" { value = "127.0.0.1" }
output "instance_id" { value = terraform_data.instance.id }
output "ssh_user" { value = "slipway" }
output "ssh_port" { value = 22 }
output "security_group_id" { value = null }
output "host_key_hint" { value = null }
`;

const PG_BASE =
  process.env.SLIPWAY_TEST_PG_CONNECTION ??
  'postgresql://postgres@127.0.0.1:5432';

describe('Terraform state', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const suffix = uniqueSuffix();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-state-'));
  const modulePath = path.join(dir, 'module');
  fs.mkdirSync(modulePath);
  fs.writeFileSync(path.join(modulePath, 'main.tf'), MODULE);
  const fixtures: Array<{ cleanup: (apps: string[]) => Promise<void> }> = [];

  const body = (name: string) => ({
    name,
    owner: 'group:platform-team',
    region: 'eu-west-1',
    instance_type: 't3.small',
    ssh_cidrs: ['203.0.113.0/24'],
    app_ports: { from: 8000, to: 8999 },
    tags: { CostCenter: 'cc-1' },
  });

  async function fixtureWith(
    iac: object,
    extra: object = {},
    database?: Awaited<ReturnType<typeof databases.init>>,
  ) {
    const fixture = await createSlipwayFixture(
      database ?? (await databases.init('SQLITE_3')),
      {
        iacTool: new TerraformRunner({ env: { CHECKPOINT_DISABLE: '1' } }),
        config: {
          ...extra,
          iac: { modulePath, sshPublicKey: 'ssh-ed25519 AAAA test', ...iac },
        },
      },
    );
    fixtures.push(fixture);
    return fixture;
  }

  async function run(
    fixture: Awaited<ReturnType<typeof fixtureWith>>,
    route: 'provision' | 'destroy',
    payload: object,
  ) {
    const res = await request(fixture.app)
      .post(`/api/slipway/infra/${route}`)
      .send(payload);
    expect(res.status).toBe(202);
    await fixture.infraRunner.waitFor(res.body.job.id);
    return fixture.infra.requireJob(res.body.job.id);
  }

  afterAll(async () => {
    for (const fixture of fixtures) await fixture.cleanup([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('settings', () => {
    const read = (slipway: object, env: NodeJS.ProcessEnv = {}) =>
      readInfraSettings(new ConfigReader({ slipway }), env);

    it('requires remote state with NODE_ENV=production or more than one replica', () => {
      expect(read({}).remoteStateRequiredBy).toBeUndefined();
      expect(read({}, { NODE_ENV: 'production' }).remoteStateRequiredBy).toBe(
        'NODE_ENV=production',
      );
      expect(read({ replicas: 3 }).remoteStateRequiredBy).toBe(
        'slipway.replicas: 3',
      );
      expect(() => read({ replicas: 0 })).toThrow(
        /^slipway\.replicas: 0 is not a number of replicas/,
      );
    });

    it('names the key of a backend it cannot give each host its own state in, or a missing file', () => {
      expect(() => read({ iac: { backend: 'http' } })).toThrow(
        /^slipway\.iac\.backend: "http" is not supported; use one of local, s3, azurerm, gcs, consul, pg/,
      );
      expect(() =>
        read({ iac: { backendConfigFiles: [path.join(dir, 'nope.hcl')] } }),
      ).toThrow(
        /^slipway\.iac\.backendConfigFiles\[0\]: .*nope\.hcl does not exist/,
      );
    });
  });

  describe('more than one replica with local state', () => {
    it('refuses to provision with a 503 naming the settings, writes nothing, and warned once at start', async () => {
      const workDir = path.join(dir, 'refused');
      const fixture = await fixtureWith({ workDir }, { replicas: 2 });
      const name = `refused-${suffix}`;
      const res = await request(fixture.app)
        .post('/api/slipway/infra/provision')
        .send(body(name));
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(
        /^Provisioning is refused: slipway\.replicas: 2 requires remote Terraform state/,
      );
      // A dry run says the same: it must not promise what the real request refuses.
      const dry = await request(fixture.app)
        .post('/api/slipway/infra/provision?dryRun=true')
        .send(body(name));
      expect(dry.status).toBe(503);
      expect(dry.body.error.message).toBe(res.body.error.message);
      expect(res.body.error.message).toContain(
        'Set slipway.iac.backend (s3, azurerm, gcs, consul, pg) and slipway.iac.backendConfigFiles',
      );
      expect(await fixture.infra.getHost(name)).toBeUndefined();
      expect(await fixture.infra.listJobs(name, 10)).toEqual([]);
      expect(fs.existsSync(workDir)).toBe(false);
      const warnings = (fixture.logger.warn as jest.Mock).mock.calls.filter(
        ([message]) =>
          String(message).includes('requires remote Terraform state'),
      );
      expect(warnings).toHaveLength(1);
    });
  });

  describeWithTerraform(`the real terraform${SKIPPED}`, () => {
    it('refuses a destroy that finds no state: the job fails saying so, the host stays', async () => {
      const workDir = path.join(dir, 'local');
      const fixture = await fixtureWith({ workDir });
      const name = `lost-${suffix}`;
      expect((await run(fixture, 'provision', body(name))).status).toBe(
        'succeeded',
      );
      expect((await fixture.infra.requireHost(name)).state).toBe('ready');

      // The replica's disk is gone, and the local state with it.
      fs.rmSync(path.join(workDir, name), { recursive: true });
      const job = await run(fixture, 'destroy', { name });
      expect(job.status).toBe('failed');
      expect(job.diagnosis).toMatch(
        new RegExp(
          `^no Terraform state for host ${name}: refusing to report a destroy that did nothing`,
        ),
      );
      expect(job.diagnosis).toContain('set slipway.iac.backend');
      expect((await fixture.infra.requireHost(name)).state).toBe('ready');
      const hosts = await request(fixture.app).get('/api/slipway/hosts');
      expect(hosts.body.items.map((h: { name: string }) => h.name)).toContain(
        name,
      );
    });

    it('keeps state in PostgreSQL: a replica without the working directory destroys the host', async () => {
      const name = `pg-${suffix}`;
      const schema = `slipway_host_${name.replace(/-/g, '_')}`;
      const connection = new URL(PG_BASE);
      connection.pathname = '/postgres';
      connection.searchParams.set('sslmode', 'disable');
      const backendFile = path.join(dir, 'pg.tfbackend');
      fs.writeFileSync(
        backendFile,
        `conn_str = ${JSON.stringify(connection.toString())}\n`,
        { mode: 0o600 },
      );
      const pg = knexFactory({
        client: 'pg',
        connection: connection.toString(),
      });
      const stateResources = async () => {
        const rows = await pg.withSchema(schema).select('data').from('states');
        return rows.flatMap(
          row => JSON.parse(row.data).resources as Array<{ type: string }>,
        );
      };
      try {
        const iac = { backend: 'pg', backendConfigFiles: [backendFile] };
        // Two replicas: one database, one backend, each its own disk.
        const database = await databases.init('SQLITE_3');
        const first = await fixtureWith(
          { ...iac, workDir: path.join(dir, 'replica-a') },
          { replicas: 2 },
          database,
        );
        const provision = await run(first, 'provision', body(name));
        expect(provision.status).toBe('succeeded');
        expect((await stateResources()).map(r => r.type)).toEqual([
          'terraform_data',
        ]);
        const log = (await first.infra.getLogs(provision.id))
          .map(l => l.line)
          .join('\n');
        expect(log).toContain(
          `state in the pg backend, schema_name = ${schema}`,
        );
        // The connection string (a password, in real use) never reaches the job log.
        expect(log).not.toContain(connection.host);

        const second = await fixtureWith(
          { ...iac, workDir: path.join(dir, 'replica-b') },
          { replicas: 2 },
          database,
        );
        const destroy = await run(second, 'destroy', { name });
        expect(destroy.status).toBe('succeeded');
        expect(
          (await second.infra.getLogs(destroy.id)).map(l => l.line),
        ).toContain('State: 1 resource(s)');
        expect(await stateResources()).toEqual([]);
      } finally {
        await pg.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await pg.destroy();
      }
    });
  });
});

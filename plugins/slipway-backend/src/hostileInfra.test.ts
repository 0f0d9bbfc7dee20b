import { TestDatabases } from '@backstage/backend-test-utils';
import { TerraformRunner } from '@slipway/plugin-slipway-node';
import {
  HOSTILE_STRINGS,
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
import { createSlipwayFixture, uniqueSuffix } from './__testUtils__/fixture';
import { shellAttacks } from './__testUtils__/hostileValues';

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

const suffix = uniqueSuffix();
/** Any shell that ran one of the attacks would create this file. */
const MARKER = path.join(os.tmpdir(), `slipway-hostile-infra-${suffix}`);
/** The file HOSTILE_STRINGS' own attacks would create. */
const HARNESS_MARKER = '/tmp/slipway-pwned';
const UNKNOWN_JOB = '0b6e4f7e-8a5c-4d2b-9f1e-3c7a2d9e8b10';

const STRINGS: string[] = [...HOSTILE_STRINGS, ...shellAttacks(MARKER)];
/** Values of the wrong JSON type, for body fields. */
const NON_STRINGS: unknown[] = [1, -1, 1.5, true, null, [], ['x'], {}];
const ALL: unknown[] = [...STRINGS, ...NON_STRINGS];

/**
 * Tag keys and values are AWS's character set (letters, digits, spaces and `_ . : / = + - @`),
 * so these hostile strings are valid tags by design: they reach Terraform as JSON data in the
 * `-var-file`, never as code or argv. They are sent on a dry run and must come back unchanged.
 */
const VALID_TAG_KEYS = new Set([
  ' ',
  '--upload-pack=touch /tmp/slipway-pwned',
  '-rf',
  '../../../etc/passwd',
]);
const VALID_TAG_VALUES = new Set(['', ...VALID_TAG_KEYS]);

let counter = 0;
const hostNames = new Set<string>();
/** A valid provision request with a name of its own, so a hole is a 202, not a conflict. */
function provisionBody(): Record<string, unknown> {
  const name = `hi-${suffix}-${++counter}`;
  hostNames.add(name);
  return {
    name,
    owner: 'group:default/platform-team',
    region: 'eu-west-1',
    instance_type: 't3.small',
    ssh_cidrs: ['203.0.113.0/24'],
    app_ports: { from: 8000, to: 8999 },
    tags: { CostCenter: 'cc-1' },
  };
}

type Case = {
  label: string;
  method: 'get' | 'post';
  path: string;
  body?: unknown;
  status: 400 | 404 | 200;
  /** What the error message must match (400), or a check of the 200's body. */
  expected?: RegExp;
  check?: (body: any) => void;
};

const seg = (value: string) => encodeURIComponent(value).replace(/\./g, '%2E');
const show = (v: unknown) => (JSON.stringify(v) ?? String(v)).slice(0, 50);
/** The provision route's message: `Invalid provision request: <field>: <rule>`. */
const field = (name: string, rule = '') =>
  new RegExp(
    `^Invalid provision request: ${name.replace(/\./g, '\\.')}: ${rule}`,
  );
/** A broken tag key's path is `tags.<the key>`, which may hold any character. */
const TAG_KEY_RULE =
  /^Invalid provision request: tags(\.[\s\S]*)?: tag keys (must|may)/;

function provisionCase(
  what: string,
  value: unknown,
  edit: (b: Record<string, any>) => void,
  expected: RegExp,
): Case {
  const body = provisionBody();
  edit(body);
  return {
    label: `POST /infra/provision ${what}=${show(value)}`,
    method: 'post',
    path: '/api/slipway/infra/provision',
    body,
    status: 400,
    expected,
  };
}

function provisionCases(): Case[] {
  const cases: Case[] = [];
  const strictStrings: [string, string, RegExp][] = [
    ['name', 'hi-ok', field('name', 'name must')],
    ['owner', 'group:default/platform-team', field('owner', 'owner must')],
    ['region', 'eu-west-1', field('region', 'region must')],
    // The shape of an instance type has no length limit; the policy's allow-list refuses these.
    [
      'instance_type',
      't3.small',
      /^(Invalid provision request: instance_type: instance_type must|Policy check failed: \[instance-type\.allowed\] instance_type )/,
    ],
  ];
  for (const [key, valid, expected] of strictStrings) {
    for (const value of ALL)
      cases.push(provisionCase(key, value, b => (b[key] = value), expected));
    // Appended to a valid value: a rule without its end anchor would let these through.
    // ('-rf' appended is only a name with a dash in it.)
    for (const s of STRINGS.filter(v => v && v !== '-rf'))
      cases.push(
        provisionCase(
          key,
          `${valid}${s}`,
          b => (b[key] = `${valid}${s}`),
          expected,
        ),
      );
  }
  for (const value of ALL) {
    cases.push(
      provisionCase(
        'ssh_cidrs[0]',
        value,
        b => (b.ssh_cidrs = [value]),
        field('ssh_cidrs.0', 'ssh_cidrs entries'),
      ),
      provisionCase(
        'ssh_cidrs',
        value,
        b => (b.ssh_cidrs = value),
        /^Invalid provision request: ssh_cidrs(\.0)?: /,
      ),
      provisionCase(
        'app_ports.from',
        value,
        b => (b.app_ports.from = value),
        field('app_ports.from', 'app_ports.from'),
      ),
      provisionCase(
        'app_ports.to',
        value,
        b => (b.app_ports.to = value),
        field('app_ports.to', 'app_ports.to'),
      ),
    );
    if (!Array.isArray(value) && !(value && typeof value === 'object'))
      cases.push(
        provisionCase(
          'app_ports',
          value,
          b => (b.app_ports = value),
          field('app_ports', ''),
        ),
        provisionCase('tags', value, b => (b.tags = value), field('tags', '')),
      );
  }
  for (const s of STRINGS) {
    if (s)
      cases.push(
        provisionCase(
          'ssh_cidrs[0]',
          `203.0.113.0/24${s}`,
          b => (b.ssh_cidrs = [`203.0.113.0/24${s}`]),
          field('ssh_cidrs.0', 'ssh_cidrs entries'),
        ),
      );
    if (!VALID_TAG_KEYS.has(s))
      cases.push(
        provisionCase('tag key', s, b => (b.tags[s] = 'x'), TAG_KEY_RULE),
      );
    if (!VALID_TAG_VALUES.has(s))
      cases.push(
        provisionCase(
          'tag value',
          s,
          b => (b.tags.Team = s),
          field('tags.Team', 'tag values'),
        ),
      );
    // An unknown field is refused, whatever it is called.
    cases.push(
      provisionCase(
        'unknown field',
        s,
        b => (b[s || ' '] = 'x'),
        /^Invalid provision request: \(request\): unknown field/,
      ),
    );
  }
  for (const value of NON_STRINGS)
    cases.push(
      provisionCase(
        'tag value',
        value,
        b => (b.tags.Team = value),
        field('tags.Team', 'tag values'),
      ),
    );
  return cases;
}

/** `dryRun` must be a boolean: any other value used to start a real provision. */
function dryRunCases(): Case[] {
  const cases: Case[] = [];
  for (const value of ALL.filter(v => typeof v !== 'boolean')) {
    cases.push({
      label: `POST /infra/provision body dryRun=${show(value)}`,
      method: 'post',
      path: '/api/slipway/infra/provision',
      body: { ...provisionBody(), dryRun: value },
      status: 400,
      expected: /^dryRun: must be true or false$/,
    });
  }
  for (const s of [
    ...STRINGS.filter(v => v !== 'true' && v !== 'false'),
    'TRUE',
    '1',
  ]) {
    cases.push({
      label: `POST /infra/provision?dryRun=${show(s)}`,
      method: 'post',
      path: `/api/slipway/infra/provision?dryRun=${encodeURIComponent(s)}`,
      body: provisionBody(),
      status: 400,
      expected: /^dryRun: must be true or false$/,
    });
  }
  return cases;
}

/** Tags valid by design (see VALID_TAG_KEYS), on a dry run: data, returned as sent. */
function validTagCases(): Case[] {
  const cases: Case[] = [];
  for (const [what, tags] of [
    ...[...VALID_TAG_KEYS].map(k => [
      `key ${show(k)}`,
      { CostCenter: 'cc-1', [k]: 'x' },
    ]),
    ...[...VALID_TAG_VALUES].map(v => [
      `value ${show(v)}`,
      { CostCenter: 'cc-1', Team: v },
    ]),
  ] as [string, Record<string, string>][]) {
    cases.push({
      label: `POST /infra/provision?dryRun=true tag ${what}`,
      method: 'post',
      path: '/api/slipway/infra/provision?dryRun=true',
      body: { ...provisionBody(), tags: tags },
      status: 200,
      check: body => expect(body.request.tags).toEqual(tags),
    });
  }
  return cases;
}

function otherRouteCases(): Case[] {
  const cases: Case[] = [];
  const unknownHost = `nohost-${suffix}`;
  for (const value of ALL) {
    cases.push({
      label: `POST /infra/destroy name=${show(value)}`,
      method: 'post',
      path: '/api/slipway/infra/destroy',
      body: { name: value },
      status: 400,
      expected: /^name: name must/,
    });
    if (typeof value !== 'boolean')
      cases.push({
        label: `POST /infra/destroy force=${show(value)}`,
        method: 'post',
        path: '/api/slipway/infra/destroy',
        body: { name: unknownHost, force: value },
        status: 400,
        expected: /^force: must be true or false$/,
      });
  }
  // An empty path segment is another route (`/hosts/` is the list), so it is not sent as one.
  for (const s of STRINGS.filter(Boolean)) {
    cases.push({
      label: `GET /hosts/${show(s)}`,
      method: 'get',
      path: `/api/slipway/hosts/${seg(s)}`,
      status: 400,
      expected: /^name: name must/,
    });
    for (const [method, p] of [
      ['get', `/api/slipway/infra/jobs/${seg(s)}`],
      ['post', `/api/slipway/infra/jobs/${seg(s)}/cancel`],
    ] as const) {
      cases.push({
        label: `${method.toUpperCase()} ${p.replace(seg(s), show(s))}`,
        method,
        path: p,
        status: 400,
        expected: /^id: a job id is a UUID$/,
      });
    }
  }
  for (const s of STRINGS.filter(v => v !== 'true' && v !== 'false'))
    cases.push({
      label: `GET /infra/jobs/<unknown>?follow=${show(s)}`,
      method: 'get',
      path: `/api/slipway/infra/jobs/${UNKNOWN_JOB}?follow=${encodeURIComponent(
        s,
      )}`,
      status: 400,
      expected: /^follow: must be true or false$/,
    });
  for (const [method, p, body] of [
    ['get', `/api/slipway/hosts/${unknownHost}`],
    ['get', `/api/slipway/infra/jobs/${UNKNOWN_JOB}`],
    ['get', `/api/slipway/infra/jobs/${UNKNOWN_JOB}?follow=true`],
    ['post', `/api/slipway/infra/jobs/${UNKNOWN_JOB}/cancel`],
    ['post', '/api/slipway/infra/destroy', { name: unknownHost }],
    ['post', '/api/slipway/infra/destroy', { name: unknownHost, force: true }],
  ] as const) {
    cases.push({
      label: `unknown: ${method.toUpperCase()} ${p} ${body ? show(body) : ''}`,
      method,
      path: p,
      body,
      status: 404,
    });
  }
  return cases;
}

const CASES: Case[] = [
  ...provisionCases(),
  ...dryRunCases(),
  ...validTagCases(),
  ...otherRouteCases(),
];

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

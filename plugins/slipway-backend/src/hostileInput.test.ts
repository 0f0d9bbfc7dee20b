import { TestDatabases } from '@backstage/backend-test-utils';
import { deployRequestSchema } from '@slipway/plugin-slipway-common';
import {
  run,
  SshServer,
  startSshd,
  stopSshd,
  waitFor,
} from '@slipway/test-harness';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createSlipwayFixture, uniqueSuffix } from './__testUtils__/fixture';
import {
  EXPECTED,
  HostileCase,
  hostileDeployCases,
  hostilePathNames,
  optionAttacks,
  shellAttacks,
} from './__testUtils__/hostileValues';
import { evaluateDeployPolicy } from './policy/policy';

/**
 * Several hundred hostile values through the real API. Each must be refused with a 400 that
 * names the field and the rule, and nothing at all may reach the Docker host: no SSH session,
 * no database row, no container or image, no file left by a command.
 *
 * Every case passes, the `HOLE` ones included: values this file found the rules accepting,
 * which they now refuse. They stay as regression cases.
 *
 * The host is a private sshd (the harness's own `startSshd`), not the shared harness sshd: other
 * test files open sessions on that one while this file runs, so only a private log can show
 * that this file opened none.
 */
jest.setTimeout(120_000);

const suffix = uniqueSuffix();
/** Any shell that ran one of the attacks would create this file. */
const MARKER = path.join(os.tmpdir(), `slipway-hostile-${suffix}`);
const UUID = '0b6e4f7e-8a5c-4d2b-9f1e-3c7a2d9e8b10';

/** Every app name a request of this file carries, for the Docker check. */
const appNames = new Set<string>();
let counter = 0;
/**
 * A valid request. Each call has its own app name and port, so that no two cases share a lock,
 * a port or a label: a hole is then accepted (202) rather than refused for a conflict.
 */
function base(): Record<string, unknown> {
  const name = `hostile-${suffix}-${++counter}`;
  appNames.add(name);
  return {
    name,
    repo: 'https://127.0.0.1/x.git',
    ref: 'main',
    port: 20000 + counter,
    container_port: 8080,
    health_path: '/health',
    env: { GREETING: 'hello' },
    host: 'test',
  };
}

function hole(field: 'repo', value: string): HostileCase {
  return {
    label: `HOLE ${field} = ${JSON.stringify(value)}`,
    field,
    body: { ...base(), [field]: value },
    expected: EXPECTED[field],
  };
}

/**
 * Values the rules used to accept (each comment says how) and now refuse. They are sent like
 * every other case, so a rule that lets one through again fails this file.
 */
const HOLES: HostileCase[] = [
  // HOLE: repo: the URL parser reads '\' as '/', so the rule and the allow-list see host
  // 127.0.0.1; curl (under git clone) reads `127.0.0.1\` as a user name and connects to
  // evil.example.com. An allow-list bypass.
  hole('repo', 'https://127.0.0.1\\@evil.example.com/x.git'),
  // HOLE: repo: the '..' check looks at `new URL(repo).pathname`, where the parser has already
  // removed '..' segments (plain or %2e%2e); git receives the raw string.
  hole('repo', 'https://127.0.0.1/../../etc/passwd'),
  hole('repo', 'https://127.0.0.1/x/%2e%2e/%2e%2e/etc/passwd'),
  hole('repo', 'ssh://git@127.0.0.1/../../etc/passwd'),
  // HOLE: repo: an ssh user name that is an ssh option (the CVE-2017-1000117 pattern); only
  // the leading '-' of the whole value is refused. Git itself blocks it today.
  hole('repo', 'ssh://-oProxyCommand=id@127.0.0.1/x.git'),
  // HOLE: repo: characters that are not URL characters at all (backtick, '|', braces), which
  // the parser percent-encodes but git receives raw. Quoting still holds: see the marker check.
  hole('repo', `https://127.0.0.1/\`touch\${IFS}${MARKER}\`.git`),
  hole('repo', `https://127.0.0.1/x.git|touch\${IFS}${MARKER}`),
  hole('repo', `https://127.0.0.1/$(touch\${IFS}${MARKER}).git`),
  // HOLE: repo: C1 control characters and a right-to-left override pass the "whitespace or
  // control characters" rule, which only looks below U+0020 and at U+007F.
  hole('repo', 'https://127.0.0.1/x\u009b.git'),
  hole('repo', 'https://127.0.0.1/x\u0085.git'),
  hole('repo', 'https://127.0.0.1/\u202egit.x'),
];

const deployCases: HostileCase[] = [
  ...hostileDeployCases({ base, marker: MARKER }),
  ...HOLES,
];

/**
 * The build and resource fields (issue #13): paths joined to the clone on the host, and
 * values that reach `docker run`. Kept apart from `deployCases` (whose field list is pinned
 * below) but sent and checked the same way.
 */
function buildFieldCases(): HostileCase[] {
  const escapes = [
    '..',
    '../..',
    '../../../../etc',
    'a/../../..',
    'a/..',
    '.',
    './a',
    'a/./b',
    'a//b',
    '/',
    '/etc',
    '/etc/passwd',
    '//host/share',
    '~',
    '~/x',
    '$HOME',
    '..\\..\\etc',
    'C:\\Windows',
    'a\0b',
    'a\nb',
    'a\u202eb',
    'exampl\u0435s',
    ' a',
    'a ',
    '',
    'x'.repeat(256),
    'x'.repeat(100_000),
    1,
    true,
    null,
    [],
    ['a'],
    {},
    { $ne: '' },
  ];
  const pathValues = [
    ...optionAttacks(MARKER),
    ...shellAttacks(MARKER),
    ...escapes,
  ];
  const memory = [
    ...optionAttacks(MARKER),
    ...shellAttacks(MARKER),
    '',
    '256',
    '256 m',
    '256mb',
    '256MiB',
    '0.5g',
    '1e3m',
    '0m',
    '-1m',
    '+1m',
    '5m',
    '5119k',
    '1025g',
    `${'9'.repeat(14)}g`,
    '256m;touch x',
    '256m --privileged',
    '256m\n',
    '\uff12\uff15\uff16m',
    256 * 1024 * 1024,
    true,
    null,
    [],
    ['256m'],
    {},
  ];
  const cpus = [
    0,
    -1,
    -0.5,
    0.001,
    0.125,
    1e-9,
    513,
    1e308,
    '0.5',
    '1; touch x',
    `$(touch ${MARKER})`,
    '--privileged',
    true,
    null,
    [],
    [1],
    {},
  ];
  const rule = (field: string) =>
    new RegExp(`(?<![\\w.])${field}: ${field} (must|may contain)`);
  return (
    [
      ['context', pathValues],
      ['dockerfile', pathValues],
      ['memory', memory],
      ['cpus', cpus],
    ] as const
  ).flatMap(([field, values]) =>
    values.map(value => ({
      label: `${field} = ${JSON.stringify(value)?.slice(0, 60)}`,
      // A field the shared type does not list yet; only its label and regex are read.
      field: field as unknown as HostileCase['field'],
      body: { ...base(), [field]: value },
      expected: rule(field),
    })),
  );
}

const BUILD_FIELD_CASES = buildFieldCases();

/** A request that is refused on a path, query or body parameter other than the deploy body. */
type RouteCase = {
  label: string;
  method: 'get' | 'post' | 'delete';
  path: string;
  body?: unknown;
  status: number;
  expected: RegExp;
};

/** encodeURIComponent, and '.' too, so that no client folds `..` out of the path. */
const seg = (value: string) => encodeURIComponent(value).replace(/\./g, '%2E');

const NAME_RULE = /^name: name must/;
const ID_RULE = /^id: a deployment id is a UUID$/;
const ROLLBACK_RULE = /^deploymentId: a deployment id is a UUID$/;

function routeCases(): RouteCase[] {
  const cases: RouteCase[] = [];
  for (const name of hostilePathNames(MARKER)) {
    appNames.add(name);
    const p = `/api/slipway/apps/${seg(name)}`;
    for (const [method, route, body] of [
      ['get', `${p}/status`],
      ['get', `${p}/deployments`],
      ['get', `${p}/logs`],
      ['delete', p],
      ['post', `${p}/restart`],
      ['post', `${p}/rollback`, {}],
      ['post', `${p}/redeploy`, {}],
    ] as ['get' | 'post' | 'delete', string, unknown][]) {
      cases.push({
        label: `${method.toUpperCase()} ${route}`,
        method,
        path: route,
        body,
        status: 400,
        expected: NAME_RULE,
      });
    }
  }

  for (const deploymentId of [
    'x',
    'not-a-uuid',
    '',
    ' ',
    `${UUID} `,
    `${UUID}\n`,
    `${UUID};touch ${MARKER}`,
    `$(touch ${MARKER})`,
    UUID.replace(/-/g, ''),
    `${UUID}0`,
    'g'.repeat(36),
    '../../../../../../../../etc/passwd',
    'x'.repeat(100_000),
    1,
    true,
    null,
    [],
    [UUID],
    {},
    { $ne: null },
  ]) {
    cases.push({
      label: `POST /apps/x/rollback deploymentId=${JSON.stringify(
        deploymentId,
      )?.slice(0, 60)}`,
      method: 'post',
      path: '/api/slipway/apps/x/rollback',
      body: { deploymentId },
      status: 400,
      expected: ROLLBACK_RULE,
    });
  }
  cases.push({
    // HOLE: deploymentId: /^[0-9a-f-]{36}$/ takes 36 dashes for a UUID (answers 404, not 400).
    label: 'HOLE POST /apps/x/rollback deploymentId="-" x 36',
    method: 'post',
    path: '/api/slipway/apps/x/rollback',
    body: { deploymentId: '-'.repeat(36) },
    status: 400,
    expected: ROLLBACK_RULE,
  });

  for (const query of [
    'tail=0',
    'tail=-1',
    'tail=-0',
    'tail=1001',
    'tail=1.5',
    'tail=abc',
    'tail=',
    'tail=%20',
    `tail=${encodeURIComponent(`$(touch ${MARKER})`)}`,
    'tail=1%3Bls',
    'tail=Infinity',
    'tail=NaN',
    'tail=1e4',
    'tail=0x0',
    `tail=${'9'.repeat(400)}`,
    `tail=${encodeURIComponent('\uff11')}`,
    'tail=1&tail=2',
    'tail[x]=1',
  ]) {
    cases.push({
      label: `GET /apps/x/logs?${query.slice(0, 60)}`,
      method: 'get',
      path: `/api/slipway/apps/x/logs?${query}`,
      status: 400,
      expected: /^tail: must be an integer from 1 to 1000$/,
    });
  }
  cases.push({
    // HOLE: tail: `Number(req.query.tail)` turns the array ['5'] into 5, so a query array
    // passes as a number (answers 404 for the unknown app, not 400).
    label: 'HOLE GET /apps/x/logs?tail[]=5',
    method: 'get',
    path: '/api/slipway/apps/x/logs?tail[]=5',
    status: 400,
    expected: /^tail: must be an integer from 1 to 1000$/,
  });

  for (const id of [
    'x',
    'not-a-uuid',
    '..',
    '../../etc/passwd',
    `$(touch ${MARKER})`,
    `${UUID};ls`,
    `${UUID}\0`,
    `${UUID} `,
    UUID.replace(/a/g, 'g'),
    UUID.slice(1),
    `${UUID}0`,
    UUID.replace(/-/g, ''),
    "' OR '1'='1",
    'x'.repeat(5000),
  ]) {
    for (const [method, route] of [
      ['get', `/api/slipway/deployments/${seg(id)}`],
      ['post', `/api/slipway/deployments/${seg(id)}/cancel`],
    ] as ['get' | 'post', string][]) {
      cases.push({
        label: `${method.toUpperCase()} ${route.slice(0, 90)}`,
        method,
        path: route,
        status: 400,
        expected: ID_RULE,
      });
    }
  }
  // HOLE: id: /^[0-9a-f-]{36}$/ takes 36 dashes for a UUID (answers 404, not 400).
  for (const [method, route] of [
    ['get', `/api/slipway/deployments/${'-'.repeat(36)}`],
    ['post', `/api/slipway/deployments/${'-'.repeat(36)}/cancel`],
  ] as ['get' | 'post', string][]) {
    cases.push({
      label: `HOLE ${method.toUpperCase()} ${route}`,
      method,
      path: route,
      status: 400,
      expected: ID_RULE,
    });
  }

  for (const state of [
    'RUNNING',
    'running;drop table slipway_apps',
    "' OR 1=1 --",
    '',
    `$(touch ${MARKER})`,
  ]) {
    cases.push({
      label: `GET /apps?state=${JSON.stringify(state)}`,
      method: 'get',
      path: `/api/slipway/apps?state=${encodeURIComponent(state)}`,
      status: 400,
      expected: /^state: must be one of /,
    });
  }
  cases.push({
    label: 'GET /apps?state=running&state=failed',
    method: 'get',
    path: '/api/slipway/apps?state=running&state=failed',
    status: 400,
    expected: /^state: must be one of /,
  });

  // The ref of a redeploy follows the deploy request's ref rule; the rest of the body is closed.
  for (const ref of [
    ...optionAttacks(MARKER),
    ...shellAttacks(MARKER),
    '',
    'main..evil',
    '.hidden',
    'a//b',
    'main.lock',
    'main@{1}',
    'main~1',
    'main^{tree}',
    'HEAD:../../etc/passwd',
    'ma in',
    'héllo',
    'main\u202e',
    'x'.repeat(256),
    'x'.repeat(100_000),
    1,
    true,
    null,
    [],
    ['main'],
    {},
    { $ne: '' },
  ]) {
    cases.push({
      label: `POST /apps/x/redeploy ref=${JSON.stringify(ref)?.slice(0, 60)}`,
      method: 'post',
      path: '/api/slipway/apps/x/redeploy',
      body: { ref },
      status: 400,
      expected: /^ref: ref (must|may contain)/,
    });
  }
  for (const body of [
    { ref: 'main', env: { GREETING: 'x' } },
    { repo: `https://127.0.0.1/$(touch ${MARKER}).git` },
    { ref: 'main', host: 'other' },
  ]) {
    cases.push({
      label: `POST /apps/x/redeploy ${JSON.stringify(body).slice(0, 60)}`,
      method: 'post',
      path: '/api/slipway/apps/x/redeploy',
      body,
      status: 400,
      expected: /^\(request\): unknown field\(s\)/,
    });
  }
  cases.push({
    label: 'POST /apps/x/redeploy []',
    method: 'post',
    path: '/api/slipway/apps/x/redeploy',
    body: [],
    status: 400,
    expected: /^\(request\): Expected object/,
  });

  // Query values reach SQL (owner) or a subscription filter (app): one well-formed string only.
  for (const query of [
    'app=App',
    'app=a_b',
    'app=a.b',
    'app=..',
    'app=-a',
    'app=a-',
    'app=',
    'app=%20',
    'app=a%20b',
    'app=a%00',
    `app=${encodeURIComponent(`$(touch ${MARKER})`)}`,
    `app=${encodeURIComponent('\u0430pp')}`,
    `app=${'a'.repeat(64)}`,
    `app=${'a'.repeat(5000)}`,
    'app=a&app=b',
    'app[]=a',
    'app[x]=1',
  ]) {
    cases.push({
      label: `GET /events?${query.slice(0, 60)}`,
      method: 'get',
      path: `/api/slipway/events?${query}`,
      status: 400,
      expected: /^app: app must/,
    });
  }
  for (const query of [
    'owner=team',
    'owner=group',
    'owner=group:',
    'owner=group:default/',
    'owner=component:default/x',
    'owner=group:a%20b',
    'owner=group:a/b/c',
    'owner=',
    `owner=${encodeURIComponent("' OR 1=1 --")}`,
    `owner=${encodeURIComponent('group:x;drop table slipway_apps')}`,
    `owner=${encodeURIComponent(`group:$(touch ${MARKER})`)}`,
    `owner=group:${'x'.repeat(5000)}`,
    'owner=group:a&owner=group:b',
    'owner[$ne]=x',
    'owner[]=group:a',
  ]) {
    cases.push({
      label: `GET /apps?${query.slice(0, 60)}`,
      method: 'get',
      path: `/api/slipway/apps?${query}`,
      status: 400,
      expected: /^owner: owner must/,
    });
  }
  return cases;
}

const ROUTE_CASES = routeCases();

/** Names that are DNS labels once decoded: looked up, and not found. */
const UNKNOWN_APP_PATHS = [
  '/api/slipway/apps/nosuchapp/status',
  '/api/slipway/apps/nosuchapp/deployments',
  // The name pattern of this file's requests; `base()` counts from 1, so this one is never sent.
  `/api/slipway/apps/hostile-${suffix}-0/status`,
  // "no", percent-encoded.
  '/api/slipway/apps/%6e%6f/deployments',
];

/** A printable label: test names must not carry control or bidi characters. */
const printable = (label: string) =>
  label.replace(
    /[^\x20-\x7e]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const SLIPWAY_LABEL = 'slipway.app';

/** Containers and images that carry Slipway's app label, by id. */
async function slipwayObjects(): Promise<Set<string>> {
  const lines = async (args: string[]) =>
    (await run('docker', args)).split('\n').filter(Boolean);
  return new Set([
    ...(await lines([
      'ps',
      '-aq',
      '--no-trunc',
      '--filter',
      `label=${SLIPWAY_LABEL}`,
    ])),
    ...(await lines([
      'images',
      '-q',
      '--no-trunc',
      '--filter',
      `label=${SLIPWAY_LABEL}`,
    ])),
  ]);
}

/** The app label of a container or image; `(gone)` if another test removed it meanwhile. */
async function appLabelOf(id: string): Promise<string> {
  return (
    await run('docker', [
      'inspect',
      '--format',
      `{{index .Config.Labels "${SLIPWAY_LABEL}"}}`,
      id,
    ]).catch(() => '(gone)')
  ).trim();
}

/**
 * Containers and images created since `before` whose app label is one of `names`. Other test
 * files create their own meanwhile; those do not count.
 */
async function createdFor(before: Set<string>, names: Set<string>) {
  const created = [...(await slipwayObjects())].filter(id => !before.has(id));
  const labelled = await Promise.all(
    created.map(async id => ({ id, app: await appLabelOf(id) })),
  );
  return labelled.filter(o => names.has(o.app));
}

describe('hostile input never reaches a host', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let knex: Knex;
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  let sshDir: string;
  let ssh: SshServer;
  let dockerBefore: Set<string>;
  let sessionsBefore: number;

  /** Sessions the host's sshd accepted so far (`sshd -e` logs one line per session). */
  const acceptedSessions = () =>
    fs
      .readFileSync(path.join(sshDir, 'sshd.log'), 'utf8')
      .split('\n')
      .filter(line => line.includes('Accepted publickey')).length;

  beforeAll(async () => {
    sshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-hostile-ssh-'));
    ssh = await startSshd(sshDir);
    knex = await databases.init('SQLITE_3');
    fixture = await createSlipwayFixture(knex, {
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
      },
    });
    dockerBefore = await slipwayObjects();
  });

  afterAll(async () => {
    try {
      // Found through Docker, not the database, which may be closed by now.
      const leftovers = dockerBefore
        ? await createdFor(dockerBefore, appNames)
        : [];
      await fixture?.cleanup([...new Set(leftovers.map(o => o.app))]);
    } finally {
      if (ssh) await stopSshd(ssh);
      fs.rmSync(sshDir, { recursive: true, force: true });
      fs.rmSync(MARKER, { force: true });
    }
  });

  it('starts from a valid request, so each 400 is the attacked field', () => {
    const valid = deployRequestSchema.parse(base());
    expect(
      evaluateDeployPolicy({ allowedRepoHosts: ['127.0.0.1'] }, valid),
    ).toEqual([]);
    expect(fixture.hosts.has('test')).toBe(true);
  });

  it('sees a session on the host in the sshd log (control for the final check)', async () => {
    const before = acceptedSessions();
    const conn = await fixture.hosts.connect('test');
    const result = await conn.exec(['true']).finally(() => conn.close());
    expect(result.exitCode).toBe(0);
    await waitFor(
      'sshd to log the session',
      async () => (acceptedSessions() > before ? true : undefined),
      10_000,
      50,
    );
    sessionsBefore = acceptedSessions();
    expect(sessionsBefore).toBe(before + 1);
  });

  it.each(
    deployCases.map((c, i) => [printable(`#${i + 1} ${c.label}`), c] as const),
  )('POST /apps/deploy refuses %s', async (_label, c) => {
    const post = request(fixture.app).post('/api/slipway/apps/deploy');
    const res = c.raw
      ? await post.set('Content-Type', 'application/json').send(String(c.body))
      : await post.send(c.body as object);
    expect({
      status: res.status,
      error: res.body.error?.name,
      message: res.body.error?.message,
    }).toEqual({
      status: 400,
      error: expect.stringMatching(/^(InputError|PolicyViolationError)$/),
      message: expect.stringMatching(c.expected),
    });
  });

  it.each(ROUTE_CASES.map(c => [printable(c.label), c] as const))(
    'refuses %s',
    async (_label, c) => {
      const req = request(fixture.app)[c.method](c.path);
      const res = await (c.body === undefined
        ? req
        : req.send(c.body as object));
      expect({
        status: res.status,
        message: res.body.error?.message,
      }).toEqual({
        status: c.status,
        message: expect.stringMatching(c.expected),
      });
    },
  );

  it.each(UNKNOWN_APP_PATHS)(
    'answers 404 for a valid, unknown name: %s',
    async p => {
      const res = await request(fixture.app).get(p);
      expect({ status: res.status, error: res.body.error?.name }).toEqual({
        status: 404,
        error: 'NotFoundError',
      });
    },
  );

  const perField = Object.entries(
    deployCases.reduce<Record<string, number>>((counts, c) => {
      counts[c.field] = (counts[c.field] ?? 0) + 1;
      return counts;
    }, {}),
  )
    .map(([field, n]) => `${field} ${n}`)
    .join(', ');
  it(`sent ${deployCases.length} hostile deploy requests (${perField}) and ${ROUTE_CASES.length} hostile route requests`, () => {
    expect(deployCases.length).toBeGreaterThanOrEqual(300);
    const fields = new Set(deployCases.map(c => c.field));
    expect([...fields].sort()).toEqual(
      [
        'container_port',
        'env',
        'env name',
        'env value',
        'health_path',
        'host',
        'name',
        'port',
        'ref',
        'repo',
        'request',
        'unknown field',
      ].sort(),
    );
  });

  it.each(
    BUILD_FIELD_CASES.map(
      (c, i) => [printable(`#${i + 1} ${c.label}`), c] as const,
    ),
  )('POST /apps/deploy refuses build field %s', async (_label, c) => {
    const res = await request(fixture.app)
      .post('/api/slipway/apps/deploy')
      .send(c.body as object);
    expect({
      status: res.status,
      error: res.body.error?.name,
      message: res.body.error?.message,
    }).toEqual({
      status: 400,
      error: 'InputError',
      message: expect.stringMatching(c.expected),
    });
  });

  it(`sent ${BUILD_FIELD_CASES.length} hostile build and resource values`, () => {
    expect(BUILD_FIELD_CASES.length).toBeGreaterThanOrEqual(150);
  });

  it('ran nothing at all on the host', async () => {
    // Jobs (there should be none) finish or stop before anything is counted.
    await fixture.runner.shutdown();
    const rows = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    // All the evidence in one object, so a failure shows all of it.
    expect({
      // SSH sessions on the host since the control session.
      sshSessions: acceptedSessions() - sessionsBefore,
      apps: (await fixture.store.apps.listApps({ includeDestroyed: true })).map(
        a => a.name,
      ),
      deployments: await knex('slipway_deployments').select(
        'app',
        'kind',
        'status',
      ),
      deploymentLogLines: await rows('slipway_deployment_logs'),
      transitions: await rows('slipway_app_transitions'),
      healthSamples: await rows('slipway_health_samples'),
      locks: await knex('slipway_locks').select('name', 'holder'),
      // Containers and images created meanwhile for any name this file sent.
      dockerObjects: await createdFor(dockerBefore, appNames),
      // Left by any attack's command that ran anywhere on this machine.
      markerFile: fs.existsSync(MARKER),
    }).toEqual({
      sshSessions: 0,
      apps: [],
      deployments: [],
      deploymentLogLines: 0,
      transitions: 0,
      healthSamples: 0,
      locks: [],
      dockerObjects: [],
      markerFile: false,
    });
  });
});

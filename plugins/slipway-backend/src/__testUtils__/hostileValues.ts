// The shared corpus of shell-breaking strings is test support, so it lives in the test harness.
import { HOSTILE_STRINGS } from '@slipway/test-harness';

/**
 * A corpus of deploy requests that must all be refused with a 400 before anything runs.
 * Each case breaks exactly one field of an otherwise valid request, so the 400 can be
 * required to name that field and one of its rules. Only values the rules are meant to refuse
 * are here: a value that is valid by design (for example `/a;b` as a health path, whose rule
 * allows URL sub-delimiters) is left out rather than expected to fail.
 */

/** The fields of `POST /apps/deploy` that a case attacks. */
export type DeployField =
  | 'name'
  | 'repo'
  | 'ref'
  | 'port'
  | 'container_port'
  | 'health_path'
  | 'env name'
  | 'env value'
  | 'env'
  | 'host'
  | 'unknown field'
  | 'request';

export type HostileCase = {
  /** Short, printable, unique: used as the test's name. */
  label: string;
  field: DeployField;
  /** The JSON body to send: an object, or raw JSON text for numbers JSON.stringify cannot write. */
  body: unknown;
  raw?: boolean;
  /** What the 400's message must say: the field, then one of that field's rules. */
  expected: RegExp;
};

/** What `describeZodError` writes for a field: `field: <rule>`, with nothing word-like before it. */
const at = (path: string, rule: string) =>
  new RegExp(`(?<![\\w.])${path}: (${rule})`);

/** The rules of each field, as their messages start (see slipway-common's schemas/rules.ts). */
export const EXPECTED: Record<DeployField, RegExp> = {
  name: at('name', 'name must|name is required'),
  // A repo from a host that is not allowed passes the schema and fails the platform policy.
  repo: /(?<![\w.])repo: (repo must|repo (path|port|user) must|repo is required)|\[repo\.allowed-host\] repo host \S+ is not allowed/,
  ref: at('ref', 'ref must|ref may contain'),
  port: at('port', 'port must|port is required'),
  container_port: at(
    'container_port',
    'container_port must|container_port is required',
  ),
  health_path: at('health_path', 'health_path must'),
  // The path of a broken env name is `env.<the name>`, which may hold any character.
  'env name': /(?<![\w.])env\.[\s\S]*: env names must/,
  'env value': /(?<![\w.])env\.[A-Z_][A-Z0-9_]*: env values must/,
  env: at('env', 'env may have|Expected object'),
  host: at('host', 'host must|host is required|no host named'),
  'unknown field': /\(request\): unknown field\(s\)/,
  request: /\(request\): Expected object/,
};

function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = '(missing)';
  else if (typeof value === 'string' && value.length > 60)
    text = `${JSON.stringify(value.slice(0, 24))}… (${value.length} chars)`;
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 90 ? `${text.slice(0, 87)}…` : text;
}

const HUGE = 100_000;

/**
 * Commands that would leave `marker` behind if any shell ran them. Every one is invalid in
 * every string field: each holds whitespace, a control character, a quote, a backtick, a
 * brace, `|` or `<`/`>`, none of which any rule accepts.
 */
export function shellAttacks(marker: string): string[] {
  return [
    `$(touch ${marker})`,
    `$(touch\${IFS}${marker})`,
    `\`touch ${marker}\``,
    `\`touch\${IFS}${marker}\``,
    `;touch ${marker}`,
    `x;touch\${IFS}${marker}`,
    `x|touch ${marker}`,
    `x||touch\${IFS}${marker}`,
    `x && touch ${marker}`,
    `x&&touch\${IFS}${marker}`,
    `x\ntouch ${marker}`,
    `x\r\ntouch ${marker}`,
    `x\0touch ${marker}`,
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `x>${marker}`,
    `x<${marker}`,
    `$(<${marker})`,
    `\${PATH}`,
  ];
}

/** Git (and ssh) options smuggled in as values; all start with '-'. */
export function optionAttacks(marker: string): string[] {
  return [
    `--upload-pack=touch ${marker}`,
    `--upload-pack=touch\${IFS}${marker}`,
    `-c core.sshCommand=touch ${marker}`,
    `-ccore.sshCommand=touch\${IFS}${marker}`,
    `--config=core.sshCommand=touch\${IFS}${marker}`,
    `-uTouch`,
    `--template=/tmp`,
    `-oProxyCommand=touch\${IFS}${marker}`,
    '--',
    '-',
  ];
}

/** Transports that run programs or read the host's disk, and paths that escape a folder. */
export function transportAttacks(marker: string): string[] {
  return [
    `ext::sh -c touch% ${marker}`,
    `ext::sh\${IFS}-c\${IFS}touch\${IFS}${marker}`,
    'fd::17',
    'file:///etc/passwd',
    'file://127.0.0.1/etc/passwd',
    'file:/etc/passwd',
    '../../../../etc/passwd',
    '..',
    '../x',
    'git@127.0.0.1:x.git',
    'git@evil.example.com:x.git',
  ];
}

/** Values of the wrong JSON type for a string field. */
const NOT_STRINGS: unknown[] = [
  0,
  1,
  -1,
  1.5,
  true,
  false,
  null,
  [],
  ['x'],
  {},
  { $ne: '' },
];

/** Strings that are not DNS labels: for `name` and `host`. */
function notDnsLabels(valid: string): string[] {
  return [
    '-app',
    'app-',
    '-',
    'App',
    valid.toUpperCase(),
    'a_b',
    'a.b',
    `${valid}.`,
    'a b',
    ` ${valid}`,
    `${valid} `,
    `${valid}\n`,
    `\n${valid}`,
    `${valid}\0`,
    `${valid}\t`,
    'a'.repeat(64),
    'x'.repeat(HUGE),
    '.',
    '..',
    '../..',
    'a/b',
    'a\\b',
    'a@b',
    'a:b',
    'a=b',
    '%2e%2e',
    // Cyrillic 'а', fullwidth letters, a zero-width space, a right-to-left override.
    '\u0430pp',
    '\uff41\uff50\uff50',
    `${valid}\u200b`,
    `\u202e${valid}`,
    `${valid}\u0301`,
  ];
}

/**
 * The corpus. `base` is a valid request; `marker` is a file that any shell running an
 * attack would create.
 */
export function hostileDeployCases(opts: {
  base: () => Record<string, unknown>;
  marker: string;
}): HostileCase[] {
  const { base, marker } = opts;
  const common = [
    ...HOSTILE_STRINGS,
    ...shellAttacks(marker),
    ...optionAttacks(marker),
    ...transportAttacks(marker),
  ];
  const cases: HostileCase[] = [];
  const seen = new Set<string>();
  const add = (
    field: DeployField,
    body: unknown,
    value: unknown,
    raw = false,
  ) => {
    const key = `${field}\u0000${raw ? body : JSON.stringify(value)}`;
    if (seen.has(key)) return;
    seen.add(key);
    cases.push({
      label: `${field} = ${describeValue(value)}`,
      field,
      body,
      raw,
      expected: EXPECTED[field],
    });
  };
  /** The base request with one top-level field replaced (or removed, for `undefined`). */
  const set = (key: string, value: unknown) => {
    const body = base();
    if (value === undefined) delete body[key];
    else body[key] = value;
    return body;
  };
  const field = (key: DeployField & string, values: unknown[]) => {
    for (const value of values) add(key, set(key, value), value);
  };
  /** Raw JSON for numbers that JSON.stringify would rewrite (Infinity, -0, 1e-400). */
  const rawNumber = (key: 'port' | 'container_port', text: string) => {
    const json = JSON.stringify(set(key, 424242)).replace('424242', text);
    add(key, json, `${text} (raw JSON)`, true);
  };
  const valid = base();

  // name: a DNS label.
  field('name', [
    ...common,
    ...notDnsLabels(String(valid.name)),
    ...NOT_STRINGS,
    undefined,
  ]);

  // repo: https/http/ssh URLs without credentials, from an allowed host.
  const url = 'https://127.0.0.1/x.git';
  field('repo', [
    ...common,
    `-${url}`,
    `--${url}`,
    ` ${url}`,
    `${url} `,
    `${url}\n`,
    `${url}\ntouch ${marker}`,
    `${url}\r`,
    `${url}\t`,
    `${url}\0`,
    `${url}\u007f`,
    `${url}\u00a0`,
    `${url}\u2028`,
    `${url}\u3000`,
    `\ufeff${url}`,
    `https://127.0.0.1/x .git`,
    `${url} $(touch ${marker})`,
    `${url};touch ${marker}`,
    `${url}|touch ${marker}`,
    `${url} && touch ${marker}`,
    `${url} --upload-pack=touch${marker}`,
    // Transports other than https, http and ssh, and things that are not URLs.
    'git://127.0.0.1/x.git',
    'ftp://127.0.0.1/x.git',
    'ftps://127.0.0.1/x.git',
    'rsync://127.0.0.1/x.git',
    'git+ssh://127.0.0.1/x.git',
    'ssh+git://127.0.0.1/x.git',
    'data:text/plain,x',
    // Data, never evaluated: a scheme the repo rule must refuse.
    // eslint-disable-next-line no-script-url
    'javascript:alert(1)',
    'ext::git-remote-ext',
    '/etc/passwd',
    './x.git',
    'x.git',
    '127.0.0.1:x.git',
    '127.0.0.1:/etc/passwd',
    'localhost:/etc/passwd',
    'user@127.0.0.1:/etc/passwd',
    'ssh://127.0.0.1:x/x.git',
    'https://',
    'https:///x.git',
    'https://[::1]/x.git',
    'https://127.0.0.1:99999/x.git',
    // Credentials in the URL.
    'https://user:pass@127.0.0.1/x.git',
    'https://token@127.0.0.1/x.git',
    'https://:secret@127.0.0.1/x.git',
    'http://user:pass@127.0.0.1/x.git',
    'ssh://git:pass@127.0.0.1/x.git',
    'https://x-access-token:ghp_0123456789@127.0.0.1/x.git',
    'https://127.0.0.1@evil.example.com/x.git',
    // Hosts that are not allowed (only 127.0.0.1 is).
    'https://evil.example.com/x.git',
    'http://evil.example.com/x.git',
    'ssh://git@evil.example.com/x.git',
    'https://127.0.0.1.evil.example.com/x.git',
    'https://evil.example.com#@127.0.0.1/x.git',
    'https://evil.example.com\\@127.0.0.1/x.git',
    'https://localhost/x.git',
    'https://169.254.169.254/latest/meta-data',
    'https://0.0.0.0/x.git',
    'https://127.0.0.2/x.git',
    'https://github.com.evil.example.com/x.git',
    'https://\uff45vil.example.com/x.git',
    `https://127.0.0.1/${'x'.repeat(HUGE)}`,
    ...NOT_STRINGS,
    undefined,
  ]);

  // ref: a Git ref name, printable ASCII, no leading '-'.
  field('ref', [
    ...common,
    '',
    '--orphan',
    '-b',
    'main..evil',
    '.',
    '.hidden',
    'a/.b',
    'a//b',
    '/main',
    'main/',
    'main.',
    'main.lock',
    'main@{1}',
    '@{-1}',
    'main~1',
    'main^',
    'main^{tree}',
    'main:evil',
    'HEAD:../../etc/passwd',
    'ma in',
    'main\n',
    'main\t',
    'main\0',
    'ma?n',
    'ma*n',
    'ma[n',
    'ma\\in',
    'main#x',
    'main%20',
    'main,x',
    "main'",
    'main"',
    'main;id',
    'main|id',
    'main&&id',
    'main`id`',
    'main$(id)',
    `refs/heads/$(touch${'${IFS}'}${marker})`,
    'héllo',
    'main\u202e',
    'x'.repeat(256),
    'x'.repeat(HUGE),
    ...NOT_STRINGS,
  ]);

  // port: an integer from 1024 (below are the host's own services) to 65535.
  const badPorts: unknown[] = [
    0,
    1,
    22,
    80,
    443,
    1023,
    -1,
    -8080,
    65536,
    70000,
    2 ** 31,
    2 ** 53,
    8080.5,
    1023.999,
    0.5,
    '8080',
    '0x1F90',
    '',
    ' ',
    `8080; touch ${marker}`,
    '$(id)',
    true,
    false,
    null,
    [],
    [8080],
    {},
    { $gt: 0 },
    undefined,
  ];
  field('port', badPorts);
  for (const text of ['1e400', '-1e400', '1e-400', '-0', '1e3'])
    rawNumber('port', text);

  // container_port: an integer from 1 to 65535.
  field('container_port', [
    0,
    -1,
    -80,
    65536,
    99999,
    8080.5,
    1e10,
    '8080',
    '80',
    `80; touch ${marker}`,
    true,
    null,
    [],
    [8080],
    {},
    undefined,
  ]);
  for (const text of ['1e400', '-1e400', '-0', '1e-400'])
    rawNumber('container_port', text);

  // health_path: an absolute URL path of printable URL characters, without '..'.
  field('health_path', [
    ...common,
    ...shellAttacks(marker).map(s => `/${s}`),
    ...HOSTILE_STRINGS.filter(s =>
      /[\s"\\<>{}|^`[\]#\u0080-\uffff]/.test(s),
    ).map(s => `/${s}`),
    'health',
    'http://evil.example.com/health',
    '//evil.example.com\\health',
    '/..',
    '/../../etc/passwd',
    '/a/../b',
    '/..?x',
    '/x?..',
    '/x?/..',
    '/health\n',
    '/health\r\nX-Injected: 1',
    '/health HTTP/1.1',
    '/health#x',
    '/héalth',
    '/health\u202e',
    `/${'x'.repeat(512)}`,
    `/${'x'.repeat(HUGE)}`,
    ...NOT_STRINGS,
  ]);

  // env names: [A-Z_][A-Z0-9_]*, at most 128 characters.
  const envWith = (entries: [string, unknown][]) => ({
    ...base(),
    env: Object.fromEntries([['GREETING', 'hello'], ...entries]),
  });
  for (const name of [
    ...common,
    'PATH;rm',
    'PATH;rm -rf /',
    'A=B',
    'A\nB',
    'A B',
    'A\0',
    'a',
    'path',
    'Path',
    '1ABC',
    '9',
    'A-B',
    'A.B',
    'A$B',
    'A\u202e',
    '\u00c4',
    'LD_PRELOAD\n',
    '--env-file',
    '-e',
    '__proto__',
    'constructor',
    'toString',
    'A'.repeat(129),
    'A'.repeat(HUGE),
  ]) {
    add('env name', envWith([[name, 'x']]), name);
  }

  // env values: strings, one line, no NUL, at most 8192 characters.
  for (const value of [
    ...common.filter(s => /[\n\r\0]/.test(s) || s.length > 8192),
    'a\nb',
    '\n',
    '\r',
    'x\nINJECTED=1',
    'x\r\nLD_PRELOAD=/tmp/evil.so',
    'x\0y',
    '\0',
    'x'.repeat(8193),
    'x'.repeat(HUGE),
    ...NOT_STRINGS,
  ]) {
    add('env value', envWith([['VALUE', value]]), value);
  }

  // env itself: an object of at most 100 variables.
  const manyVars = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`VAR_${i}`, 'x']));
  for (const env of [
    'A=B',
    '',
    `PATH=/tmp;touch ${marker}`,
    1,
    true,
    null,
    [],
    [['A', 'B']],
    ['A=B'],
    manyVars(101),
    manyVars(1000),
  ]) {
    add('env', set('env', env), env);
  }

  // host: a DNS label naming a configured host (only `test` is).
  field('host', [
    ...common,
    ...notDnsLabels(String(valid.host)),
    'localhost',
    'prod',
    'test2',
    'tes',
    'evil-example-com',
    '127-0-0-1',
    ...NOT_STRINGS,
    undefined,
  ]);

  // Fields the request does not have.
  for (const [key, value] of [
    ['extra', 'x'],
    ['privileged', true],
    ['volumes', ['/:/host']],
    ['command', `touch ${marker}`],
    ['entrypoint', ['sh', '-c', `touch ${marker}`]],
    ['user', 'root'],
    ['network', 'host'],
    ['pid', 'host'],
    ['cap_add', ['SYS_ADMIN']],
    ['devices', ['/dev/sda']],
    ['image', 'alpine'],
    ['build_args', { A: 'B' }],
    // dockerfile is a request field now (its cases are in hostileInput.test.ts); the column name is not.
    ['build_context', '/etc'],
    ['labels', { 'slipway.app': 'other' }],
    ['restart', 'always'],
    ['env_file', '/etc/shadow'],
    ['upload_pack', `touch ${marker}`],
    ['ssh_command', `touch ${marker}`],
    ['containerPort', 8080],
    ['healthPath', '/'],
    ['Name', 'x'],
    ['name ', 'x'],
    ['na\u200bme', 'x'],
    ['__proto__', { privileged: true }],
    ['constructor', { prototype: { privileged: true } }],
    ['prototype', {}],
    ['', 'x'],
    ['$where', '1'],
  ] as [string, unknown][]) {
    add(
      'unknown field',
      { ...base(), ...Object.fromEntries([[key, value]]) },
      {
        [key]: value,
      },
    );
  }

  // The request is not an object at all.
  add('request', [], []);
  add('request', [base()], [valid]);

  return cases;
}

/** Path values for `/apps/:name/...`: none is a DNS label once decoded. */
export function hostilePathNames(marker: string): string[] {
  return [
    '..',
    '../..',
    '../../etc/passwd',
    '-rf',
    '--help',
    'App',
    'a b',
    'a;ls',
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    'x|id',
    'x\nid',
    'x\0',
    '\u202eevil',
    '\u0430pp',
    '%',
    'a'.repeat(64),
    'x'.repeat(5000),
  ];
}

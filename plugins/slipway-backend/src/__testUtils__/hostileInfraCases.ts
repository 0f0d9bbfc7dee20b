import { HOSTILE_STRINGS } from '@slipway/test-harness';
import os from 'node:os';
import path from 'node:path';
import { uniqueSuffix } from './fixture';
import { shellAttacks } from './hostileValues';

/**
 * The requests of hostileInfra.test.ts: each hostile string in every parameter and body field
 * of the infra routes and `GET /hosts/:name`, each with the answer it must get.
 */

export const SUFFIX = uniqueSuffix();
const suffix = SUFFIX;
/** Any shell that ran one of the attacks would create this file. */
export const MARKER = path.join(os.tmpdir(), `slipway-hostile-infra-${suffix}`);
/** The file HOSTILE_STRINGS' own attacks would create. */
export const HARNESS_MARKER = '/tmp/slipway-pwned';
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
/** Every host name a request carries, for the final check. */
export const hostNames = new Set<string>();
/** A valid provision request with a name of its own, so a hole is a 202, not a conflict. */
export function provisionBody(): Record<string, unknown> {
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

export type InfraCase = {
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
): InfraCase {
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

/** The string fields of a provision request. */
function stringFieldCases(): InfraCase[] {
  const cases: InfraCase[] = [];
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
  return cases;
}

/** The lists and objects of a provision request, their entries, and unknown fields. */
function structuredFieldCases(): InfraCase[] {
  const cases: InfraCase[] = [];
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
function dryRunCases(): InfraCase[] {
  const cases: InfraCase[] = [];
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
function validTagCases(): InfraCase[] {
  const cases: InfraCase[] = [];
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

function otherRouteCases(): InfraCase[] {
  const cases: InfraCase[] = [];
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

export const INFRA_CASES: InfraCase[] = [
  ...stringFieldCases(),
  ...structuredFieldCases(),
  ...dryRunCases(),
  ...validTagCases(),
  ...otherRouteCases(),
];

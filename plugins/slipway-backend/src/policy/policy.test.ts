import { ConfigReader } from '@backstage/config';
import {
  deployRequestSchema,
  provisionRequestSchema,
} from '@slipway/plugin-slipway-common';
import {
  evaluateDeployPolicy,
  evaluateProvisionPolicy,
  policyErrorBody,
  readPolicyConfig,
} from './policy';

const policy = readPolicyConfig(
  new ConfigReader({
    slipway: {
      policy: {
        allowedRegions: ['eu-west-1', 'eu-central-1'],
        allowedInstanceTypes: ['t3.small', 't3.medium'],
        maxHostsPerOwner: 2,
        requiredTags: ['CostCenter', 'Team'],
        allowedPortRange: { from: 8000, to: 8999 },
        allowedRepoHosts: ['github.com', 'git.example.com:8443'],
      },
    },
  }),
);

const provision = (overrides: object = {}) =>
  provisionRequestSchema.parse({
    name: 'docker-1',
    owner: 'group:platform-team',
    region: 'eu-west-1',
    instance_type: 't3.small',
    ssh_cidrs: ['203.0.113.0/24'],
    app_ports: { from: 8000, to: 8100 },
    tags: { CostCenter: 'cc-1', Team: 'platform' },
    ...overrides,
  });

const deploy = (overrides: object = {}) =>
  deployRequestSchema.parse({
    name: 'hello',
    repo: 'https://github.com/acme/hello.git',
    port: 8080,
    container_port: 80,
    host: 'docker-1',
    ...overrides,
  });

const rules = (violations: { rule: string }[]) => violations.map(v => v.rule);

describe('provision policy', () => {
  it('allows a request within every rule', () => {
    expect(
      evaluateProvisionPolicy(policy, provision(), { hostsOwnedByOwner: 1 }),
    ).toEqual([]);
  });

  it.each([
    [
      'region.allowed',
      { region: 'us-east-1' },
      /region us-east-1 is not allowed \(allowed: eu-west-1, eu-central-1\)/,
    ],
    [
      'instance-type.allowed',
      { instance_type: 'm5.24xlarge' },
      /instance_type m5.24xlarge is not allowed/,
    ],
    [
      'tags.required',
      { tags: { CostCenter: 'cc-1' } },
      /tags must include Team/,
    ],
    [
      'ports.allowed-range',
      { app_ports: { from: 3000, to: 8100 } },
      /must lie within 8000-8999/,
    ],
    [
      'ssh.no-open-cidr',
      { ssh_cidrs: ['0.0.0.0/0'] },
      /must not open SSH to the world \(0\.0\.0\.0\/0\)/,
    ],
  ])('denies %s', (rule, overrides, message) => {
    const violations = evaluateProvisionPolicy(policy, provision(overrides), {
      hostsOwnedByOwner: 0,
    });
    expect(violations).toEqual([
      { rule, message: expect.stringMatching(message) },
    ]);
  });

  it('denies an owner at the host limit, and allows one below it', () => {
    expect(
      rules(
        evaluateProvisionPolicy(policy, provision(), { hostsOwnedByOwner: 2 }),
      ),
    ).toEqual(['owner.max-hosts']);
    expect(
      evaluateProvisionPolicy(policy, provision(), { hostsOwnedByOwner: 1 }),
    ).toEqual([]);
  });

  it('lists every broken rule at once', () => {
    const violations = evaluateProvisionPolicy(
      policy,
      provision({
        region: 'us-east-1',
        instance_type: 'x1.large',
        ssh_cidrs: ['0.0.0.0/0'],
        tags: {},
      }),
      { hostsOwnedByOwner: 5 },
    );
    expect(rules(violations)).toEqual([
      'region.allowed',
      'instance-type.allowed',
      'owner.max-hosts',
      'tags.required',
      'ssh.no-open-cidr',
    ]);
    const body = policyErrorBody(violations);
    expect(body.error.message).toContain('[region.allowed]');
    expect(body.error.violations).toHaveLength(5);
    expect(body.response.statusCode).toBe(400);
  });

  it('allows everything but open SSH when no policy is configured', () => {
    const open = readPolicyConfig(new ConfigReader({}));
    expect(
      evaluateProvisionPolicy(
        open,
        provision({ region: 'ap-south-1', tags: { CostCenter: 'x' } }),
        { hostsOwnedByOwner: 99 },
      ),
    ).toEqual([]);
    // The module's own required tag is checked even without a policy.
    expect(
      rules(
        evaluateProvisionPolicy(open, provision({ tags: {} }), {
          hostsOwnedByOwner: 0,
        }),
      ),
    ).toEqual(['tags.required']);
    expect(
      rules(
        evaluateProvisionPolicy(open, provision({ ssh_cidrs: ['0.0.0.0/0'] }), {
          hostsOwnedByOwner: 0,
        }),
      ),
    ).toEqual(['ssh.no-open-cidr']);
  });
});

describe('deploy policy', () => {
  it('allows an allowed repo host and port', () => {
    expect(evaluateDeployPolicy(policy, deploy({ port: 8080 }))).toEqual([]);
    expect(
      evaluateDeployPolicy(
        policy,
        deploy({ repo: 'https://git.example.com:8443/a/b.git', port: 8999 }),
      ),
    ).toEqual([]);
  });

  it('denies other repo hosts and ports outside the range', () => {
    expect(
      rules(
        evaluateDeployPolicy(
          policy,
          deploy({ repo: 'https://evil.example.com/a.git', port: 9000 }),
        ),
      ),
    ).toEqual(['repo.allowed-host', 'ports.allowed-range']);
    // The port is part of the host identity when the allow-list says so.
    expect(
      rules(
        evaluateDeployPolicy(
          policy,
          deploy({ repo: 'https://git.example.com/a/b.git' }),
        ),
      ),
    ).toEqual(['repo.allowed-host']);
  });

  it('defaults repo hosts to the integrations and the big three', () => {
    const fromIntegrations = readPolicyConfig(
      new ConfigReader({
        integrations: { gitlab: [{ host: 'gitlab.acme.io', token: 't' }] },
      }),
    );
    expect(fromIntegrations.allowedRepoHosts).toEqual([
      'github.com',
      'gitlab.com',
      'bitbucket.org',
      'gitlab.acme.io',
    ]);
  });
});

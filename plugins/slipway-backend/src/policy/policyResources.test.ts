import { ConfigReader } from '@backstage/config';
import { deployRequestSchema } from '@slipway/plugin-slipway-common';
import { evaluateDeployPolicy, readPolicyConfig } from './policy';

const bounded = (policy: object) =>
  readPolicyConfig(
    new ConfigReader({
      slipway: { policy: { allowedRepoHosts: ['github.com'], ...policy } },
    }),
  );

const deploy = (overrides: object = {}) =>
  deployRequestSchema.parse({
    name: 'hello',
    repo: 'https://github.com/acme/hello.git',
    port: 8080,
    container_port: 8080,
    host: 'local',
    ...overrides,
  });

describe('deploy policy: resources', () => {
  const policy = bounded({ maxMemory: '1g', maxCpus: 2 });

  it('allows limits up to the bounds, in any of Docker units', () => {
    for (const memory of ['1g', '1024m', '1048576k', '256m']) {
      expect(evaluateDeployPolicy(policy, deploy({ memory, cpus: 2 }))).toEqual(
        [],
      );
    }
  });

  it('names the rule and the bound when a limit is over it', () => {
    expect(
      evaluateDeployPolicy(policy, deploy({ memory: '1025m', cpus: 2.01 })),
    ).toEqual([
      {
        rule: 'resources.max-memory',
        message: 'memory 1025m is more than the allowed 1g',
      },
      {
        rule: 'resources.max-cpus',
        message: 'cpus 2.01 is more than the allowed 2',
      },
    ]);
  });

  it('requires limits once the policy bounds them', () => {
    expect(evaluateDeployPolicy(policy, deploy())).toEqual([
      {
        rule: 'resources.max-memory',
        message: 'memory is required (at most 1g)',
      },
      { rule: 'resources.max-cpus', message: 'cpus is required (at most 2)' },
    ]);
  });

  it('bounds nothing without the keys', () => {
    expect(
      evaluateDeployPolicy(bounded({}), deploy({ memory: '64g', cpus: 64 })),
    ).toEqual([]);
  });

  it('refuses a maxMemory it could never honour, naming the key', () => {
    expect(() => bounded({ maxMemory: 'lots' })).toThrow(
      /^slipway\.policy\.maxMemory: must be a memory size such as 512m or 2g/,
    );
  });
});

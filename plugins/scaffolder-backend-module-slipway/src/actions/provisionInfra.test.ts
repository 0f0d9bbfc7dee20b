import { mockCredentials } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import {
  contextWithCheckpoints,
  startSlipwayBackend,
  taskLog,
} from '../__testUtils__/slipwayBackend';
import { DRY_RUN_ID } from './deployApp';
import { createProvisionInfraAction } from './provisionInfra';
import { examples } from './provisionInfra.examples';

jest.setTimeout(120_000);

describe('slipway:provision-infra', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  let backend: Awaited<ReturnType<typeof startSlipwayBackend>>;
  let action: ReturnType<typeof createProvisionInfraAction>;

  beforeAll(async () => {
    backend = await startSlipwayBackend();
    action = createProvisionInfraAction({ client: backend.client });
  });
  afterAll(() => backend?.stop());

  const request = (name: string, overrides: object = {}) => ({
    name,
    owner: 'group:platform-team',
    region: 'eu-west-1',
    instance_type: 't3.small',
    ssh_cidrs: ['203.0.113.0/24'],
    tags: { CostCenter: 'cc-1' },
    ...overrides,
  });

  const hostDetails = (name: string) =>
    backend.client
      .request<any>(mockCredentials.user(), 'GET', `/hosts/${name}`)
      .catch((e: Error) => e.name);

  it('provisions through the backend, streams plan and apply progress, and outputs the address', async () => {
    const name = `host-${suffix}`;
    const ctx = contextWithCheckpoints(request(name));
    const log = taskLog(ctx);
    await action.handler(ctx as any);

    expect(ctx.output).toHaveBeenCalledWith('host', name);
    expect(ctx.output).toHaveBeenCalledWith(
      'address',
      backend.harness.ssh.host,
    );
    const messages = log.map(l => l.message);
    const at = (p: RegExp) => messages.findIndex(m => p.test(m));
    const order = [
      /^Provisioning host /,
      /^Provisioning job .* started$/,
      /[Pp]lan/,
      /aws_instance\.host/,
      /^Host .* is ready at/,
    ].map(at);
    expect(order.every(i => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const details = await hostDetails(name);
    expect(details.host).toMatchObject({ name, usable: true });
    expect(details.jobs[0]).toMatchObject({
      status: 'succeeded',
      initiator: 'user:default/mock',
    });
  });

  it('fails on a policy violation with every rule, and provisions nothing', async () => {
    const name = `bad-${suffix}`;
    const ctx = contextWithCheckpoints(
      request(name, { region: 'us-east-1', tags: {} }),
    );
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toThrow(/Policy check failed/);
    await expect(failure).rejects.toThrow(/\[region/);
    await expect(failure).rejects.toThrow(/CostCenter/);
    expect(await hostDetails(name)).toBe('NotFoundError');
  });

  it('fails naming each field and rule of a malformed request', async () => {
    const ctx = contextWithCheckpoints(
      request(`x-${suffix}`, {
        ssh_cidrs: ['0.0.0.0/0; rm -rf /'],
        owner: 'me',
      }),
    );
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toThrow(
      /ssh_cidrs\.0: ssh_cidrs entries must be IPv4 CIDR blocks/,
    );
    await expect(failure).rejects.toThrow(
      /owner: owner must be an entity reference/,
    );
  });

  it('dry run: validation and policy only, plausible outputs, nothing provisioned', async () => {
    const name = `dry-${suffix}`;
    const ctx = contextWithCheckpoints(request(name), new Map(), {
      isDryRun: true,
    });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('jobId', DRY_RUN_ID);
    expect(ctx.output).toHaveBeenCalledWith('host', name);
    expect(await hostDetails(name)).toBe('NotFoundError');
  });

  it.each(examples.map(e => [e.description, e]))(
    'example passes validation and policy in a dry run: %s',
    async (_d, example) => {
      const step = yaml.parse(example.example).steps[0];
      const ctx = contextWithCheckpoints(step.input, new Map(), {
        isDryRun: true,
      });
      await action.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('host', step.input.name);
    },
  );
});

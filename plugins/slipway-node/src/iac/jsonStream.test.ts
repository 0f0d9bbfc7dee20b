import {
  describeChangeSummary,
  describeDiagnostic,
  describeEvent,
  formatElapsed,
} from './describeEvent';
import {
  isSupportedUiVersion,
  parseLine,
  parseStream,
  TfEvent,
} from './jsonStream';
import { TfStreamCollector } from './streamCollector';

const res = (addr: string, type: string, name: string) => ({
  addr,
  module: '',
  resource: addr,
  implied_provider: type.split('_')[0],
  resource_type: type,
  resource_name: name,
  resource_key: null,
});

const HOST = res('aws_instance.host', 'aws_instance', 'host');
const SG = res('aws_security_group.ssh', 'aws_security_group', 'ssh');
const at = (second: number) =>
  `2026-03-02T10:15:${String(second).padStart(2, '0')}.123456Z`;
const line = (
  second: number,
  type: string,
  message: string,
  fields: Record<string, unknown> = {},
  level = 'info',
) =>
  JSON.stringify({
    '@level': level,
    '@message': message,
    '@module': 'terraform.ui',
    '@timestamp': at(second),
    ...fields,
    type,
  });

/**
 * What `terraform plan -json` then `terraform apply -json <planfile>` print for a module with a
 * security group and an instance, one provider log line that is not JSON, and a warning.
 */
const PLAN_STREAM = [
  line(0, 'version', 'Terraform 1.9.8', { terraform: '1.9.8', ui: '1.2' }),
  line(1, 'refresh_start', 'aws_security_group.ssh: Refreshing state...', {
    hook: { resource: SG },
  }),
  line(1, 'resource_drift', 'aws_security_group.ssh: Drift detected (update)', {
    change: { resource: SG, action: 'update' },
  }),
  line(2, 'planned_change', 'aws_instance.host: Plan to create', {
    change: { resource: HOST, action: 'create' },
  }),
  line(2, 'planned_change', 'aws_security_group.ssh: Plan to update', {
    change: { resource: SG, action: 'update' },
  }),
  line(
    2,
    'diagnostic',
    'Warning: Argument is deprecated',
    {
      diagnostic: {
        severity: 'warning',
        summary: 'Argument is deprecated',
        detail:
          'Use the aws_vpc_security_group_ingress_rule resource\ninstead.',
        address: 'aws_security_group.ssh',
        range: {
          filename: 'main.tf',
          start: { line: 12, column: 3, byte: 210 },
          end: { line: 12, column: 10, byte: 217 },
        },
        snippet: {
          context: 'resource "aws_security_group" "ssh"',
          code: '  ingress {',
          start_line: 12,
          highlight_start_offset: 2,
          highlight_end_offset: 9,
          values: [],
        },
      },
    },
    'warn',
  ),
  line(3, 'change_summary', 'Plan: 1 to add, 1 to change, 0 to destroy.', {
    changes: { add: 1, change: 1, import: 0, remove: 0, operation: 'plan' },
  }),
  line(3, 'outputs', 'Outputs: 1', {
    outputs: { public_ip: { sensitive: false, action: 'create' } },
  }),
].join('\n');

const APPLY_STREAM = [
  line(10, 'version', 'Terraform 1.9.8', { terraform: '1.9.8', ui: '1.2' }),
  line(10, 'apply_start', 'aws_security_group.ssh: Modifying... [id=sg-0f1e]', {
    hook: { resource: SG, action: 'update', id_key: 'id', id_value: 'sg-0f1e' },
  }),
  line(10, 'apply_start', 'aws_instance.host: Creating...', {
    hook: { resource: HOST, action: 'create' },
  }),
  '2026-03-02T10:15:11.000Z [WARN]  provider.terraform-provider-aws: slow API response\r',
  line(
    11,
    'apply_complete',
    'aws_security_group.ssh: Modifications complete after 1s [id=sg-0f1e]',
    {
      hook: {
        resource: SG,
        action: 'update',
        id_key: 'id',
        id_value: 'sg-0f1e',
        elapsed_seconds: 1,
      },
    },
  ),
  line(
    20,
    'apply_progress',
    'aws_instance.host: Still creating... [10s elapsed]',
    {
      hook: { resource: HOST, action: 'create', elapsed_seconds: 10 },
    },
  ),
  '',
  line(
    42,
    'apply_complete',
    'aws_instance.host: Creation complete after 32s [id=i-0abc]',
    {
      hook: {
        resource: HOST,
        action: 'create',
        id_key: 'id',
        id_value: 'i-0abc',
        elapsed_seconds: 32,
      },
    },
  ),
  line(
    42,
    'change_summary',
    'Apply complete! Resources: 1 added, 1 changed, 0 destroyed.',
    {
      changes: { add: 1, change: 1, import: 0, remove: 0, operation: 'apply' },
    },
  ),
  line(42, 'outputs', 'Outputs: 1', {
    outputs: {
      public_ip: { sensitive: false, type: 'string', value: '198.51.100.7' },
    },
  }),
].join('\n');

const describeAll = (events: TfEvent[]) =>
  events.map(describeEvent).filter((l): l is string => l !== undefined);

describe('parseLine', () => {
  it('parses a message into its type and keeps the common fields', () => {
    const event = parseLine(
      line(0, 'version', 'Terraform 1.9.8', { terraform: '1.9.8', ui: '1.2' }),
    );
    expect(event).toEqual({
      '@level': 'info',
      '@message': 'Terraform 1.9.8',
      '@module': 'terraform.ui',
      '@timestamp': at(0),
      terraform: '1.9.8',
      ui: '1.2',
      type: 'version',
    });
  });

  it('passes lines that are not JSON through as plain lines', () => {
    expect(parseLine('panic: runtime error')).toEqual({
      type: 'plain',
      text: 'panic: runtime error',
    });
    expect(parseLine('{not json')).toEqual({
      type: 'plain',
      text: '{not json',
    });
    expect(parseLine('[1,2]')).toEqual({ type: 'plain', text: '[1,2]' });
    expect(parseLine('with CR\r')).toEqual({ type: 'plain', text: 'with CR' });
  });

  it('treats JSON without a string type as a plain line', () => {
    expect(parseLine('{"a":1}')).toEqual({ type: 'plain', text: '{"a":1}' });
    expect(parseLine('{"type":3}')).toEqual({
      type: 'plain',
      text: '{"type":3}',
    });
  });

  it('keeps messages of unknown types, and of known types with a bad payload, as unknown', () => {
    const future = parseLine(
      line(0, 'test_run', 'main.tftest.hcl... pass', { test_run: {} }),
    );
    expect(future).toMatchObject({
      type: 'unknown',
      rawType: 'test_run',
      '@message': 'main.tftest.hcl... pass',
    });
    const broken = parseLine(line(0, 'apply_start', 'x: Creating...', {}));
    expect(broken).toMatchObject({ type: 'unknown', rawType: 'apply_start' });
    expect(describeEvent(broken)).toBe('x: Creating...');
  });

  it('gives a diagnostic without detail an empty detail', () => {
    const event = parseLine(
      line(
        0,
        'diagnostic',
        'Error: execution halted',
        { diagnostic: { severity: 'error', summary: 'execution halted' } },
        'error',
      ),
    );
    expect(event.type === 'diagnostic' && event.diagnostic.detail).toBe('');
  });

  it('ignores fields it does not know (forward compatibility)', () => {
    const event = parseLine(
      line(0, 'log', 'hello', { something_new: { a: 1 } }),
    );
    expect(event.type).toBe('log');
    expect(describeEvent(event)).toBe('hello');
  });
});

describe('describeEvent on a recorded-looking plan and apply', () => {
  it('turns the plan stream into progress lines', () => {
    expect(describeAll(parseStream(PLAN_STREAM))).toEqual([
      'Terraform 1.9.8',
      'aws_security_group.ssh: Refreshing state...',
      'aws_security_group.ssh: Drift detected (update)',
      'aws_instance.host: Plan to create',
      'aws_security_group.ssh: Plan to update',
      'Warning: Argument is deprecated: Use the aws_vpc_security_group_ingress_rule resource instead.',
      'Plan: 1 to add, 1 to change, 0 to destroy.',
      'Outputs: 1',
    ]);
  });

  it('turns the apply stream into progress lines, non-JSON lines included', () => {
    expect(describeAll(parseStream(APPLY_STREAM))).toEqual([
      'Terraform 1.9.8',
      'aws_security_group.ssh: Modifying... [id=sg-0f1e]',
      'aws_instance.host: Creating...',
      '2026-03-02T10:15:11.000Z [WARN]  provider.terraform-provider-aws: slow API response',
      'aws_security_group.ssh: Modifications complete after 1s [id=sg-0f1e]',
      'aws_instance.host: Still creating... [10s elapsed]',
      'aws_instance.host: Creation complete after 32s [id=i-0abc]',
      'Apply complete! Resources: 1 added, 1 changed, 0 destroyed.',
      'Outputs: 1',
    ]);
  });

  it('describes destroy, errors, refreshes and provisioners as Terraform words them', () => {
    const hook = (type: string, fields: Record<string, unknown>) =>
      describeEvent(
        parseLine(line(0, type, '', { hook: { resource: HOST, ...fields } })),
      );
    expect(
      hook('apply_start', {
        action: 'delete',
        id_key: 'id',
        id_value: 'i-0abc',
      }),
    ).toBe('aws_instance.host: Destroying... [id=i-0abc]');
    expect(
      hook('apply_complete', { action: 'delete', elapsed_seconds: 65 }),
    ).toBe('aws_instance.host: Destruction complete after 1m5s');
    expect(
      hook('apply_errored', { action: 'create', elapsed_seconds: 2 }),
    ).toBe('aws_instance.host: Creation errored after 2s');
    expect(hook('refresh_complete', { id_key: 'id', id_value: 'i-0abc' })).toBe(
      'aws_instance.host: Refresh complete [id=i-0abc]',
    );
    expect(hook('provision_start', { provisioner: 'remote-exec' })).toBe(
      "aws_instance.host: Provisioning with 'remote-exec'...",
    );
    expect(
      hook('provision_progress', {
        provisioner: 'remote-exec',
        output: 'Connected!\n',
      }),
    ).toBe('aws_instance.host: (remote-exec): Connected!');
    expect(hook('provision_errored', { provisioner: 'remote-exec' })).toBe(
      'aws_instance.host: (remote-exec) Provisioning errored',
    );
  });

  it('puts a multi-line log message (Terraform’s interrupt notice) on one line', () => {
    const event = parseLine(
      line(
        0,
        'log',
        '\nInterrupt received.\nPlease wait for Terraform to exit or data loss may occur.\nGracefully shutting down...\n',
      ),
    );
    expect(describeEvent(event)).toBe(
      'Interrupt received. Please wait for Terraform to exit or data loss may occur. Gracefully shutting down...',
    );
  });

  it('has no line for blank input', () => {
    expect(describeEvent(parseLine(''))).toBeUndefined();
    expect(describeEvent(parseLine('   '))).toBeUndefined();
    expect(describeEvent(parseLine(line(0, 'log', ' \n ')))).toBeUndefined();
  });
});

describe('describeChangeSummary', () => {
  it('words plan, apply and destroy summaries exactly as Terraform', () => {
    const c = { add: 3, change: 0, remove: 0 };
    expect(describeChangeSummary({ ...c, operation: 'plan' })).toBe(
      'Plan: 3 to add, 0 to change, 0 to destroy.',
    );
    expect(describeChangeSummary({ ...c, import: 2, operation: 'plan' })).toBe(
      'Plan: 2 to import, 3 to add, 0 to change, 0 to destroy.',
    );
    expect(describeChangeSummary({ ...c, operation: 'apply' })).toBe(
      'Apply complete! Resources: 3 added, 0 changed, 0 destroyed.',
    );
    expect(describeChangeSummary({ ...c, import: 1, operation: 'apply' })).toBe(
      'Apply complete! Resources: 1 imported, 3 added, 0 changed, 0 destroyed.',
    );
    expect(
      describeChangeSummary({
        add: 0,
        change: 0,
        remove: 4,
        operation: 'destroy',
      }),
    ).toBe('Destroy complete! Resources: 4 destroyed.');
  });
});

describe('describeDiagnostic', () => {
  it('is "Error: summary: detail", or without detail when there is none', () => {
    expect(
      describeDiagnostic({
        severity: 'error',
        summary: 'creating EC2 Instance',
        detail: 'operation error EC2: RunInstances,\n  api error Unauthorized',
      }),
    ).toBe(
      'Error: creating EC2 Instance: operation error EC2: RunInstances, api error Unauthorized',
    );
    expect(
      describeDiagnostic({
        severity: 'error',
        summary: 'execution halted',
        detail: '',
      }),
    ).toBe('Error: execution halted');
    expect(
      describeDiagnostic({
        severity: 'warning',
        summary: 'Deprecated',
        detail: 'x',
      }),
    ).toBe('Warning: Deprecated: x');
  });
});

describe('formatElapsed', () => {
  it('prints seconds as Go durations', () => {
    expect(formatElapsed(0)).toBe('0s');
    expect(formatElapsed(32)).toBe('32s');
    expect(formatElapsed(60)).toBe('1m0s');
    expect(formatElapsed(125)).toBe('2m5s');
    expect(formatElapsed(3600)).toBe('1h0m0s');
    expect(formatElapsed(3725.9)).toBe('1h2m5s');
  });
});

describe('isSupportedUiVersion', () => {
  it('accepts major version 1 only', () => {
    expect(isSupportedUiVersion('1.0')).toBe(true);
    expect(isSupportedUiVersion('1.2')).toBe(true);
    expect(isSupportedUiVersion('2.0')).toBe(false);
    expect(isSupportedUiVersion('0.1.0')).toBe(false);
  });
});

describe('TfStreamCollector', () => {
  it('sums up a plan: versions, summary, warnings', () => {
    const collector = new TfStreamCollector();
    parseStream(PLAN_STREAM).forEach(e => collector.add(e));
    expect(collector.toolVersion).toBe('1.9.8');
    expect(collector.uiVersion).toBe('1.2');
    expect(collector.summary).toEqual({
      add: 1,
      change: 1,
      remove: 0,
      import: 0,
      operation: 'plan',
    });
    expect(collector.errors()).toEqual([]);
    expect(collector.warnings()).toEqual([
      {
        severity: 'warning',
        summary: 'Argument is deprecated',
        detail:
          'Use the aws_vpc_security_group_ingress_rule resource\ninstead.',
        address: 'aws_security_group.ssh',
        range: {
          filename: 'main.tf',
          start: { line: 12, column: 3, byte: 210 },
          end: { line: 12, column: 10, byte: 217 },
        },
      },
    ]);
  });

  it('sums up an apply: the finished resources and the last summary', () => {
    const collector = new TfStreamCollector();
    parseStream(APPLY_STREAM).forEach(e => collector.add(e));
    expect(collector.applied).toEqual([
      {
        address: 'aws_security_group.ssh',
        action: 'update',
        idKey: 'id',
        idValue: 'sg-0f1e',
        elapsedSeconds: 1,
      },
      {
        address: 'aws_instance.host',
        action: 'create',
        idKey: 'id',
        idValue: 'i-0abc',
        elapsedSeconds: 32,
      },
    ]);
    expect(collector.summary?.operation).toBe('apply');
  });

  it('reports each error once (Terraform repeats "execution halted")', () => {
    const collector = new TfStreamCollector();
    const halted = line(
      0,
      'diagnostic',
      'Error: execution halted',
      {
        diagnostic: {
          severity: 'error',
          summary: 'execution halted',
          detail: '',
        },
      },
      'error',
    );
    parseStream([halted, halted, halted].join('\n')).forEach(e =>
      collector.add(e),
    );
    expect(collector.errors()).toEqual([
      { severity: 'error', summary: 'execution halted', detail: '' },
    ]);
  });
});

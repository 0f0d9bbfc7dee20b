import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  HOSTILE_STRINGS,
  installTerraformStandIn,
  TERRAFORM_STANDIN_LOG_ENV,
  TERRAFORM_STANDIN_SCENARIO_ENV,
} from '@slipway/test-harness';
import {
  IacCancelledError,
  IacCommandError,
  IacToolMissingError,
  IacWorkDirError,
} from './errors';
import { MASK } from './mask';
import { TerraformRunner } from './TerraformRunner';

/** What the stand-in appends to its log: one record per invocation, signal and exit. */
type LogRecord = {
  pid: number;
  argv?: string[];
  tfEnv?: Record<string, string>;
  varFiles?: Array<{ path: string; mode?: string; content?: unknown }>;
  event?: 'signal' | 'exit';
  signal?: string;
  code?: number;
};

const SECRET = 'hcloud-token-5f2a9c7e';

const SCENARIO = {
  variables: {
    host_name: { required: true },
    api_token: { required: true, sensitive: true },
    hostile: {},
  },
  resources: [
    {
      address: 'hcloud_server.host',
      id: 'srv-1001',
      provisionerOutput: 'cloud-init got token ${var.api_token}',
    },
    { address: 'hcloud_firewall.ssh', id: 'fw-2002' },
  ],
  outputs: {
    ipv4: { value: '203.0.113.10' },
    server_id: { fromResource: 'hcloud_server.host' },
    token: { fromVariable: 'api_token', sensitive: true },
  },
};

const VARIABLES = {
  host_name: 'docker-1',
  api_token: SECRET,
  hostile: [...HOSTILE_STRINGS],
};

describe('TerraformRunner (against the stand-in)', () => {
  let root: string;
  let workDir: string;
  let binary: string;
  let logFile: string;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-iac-'));
    workDir = path.join(root, 'work');
    await fs.mkdir(workDir);
    await fs.mkdir(path.join(root, 'bin'));
    binary = await installTerraformStandIn(path.join(root, 'bin'));
    logFile = path.join(root, 'standin.log');
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const envFor = (scenario: object) => ({
    [TERRAFORM_STANDIN_SCENARIO_ENV]: JSON.stringify(scenario),
    [TERRAFORM_STANDIN_LOG_ENV]: logFile,
  });

  async function readLog(): Promise<LogRecord[]> {
    const text = await fs.readFile(logFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(l => l !== '')
      .map(l => JSON.parse(l) as LogRecord);
  }

  const invocations = async () => (await readLog()).filter(r => r.argv);

  function setup(scenario: object = SCENARIO, killGraceMs?: number) {
    const runner = new TerraformRunner({
      binary,
      killGraceMs,
      env: envFor(scenario),
    });
    const lines: string[] = [];
    const call = {
      workDir,
      onProgress: (l: string) => lines.push(l),
    };
    return { runner, lines, call };
  }

  it('runs init, plan, show, apply and output, with progress lines', async () => {
    const { runner, lines, call } = setup();

    await runner.init(call);
    expect(lines).toContain('Terraform has been successfully initialized!');

    const plan = await runner.plan({
      ...call,
      variables: VARIABLES,
      sensitiveVars: ['api_token'],
    });
    expect(plan).toEqual({
      planFile: path.join(workDir, 'slipway.tfplan'),
      summary: { add: 2, change: 0, remove: 0, import: 0 },
      hasChanges: true,
      resourceChanges: [
        {
          address: 'hcloud_server.host',
          type: 'hcloud_server',
          name: 'host',
          actions: ['create'],
        },
        {
          address: 'hcloud_firewall.ssh',
          type: 'hcloud_firewall',
          name: 'ssh',
          actions: ['create'],
        },
      ],
      diagnostics: [],
    });
    expect(lines).toContain('hcloud_server.host: Plan to create');
    expect(lines).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');

    const apply = await runner.apply(plan.planFile, call);
    expect(lines).toContain('hcloud_server.host: Creating...');
    expect(lines).toContain(
      'hcloud_server.host: Creation complete after 0s [id=srv-1001]',
    );
    expect(lines).toContain(
      'hcloud_firewall.ssh: Creation complete after 0s [id=fw-2002]',
    );
    expect(lines).toContain(
      'Apply complete! Resources: 2 added, 0 changed, 0 destroyed.',
    );
    expect(apply.summary).toEqual({ add: 2, change: 0, remove: 0, import: 0 });
    expect(apply.resources.map(r => [r.address, r.action, r.idValue])).toEqual([
      ['hcloud_server.host', 'create', 'srv-1001'],
      ['hcloud_firewall.ssh', 'create', 'fw-2002'],
    ]);

    expect(await runner.outputs(call)).toEqual({
      ipv4: { value: '203.0.113.10', sensitive: false, type: 'string' },
      server_id: { value: 'srv-1001', sensitive: false, type: 'string' },
      token: { value: SECRET, sensitive: true, type: 'string' },
    });

    // The subcommands and their argv, as documented for automation.
    const argvs = (await invocations()).map(r => r.argv!);
    expect(argvs).toEqual([
      ['init', '-input=false', '-no-color', '-json'],
      [
        'plan',
        '-input=false',
        '-no-color',
        '-json',
        `-out=${plan.planFile}`,
        `-var-file=${path.join(workDir, 'slipway.auto.tfvars.json')}`,
      ],
      ['show', '-json', plan.planFile],
      ['apply', '-input=false', '-no-color', '-json', plan.planFile],
      ['output', '-no-color', '-json'],
    ]);
    for (const record of await invocations()) {
      expect(record.tfEnv).toMatchObject({
        TF_IN_AUTOMATION: '1',
        TF_INPUT: '0',
      });
    }
    // Neither the var file nor the applied plan (both hold the token) stay behind.
    expect((await fs.readdir(workDir)).sort()).toEqual([
      '.terraform',
      'terraform.tfstate',
    ]);
  });

  it('passes variables in a 0600 var file, never in argv, and masks sensitive values', async () => {
    const { runner, lines, call } = setup();
    await runner.init(call);
    const plan = await runner.plan({
      ...call,
      variables: VARIABLES,
      sensitiveVars: ['api_token'],
    });
    await runner.apply(plan.planFile, call);
    await runner.destroy({
      ...call,
      variables: VARIABLES,
      sensitiveVars: ['api_token'],
    });

    const records = await invocations();
    const withVarFiles = records.filter(r => r.varFiles!.length > 0);
    expect(withVarFiles.map(r => r.argv![0])).toEqual(['plan', 'destroy']);
    for (const record of withVarFiles) {
      expect(record.varFiles).toEqual([
        {
          path: path.join(workDir, 'slipway.auto.tfvars.json'),
          mode: '600',
          content: VARIABLES, // every hostile string arrives unchanged
        },
      ]);
    }
    for (const record of records) {
      expect(record.argv!.join(' ')).not.toContain(SECRET);
      expect(
        record.argv!.some(a => a === '-var' || a.startsWith('-var=')),
      ).toBe(false);
    }

    // The stand-in's provisioner echoes the token, as a careless script would.
    expect(lines).toContain(
      `hcloud_server.host: (local-exec): cloud-init got token ${MASK}`,
    );
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(JSON.stringify(plan)).not.toContain(SECRET);
  });

  it('masks sensitive values in errors too', async () => {
    const { runner, call } = setup({
      ...SCENARIO,
      failures: [
        {
          at: 'plan',
          summary: 'Invalid provider configuration',
          detail: `The token "${SECRET}" was refused by the API.`,
        },
      ],
    });
    await runner.init(call);
    const error = await runner
      .plan({ ...call, variables: VARIABLES, sensitiveVars: ['api_token'] })
      .catch(e => e);
    expect(error).toBeInstanceOf(IacCommandError);
    expect(error.message).toContain(`The token "${MASK}" was refused`);
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error.diagnostics)).not.toContain(SECRET);
  });

  it('surfaces the diagnostic summary and detail of a failed apply', async () => {
    const { runner, lines, call } = setup({
      ...SCENARIO,
      failures: [
        {
          at: 'apply',
          resource: 'hcloud_firewall.ssh',
          summary: 'Error creating firewall',
          detail:
            'Quota exceeded: project slipway may have at most 5 firewalls.',
        },
      ],
    });
    await runner.init(call);
    const plan = await runner.plan({ ...call, variables: VARIABLES });
    const error = await runner.apply(plan.planFile, call).catch(e => e);

    expect(error).toBeInstanceOf(IacCommandError);
    expect(error.code).toBe('IAC_COMMAND_FAILED');
    expect(error.exitCode).toBe(1);
    expect(error.subcommand).toBe('apply');
    expect(error.message).toBe(
      'terraform apply failed with exit code 1:\n' +
        'Error: Error creating firewall: Quota exceeded: project slipway may have at most 5 firewalls.',
    );
    expect(error.diagnostics).toEqual([
      {
        severity: 'error',
        summary: 'Error creating firewall',
        detail: 'Quota exceeded: project slipway may have at most 5 firewalls.',
        address: 'hcloud_firewall.ssh',
      },
    ]);
    expect(lines).toContain(
      'hcloud_server.host: Creation complete after 0s [id=srv-1001]',
    );
    expect(lines).toContain('hcloud_firewall.ssh: Creation errored after 0s');
    expect(lines).toContain(
      'Error: Error creating firewall: Quota exceeded: project slipway may have at most 5 firewalls.',
    );
  });

  it('fails a plan that lacks a required variable, with Terraform’s diagnostic', async () => {
    const { runner, call } = setup();
    await runner.init(call);
    await expect(
      runner.plan({ ...call, variables: { host_name: 'docker-1' } }),
    ).rejects.toThrow(
      /terraform plan failed with exit code 1:\nError: No value for required variable: The root module input variable "api_token" is not set/,
    );
  });

  it('refuses to apply a plan file that is not there', async () => {
    const { runner, call } = setup();
    await runner.init(call);
    const missing = path.join(workDir, 'never-planned.tfplan');
    await expect(runner.apply(missing, call)).rejects.toThrow(
      `Error: Failed to load "${missing}" as a plan file: Error: stat ${missing}: no such file or directory`,
    );
  });

  it('shows the last lines of output when a failure has no diagnostics', async () => {
    const { runner, call } = setup({
      ...SCENARIO,
      failures: [
        { at: 'output', summary: 'State locked', detail: 'Lock held by ci' },
      ],
    });
    const error = await runner.outputs(call).catch(e => e);
    expect(error).toBeInstanceOf(IacCommandError);
    expect(error.message).toContain(
      'terraform output failed with exit code 1. Last lines of output:\nError: State locked\nLock held by ci',
    );
  });

  it('passes backend config files to init', async () => {
    const { runner, call } = setup();
    const backend = path.join(root, 'backend.hcl');
    await fs.writeFile(backend, 'bucket = "slipway-state"\n');
    await runner.init({ ...call, backendConfigFiles: [backend] });
    const [init] = await invocations();
    expect(init.argv).toEqual([
      'init',
      '-input=false',
      '-no-color',
      '-json',
      `-backend-config=${backend}`,
    ]);
  });

  it('names slipway.iac.binary and the path tried when the binary is missing', async () => {
    const missing = path.join(root, 'bin', 'no-such-terraform');
    const runner = new TerraformRunner({ binary: missing });
    const error = await runner.init({ workDir }).catch(e => e);
    expect(error).toBeInstanceOf(IacToolMissingError);
    expect(error.code).toBe('IAC_TOOL_MISSING');
    expect(error.message).toContain('slipway.iac.binary');
    expect(error.message).toContain(missing);

    const byName = new TerraformRunner({ binary: 'slipway-no-such-tofu' });
    await expect(
      byName.init({ workDir, env: { PATH: path.join(root, 'bin') } }),
    ).rejects.toThrow(/"slipway-no-such-tofu".*slipway\.iac\.binary/s);
  });

  it('tells a missing working directory from a missing binary', async () => {
    const { runner } = setup();
    await expect(
      runner.init({ workDir: path.join(root, 'nowhere') }),
    ).rejects.toBeInstanceOf(IacWorkDirError);
  });

  it('cancels with SIGINT: the tool stops gracefully, within the grace period', async () => {
    const scenario = {
      ...SCENARIO,
      resources: [{ address: 'hcloud_server.host', applyDelayMs: 60_000 }],
    };
    const { runner, lines, call } = setup(scenario, 5000);
    await runner.init(call);
    const plan = await runner.plan({ ...call, variables: VARIABLES });

    const controller = new AbortController();
    const started = Date.now();
    const applying = runner.apply(plan.planFile, {
      ...call,
      signal: controller.signal,
      onProgress: l => {
        lines.push(l);
        if (l === 'hcloud_server.host: Creating...') controller.abort();
      },
    });
    const error = await applying.catch(e => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(IacCancelledError);
    expect(error.forced).toBe(false);
    expect(error.message).toBe(
      'terraform apply was cancelled and stopped gracefully',
    );
    expect(elapsed).toBeLessThan(5000);

    const log = await readLog();
    const applyPid = log.find(r => r.argv?.[0] === 'apply')!.pid;
    expect(log).toContainEqual(
      expect.objectContaining({
        pid: applyPid,
        event: 'signal',
        signal: 'SIGINT',
      }),
    );
    expect(lines).toContain(
      'Interrupt received. Please wait for Terraform to exit or data loss may occur. Gracefully shutting down...',
    );
    expect(lines).toContain('hcloud_server.host: Creation errored after 0s');
  }, 15_000);

  it('kills the tool when it does not stop within the grace period', async () => {
    const scenario = {
      ...SCENARIO,
      ignoreSigint: true,
      resources: [{ address: 'hcloud_server.host', applyDelayMs: 60_000 }],
    };
    const { runner, call } = setup(scenario, 300);
    await runner.init(call);
    const plan = await runner.plan({ ...call, variables: VARIABLES });

    const controller = new AbortController();
    const started = Date.now();
    const error = await runner
      .apply(plan.planFile, {
        ...call,
        signal: controller.signal,
        onProgress: l => {
          if (l.endsWith('Creating...')) controller.abort();
        },
      })
      .catch(e => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(IacCancelledError);
    expect(error.forced).toBe(true);
    expect(error.message).toMatch(/did not stop within the grace period/);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(5000);
    const log = await readLog();
    expect(log).toContainEqual(
      expect.objectContaining({ event: 'signal', signal: 'SIGINT' }),
    );
    // SIGKILL leaves no exit record behind.
    const applyPid = log.find(r => r.argv?.[0] === 'apply')!.pid;
    expect(log.filter(r => r.pid === applyPid && r.event === 'exit')).toEqual(
      [],
    );
  }, 15_000);

  it('does not start the tool when the signal is already aborted', async () => {
    const { runner, call } = setup();
    await expect(
      runner.init({ ...call, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(IacCancelledError);
    expect(await readLog()).toEqual([]);
  });

  it('destroys everything: outputs are empty afterwards', async () => {
    const { runner, lines, call } = setup();
    await runner.init(call);
    const plan = await runner.plan({ ...call, variables: VARIABLES });
    await runner.apply(plan.planFile, call);
    expect(Object.keys(await runner.outputs(call))).toHaveLength(3);

    const destroyed = await runner.destroy({ ...call, variables: VARIABLES });
    expect(destroyed.summary).toEqual({
      add: 0,
      change: 0,
      remove: 2,
      import: 0,
    });
    expect(destroyed.resources.map(r => [r.address, r.action])).toEqual([
      ['hcloud_firewall.ssh', 'delete'],
      ['hcloud_server.host', 'delete'],
    ]);
    expect(lines).toContain('hcloud_server.host: Destroying... [id=srv-1001]');
    expect(lines).toContain('Destroy complete! Resources: 2 destroyed.');
    expect(await runner.outputs(call)).toEqual({});

    const destroy = (await invocations()).find(r => r.argv![0] === 'destroy')!;
    expect(destroy.argv).toEqual([
      'destroy',
      '-input=false',
      '-no-color',
      '-json',
      '-auto-approve',
      `-var-file=${path.join(workDir, 'slipway.auto.tfvars.json')}`,
    ]);
  });

  it('reports a plan without changes as such', async () => {
    const { runner, call } = setup();
    await runner.init(call);
    const first = await runner.plan({ ...call, variables: VARIABLES });
    await runner.apply(first.planFile, call);
    const again = await runner.plan({ ...call, variables: VARIABLES });
    expect(again.summary).toEqual({ add: 0, change: 0, remove: 0, import: 0 });
    expect(again.hasChanges).toBe(false);
    expect(again.resourceChanges.map(c => c.actions)).toEqual([
      ['no-op'],
      ['no-op'],
    ]);
  });

  it('returns warnings of a successful plan', async () => {
    const { runner, lines, call } = setup({
      ...SCENARIO,
      warnings: [
        {
          at: 'plan',
          summary: 'Deprecated attribute',
          detail: 'Use image_id.',
        },
      ],
    });
    await runner.init(call);
    const plan = await runner.plan({ ...call, variables: VARIABLES });
    expect(plan.diagnostics).toEqual([
      {
        severity: 'warning',
        summary: 'Deprecated attribute',
        detail: 'Use image_id.',
      },
    ]);
    expect(lines).toContain('Warning: Deprecated attribute: Use image_id.');
  });
});

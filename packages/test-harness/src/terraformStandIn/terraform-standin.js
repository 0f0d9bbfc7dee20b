#!/usr/bin/env node
/*
 * Slipway's scripted stand-in for `terraform` / `tofu`, for tests where the real tool is not
 * installed. It speaks Terraform's documented machine-readable formats (the `-json` UI
 * stream of init/plan/apply/destroy, `show -json <planfile>`'s plan representation,
 * `output -json`) and nothing else: every subcommand that has `-json` refuses to run without
 * it. It keeps a `terraform.tfstate`-like JSON state in its working directory, writes the plan
 * file given by `-out` (JSON of the planned changes), and handles SIGINT as Terraform does.
 *
 * Environment:
 *   SLIPWAY_TF_STANDIN_SCENARIO  the scenario: JSON text, or the path of a JSON file
 *   SLIPWAY_TF_STANDIN_LOG       a file to which every invocation appends JSON lines:
 *                                {pid, cwd, argv, tfEnv, varFiles}, then {pid, event: "signal"}
 *                                for each signal received and {pid, event: "exit", code}
 *
 * Scenario (every key optional):
 *   {
 *     "tool": "terraform" | "tofu",          // default "terraform"
 *     "version": "1.11.4",
 *     "variables": { "<name>": { "required": true, "default": <any>, "sensitive": true } },
 *                                            // declared variables; when absent any is accepted
 *     "resources": [ { "address": "docker_host.web", "id": "h-1",
 *                      "applyDelayMs": 0, "destroyDelayMs": 0,
 *                      "provisionerOutput": "text, may use ${var.<name>}" } ],
 *     "outputs": { "<name>": { "value": <any> } | { "fromVariable": "<var>" }
 *                            | { "fromResource": "<address>" },   // the resource's id
 *                  ...and "sensitive": true on any of them },
 *     "failures": [ { "at": "init" | "plan" | "show" | "apply" | "destroy" | "output",
 *                     "resource": "<address>",  // apply/destroy: fail at that resource
 *                     "summary": "...", "detail": "...", "exitCode": 1,
 *                     "times": 1 } ],           // only the first N runs of that step fail
 *     "warnings": [ { "at": "...", "summary": "...", "detail": "..." } ],
 *     "progressIntervalMs": 10000,             // apply_progress cadence during a delay
 *     "ignoreSigint": false                    // to test the SIGKILL escalation
 *   }
 */
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const STATE_FILE = 'terraform.tfstate';
const INIT_MARKER = path.join('.terraform', 'slipway-standin-init.json');
const COUNTER_FILE = '.slipway-standin-counters.json';
const PLAN_FORMAT = 'slipway-terraform-standin-plan';

class UsageError extends Error {}

// ---------------------------------------------------------------- scenario and logging

function loadScenario() {
  const raw = process.env.SLIPWAY_TF_STANDIN_SCENARIO;
  if (!raw || raw.trim() === '') return {};
  const text = raw.trim().startsWith('{') ? raw : fs.readFileSync(raw, 'utf8');
  const scenario = JSON.parse(text);
  if (typeof scenario !== 'object' || scenario === null) {
    throw new UsageError('the scenario must be a JSON object');
  }
  return scenario;
}

function appendLog(record) {
  const file = process.env.SLIPWAY_TF_STANDIN_LOG;
  if (!file) return;
  fs.appendFileSync(
    file,
    `${JSON.stringify({
      pid: process.pid,
      time: new Date().toISOString(),
      ...record,
    })}\n`,
  );
}

function tfEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TF_')) continue;
    // TF_VAR_* may hold secrets: their names only.
    env[key] = key.startsWith('TF_VAR_') ? '(set)' : value;
  }
  return env;
}

/** Every -var-file given on the command line, with its mode and content, for the log. */
function varFilesOf(argv) {
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i].replace(/^--/, '-');
    let file;
    if (arg.startsWith('-var-file=')) file = arg.slice('-var-file='.length);
    else if (arg === '-var-file') file = argv[i + 1];
    if (file === undefined) continue;
    const entry = { path: file };
    try {
      entry.mode = (fs.statSync(file).mode & 0o777).toString(8);
      entry.content = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      entry.error = String(error && error.message);
    }
    files.push(entry);
  }
  return files;
}

// ---------------------------------------------------------------- output

let scenario = {};
let toolName = 'terraform';
let toolVersion = '1.11.4';
const displayName = () => (toolName === 'tofu' ? 'OpenTofu' : 'Terraform');

function emit(type, message, fields = {}, level = 'info') {
  process.stdout.write(
    `${JSON.stringify({
      '@level': level,
      '@message': message,
      '@module': `${toolName}.ui`,
      '@timestamp': new Date().toISOString(),
      ...fields,
      type,
    })}\n`,
  );
}

function emitVersion() {
  emit('version', `${displayName()} ${toolVersion}`, {
    [toolName]: toolVersion,
    ui: '1.2',
  });
}

function emitDiagnostic(severity, summary, detail, extra = {}) {
  emit(
    'diagnostic',
    `${severity === 'error' ? 'Error' : 'Warning'}: ${summary}`,
    { diagnostic: { severity, summary, detail: detail || '', ...extra } },
    severity === 'error' ? 'error' : 'warn',
  );
}

/** A failure the caller reports as a diagnostic: exit code 1 unless the scenario says. */
class Failure extends Error {
  constructor(summary, detail, extra = {}, exitCode = 1) {
    super(summary);
    this.summary = summary;
    this.detail = detail || '';
    this.extra = extra;
    this.exitCode = exitCode;
  }
}

// ---------------------------------------------------------------- argv

const COMMON_BOOL = ['json', 'no-color', 'input'];
const FLAGS = {
  init: {
    bool: [
      ...COMMON_BOOL,
      'upgrade',
      'reconfigure',
      'migrate-state',
      'backend',
      'get',
      'lock',
      'force-copy',
    ],
    value: ['backend-config', 'plugin-dir', 'lock-timeout', 'lockfile'],
  },
  plan: {
    bool: [
      ...COMMON_BOOL,
      'destroy',
      'refresh',
      'refresh-only',
      'lock',
      'compact-warnings',
      'detailed-exitcode',
    ],
    value: [
      'out',
      'var',
      'var-file',
      'target',
      'replace',
      'lock-timeout',
      'parallelism',
      'state',
    ],
  },
  apply: {
    bool: [
      ...COMMON_BOOL,
      'auto-approve',
      'lock',
      'compact-warnings',
      'refresh',
      'destroy',
    ],
    value: [
      'var',
      'var-file',
      'target',
      'replace',
      'lock-timeout',
      'parallelism',
      'state',
      'state-out',
      'backup',
    ],
  },
  destroy: {
    bool: [
      ...COMMON_BOOL,
      'auto-approve',
      'lock',
      'compact-warnings',
      'refresh',
    ],
    value: [
      'var',
      'var-file',
      'target',
      'lock-timeout',
      'parallelism',
      'state',
    ],
  },
  show: { bool: ['json', 'no-color'], value: [] },
  output: { bool: ['json', 'no-color', 'raw'], value: ['state'] },
  version: { bool: ['json'], value: [] },
};

/** Go's flag package: `-name`, `-name=value`, `-name value`; flags stop at the first positional. */
function parseFlags(subcommand, args) {
  const spec = FLAGS[subcommand];
  const flags = {};
  const positional = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    let value = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (spec.bool.includes(name)) {
      if (value === undefined) value = 'true';
      if (!['true', 'false', '1', '0'].includes(value)) {
        throw new UsageError(`invalid boolean value "${value}" for -${name}`);
      }
      flags[name] = [value === 'true' || value === '1'];
    } else if (spec.value.includes(name)) {
      if (value === undefined) {
        if (i + 1 >= args.length)
          throw new UsageError(`flag needs an argument: -${name}`);
        value = args[++i];
      }
      (flags[name] = flags[name] || []).push(value);
    } else {
      throw new UsageError(`flag provided but not defined: -${name}`);
    }
  }
  positional.push(...args.slice(i));
  return {
    has: name => Boolean(flags[name] && flags[name][flags[name].length - 1]),
    isSet: name => flags[name] !== undefined,
    all: name => flags[name] || [],
    last: name =>
      flags[name] ? flags[name][flags[name].length - 1] : undefined,
    positional,
  };
}

function requireJson(subcommand, flags) {
  if (!flags.has('json')) {
    throw new UsageError(
      `${subcommand} was run without -json: this stand-in speaks only the machine-readable output`,
    );
  }
}

// ---------------------------------------------------------------- failures, warnings

function readCounters() {
  try {
    return JSON.parse(fs.readFileSync(COUNTER_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/** The scenario's failure for this step (and resource), counting `times`. */
function failureAt(step, resource) {
  const list = [].concat(
    scenario.failures || [],
    scenario.fail ? [scenario.fail] : [],
  );
  for (let index = 0; index < list.length; index++) {
    const failure = list[index];
    if (failure.at !== step) continue;
    if ((failure.resource || undefined) !== resource) continue;
    if (typeof failure.times === 'number') {
      const counters = readCounters();
      const used = counters[index] || 0;
      if (used >= failure.times) continue;
      counters[index] = used + 1;
      fs.writeFileSync(COUNTER_FILE, JSON.stringify(counters));
    }
    return new Failure(
      failure.summary || `Scripted ${step} failure`,
      failure.detail || '',
      resource ? { address: resource } : {},
      typeof failure.exitCode === 'number' ? failure.exitCode : 1,
    );
  }
  return undefined;
}

function checkFailure(step, resource) {
  const failure = failureAt(step, resource);
  if (failure) throw failure;
}

function emitWarnings(step) {
  for (const warning of scenario.warnings || []) {
    if (warning.at === step)
      emitDiagnostic('warning', warning.summary, warning.detail);
  }
}

// ---------------------------------------------------------------- addresses, state

function parseAddress(address) {
  const moduleParts = [];
  let rest = address;
  for (;;) {
    const match = /^module\.([^.[]+(?:\[[^\]]*\])?)\./.exec(rest);
    if (!match) break;
    moduleParts.push(`module.${match[1]}`);
    rest = rest.slice(match[0].length);
  }
  let mode = 'managed';
  if (rest.startsWith('data.')) {
    mode = 'data';
    rest = rest.slice(5);
  }
  const dot = rest.indexOf('.');
  const type = dot >= 0 ? rest.slice(0, dot) : rest;
  let name = dot >= 0 ? rest.slice(dot + 1) : '';
  let key = null;
  const keyMatch = /\[(.*)\]$/.exec(name);
  if (keyMatch) {
    name = name.slice(0, keyMatch.index);
    key = /^\d+$/.test(keyMatch[1])
      ? Number(keyMatch[1])
      : JSON.parse(keyMatch[1]);
  }
  return { module: moduleParts.join('.'), mode, type, name, key };
}

function providerOf(type) {
  const local = type.split('_')[0];
  return local === 'terraform'
    ? 'terraform.io/builtin/terraform'
    : `registry.terraform.io/hashicorp/${local}`;
}

function resourceAddr(address) {
  const parsed = parseAddress(address);
  return {
    addr: address,
    module: parsed.module,
    resource: address.slice(parsed.module ? parsed.module.length + 1 : 0),
    implied_provider: parsed.type.split('_')[0],
    resource_type: parsed.type,
    resource_name: parsed.name,
    resource_key: parsed.key,
  };
}

function readState() {
  if (!fs.existsSync(STATE_FILE)) {
    return {
      version: 4,
      terraform_version: toolVersion,
      serial: 0,
      lineage: crypto.randomUUID(),
      outputs: {},
      resources: [],
      fresh: true,
    };
  }
  return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
}

function writeState(state) {
  const { fresh: _fresh, ...rest } = state;
  rest.serial += 1;
  rest.terraform_version = toolVersion;
  fs.writeFileSync(STATE_FILE, `${JSON.stringify(rest, null, 2)}\n`);
  state.serial = rest.serial;
  delete state.fresh;
}

/** The state's resources as [{address, id}]. */
function stateResources(state) {
  const list = [];
  for (const resource of state.resources) {
    for (const instance of resource.instances) {
      list.push({
        address: instance.slipway_address,
        id: instance.attributes.id,
      });
    }
  }
  return list;
}

function putStateResource(state, address, id) {
  const parsed = parseAddress(address);
  state.resources = state.resources.filter(
    r => !r.instances.some(i => i.slipway_address === address),
  );
  const entry = {
    mode: parsed.mode,
    type: parsed.type,
    name: parsed.name,
    provider: `provider["${providerOf(parsed.type)}"]`,
    instances: [
      {
        schema_version: 0,
        attributes: { id },
        sensitive_attributes: [],
        slipway_address: address,
      },
    ],
  };
  if (parsed.module) entry.module = parsed.module;
  state.resources.push(entry);
}

function removeStateResource(state, address) {
  state.resources = state.resources.filter(
    r => !r.instances.some(i => i.slipway_address === address),
  );
}

function typeOf(value) {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', value.map(typeOf)];
  if (value && typeof value === 'object') {
    return [
      'object',
      Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeOf(v)])),
    ];
  }
  return 'dynamic';
}

// ---------------------------------------------------------------- variables

function readJsonVarFile(file, fromCommandLine) {
  if (!fs.existsSync(file)) {
    throw new Failure(
      'Failed to read variables file',
      `Given variables file ${file} does not exist.`,
    );
  }
  if (!file.endsWith('.json')) {
    throw new UsageError(
      `${file}: this stand-in reads only JSON variable files`,
    );
  }
  let values;
  try {
    values = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Failure(
      'Invalid JSON variables file',
      `${file}: ${error.message}`,
    );
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new Failure(
      'Invalid JSON variables file',
      `${file} does not hold a JSON object.`,
    );
  }
  return { values, file, fromCommandLine };
}

/** Variables in Terraform's order of precedence, lowest first. */
function collectVariables(flags) {
  const sources = [];
  const fromEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('TF_VAR_')) fromEnv[key.slice(7)] = value;
  }
  sources.push({ values: fromEnv, file: 'environment' });
  if (fs.existsSync('terraform.tfvars.json')) {
    sources.push(readJsonVarFile('terraform.tfvars.json', false));
  }
  for (const file of fs.readdirSync('.').sort()) {
    if (file.endsWith('.auto.tfvars.json'))
      sources.push(readJsonVarFile(file, false));
  }
  for (const file of flags.all('var-file'))
    sources.push(readJsonVarFile(file, true));
  for (const assignment of flags.all('var')) {
    const eq = assignment.indexOf('=');
    if (eq < 0)
      throw new Failure(
        'Invalid -var option',
        `The given -var option "${assignment}" is not correctly specified.`,
      );
    sources.push({
      values: { [assignment.slice(0, eq)]: assignment.slice(eq + 1) },
      file: '-var',
    });
  }

  const declared = scenario.variables;
  const values = {};
  if (declared) {
    for (const [name, spec] of Object.entries(declared)) {
      if (spec && Object.prototype.hasOwnProperty.call(spec, 'default'))
        values[name] = spec.default;
    }
  }
  for (const source of sources) {
    for (const [name, value] of Object.entries(source.values)) {
      if (declared && !Object.prototype.hasOwnProperty.call(declared, name)) {
        if (source.file !== 'environment') {
          emitDiagnostic(
            'warning',
            'Value for undeclared variable',
            `The root module does not declare a variable named "${name}" but a value was found in file "${source.file}".`,
          );
        }
        continue;
      }
      values[name] = value;
    }
  }
  if (declared) {
    for (const [name, spec] of Object.entries(declared)) {
      if (
        spec &&
        spec.required &&
        !Object.prototype.hasOwnProperty.call(values, name)
      ) {
        throw new Failure(
          'No value for required variable',
          `The root module input variable "${name}" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.`,
        );
      }
    }
  }
  return values;
}

function outputValues(variables, ids) {
  const outputs = {};
  for (const [name, spec] of Object.entries(scenario.outputs || {})) {
    let value = spec.value;
    if (spec.fromVariable !== undefined) value = variables[spec.fromVariable];
    if (spec.fromResource !== undefined) value = ids[spec.fromResource];
    outputs[name] = {
      value: value === undefined ? null : value,
      type: typeOf(value),
      sensitive: Boolean(spec.sensitive),
    };
  }
  return outputs;
}

function interpolate(text, variables) {
  return String(text).replace(/\$\{var\.([A-Za-z0-9_-]+)\}/g, (_, name) =>
    variables[name] === undefined ? '' : String(variables[name]),
  );
}

// ---------------------------------------------------------------- interrupts and delays

let interrupted = false;
const interruptWaiters = new Set();

function onSigint() {
  appendLog({
    event: 'signal',
    signal: 'SIGINT',
    ignored: Boolean(scenario.ignoreSigint),
  });
  if (scenario.ignoreSigint) return;
  if (interrupted) {
    emit(
      'log',
      'Two interrupts received. Exiting immediately. Note that data loss may have occurred.',
    );
    appendLog({ event: 'exit', code: 1 });
    process.exit(1);
  }
  interrupted = true;
  emit(
    'log',
    `\nInterrupt received.\nPlease wait for ${displayName()} to exit or data loss may occur.\nGracefully shutting down...\n`,
  );
  emit('log', 'Stopping operation...');
  for (const wake of interruptWaiters) wake();
}

/** Waits `ms`, or less when interrupted; calls `tick` every `interval` ms meanwhile. */
function delay(ms, interval, tick) {
  return new Promise(resolve => {
    if (interrupted || !(ms > 0)) {
      resolve();
      return;
    }
    const started = Date.now();
    const handles = {};
    const done = () => {
      clearTimeout(handles.timer);
      clearInterval(handles.ticker);
      interruptWaiters.delete(done);
      resolve();
    };
    handles.timer = setTimeout(done, ms);
    if (interval > 0 && interval < ms) {
      handles.ticker = setInterval(
        () => tick(Math.floor((Date.now() - started) / 1000)),
        interval,
      );
    }
    interruptWaiters.add(done);
  });
}

function halted() {
  return new Failure('execution halted', '');
}

// ---------------------------------------------------------------- subcommands

function cmdVersion(flags) {
  if (flags.has('json')) {
    process.stdout.write(
      `${JSON.stringify(
        {
          terraform_version: toolVersion,
          platform: 'linux_amd64',
          provider_selections: {},
          terraform_outdated: false,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(`${displayName()} v${toolVersion}\non linux_amd64\n`);
  }
  return 0;
}

function cmdInit(flags) {
  requireJson('init', flags);
  emitVersion();
  const backendConfigs = flags.all('backend-config');
  emit('init_output', 'Initializing the backend...', {
    message_code: 'initializing_backend_message',
  });
  for (const file of backendConfigs) {
    if (file.includes('=')) continue; // key=value form
    if (!fs.existsSync(file)) {
      throw new Failure(
        'Failed to read file',
        `The file "${file}" could not be read.`,
      );
    }
  }
  checkFailure('init');
  emit('init_output', 'Initializing provider plugins...', {
    message_code: 'initializing_provider_plugin_message',
  });
  const providers = new Set(
    (scenario.resources || []).map(r =>
      providerOf(parseAddress(r.address).type),
    ),
  );
  for (const provider of providers) {
    emit(
      'log',
      provider.startsWith('terraform.io/builtin/')
        ? `${provider} is built in to ${displayName()}`
        : `- Using previously-installed ${provider} (stand-in)`,
    );
  }
  emitWarnings('init');
  fs.mkdirSync('.terraform', { recursive: true });
  fs.writeFileSync(INIT_MARKER, JSON.stringify({ backendConfigs }));
  emit('init_output', `${displayName()} has been successfully initialized!`, {
    message_code: 'output_init_success_message',
  });
  return 0;
}

function requireInit() {
  if (!fs.existsSync(INIT_MARKER)) {
    throw new Failure(
      'Module not initialized',
      `This working directory is not initialized: run "${toolName} init" first.`,
    );
  }
}

function emitRefresh(state) {
  for (const { address, id } of stateResources(state)) {
    const hook = {
      resource: resourceAddr(address),
      id_key: 'id',
      id_value: id,
    };
    emit('refresh_start', `${address}: Refreshing state... [id=${id}]`, {
      hook,
    });
    emit('refresh_complete', `${address}: Refresh complete [id=${id}]`, {
      hook,
    });
  }
}

function planChanges(state, destroy) {
  const existing = new Map(stateResources(state).map(r => [r.address, r.id]));
  const wanted = destroy ? [] : (scenario.resources || []).map(r => r.address);
  const changes = [];
  for (const address of wanted) {
    changes.push({
      address,
      action: existing.has(address) ? 'no-op' : 'create',
    });
  }
  for (const address of existing.keys()) {
    if (!wanted.includes(address)) changes.push({ address, action: 'delete' });
  }
  return changes;
}

function summaryOf(changes) {
  return {
    add: changes.filter(c => c.action === 'create').length,
    change: 0,
    import: 0,
    remove: changes.filter(c => c.action === 'delete').length,
  };
}

function planOutputs(state, destroy) {
  const outputs = {};
  const names = new Set([
    ...Object.keys(scenario.outputs || {}),
    ...Object.keys(state.outputs || {}),
  ]);
  for (const name of names) {
    const spec = (scenario.outputs || {})[name];
    const inState = Object.prototype.hasOwnProperty.call(
      state.outputs || {},
      name,
    );
    let action;
    if (destroy || !spec) action = 'delete';
    else action = inState ? 'noop' : 'create';
    const sensitive = spec
      ? Boolean(spec.sensitive)
      : Boolean(state.outputs[name].sensitive);
    outputs[name] = { sensitive, action };
  }
  return outputs;
}

function emitPlan(state, changes, outputs) {
  for (const change of changes) {
    if (change.action === 'no-op') continue;
    emit('planned_change', `${change.address}: Plan to ${change.action}`, {
      change: { resource: resourceAddr(change.address), action: change.action },
    });
  }
  const summary = summaryOf(changes);
  emit(
    'change_summary',
    `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.remove} to destroy.`,
    { changes: { ...summary, operation: 'plan' } },
  );
  const changed = Object.entries(outputs).filter(
    ([, o]) => o.action !== 'noop',
  );
  if (changed.length > 0) {
    emit('outputs', `Outputs: ${changed.length}`, {
      outputs: Object.fromEntries(changed),
    });
  }
}

function cmdPlan(flags) {
  requireJson('plan', flags);
  emitVersion();
  requireInit();
  const variables = collectVariables(flags);
  const state = readState();
  emitRefresh(state);
  checkFailure('plan');
  emitWarnings('plan');
  const destroy = flags.has('destroy');
  const changes = planChanges(state, destroy);
  const outputs = planOutputs(state, destroy);
  if (interrupted) throw halted();
  const out = flags.last('out');
  if (out !== undefined) {
    const plan = {
      format: PLAN_FORMAT,
      formatVersion: 1,
      tool: toolName,
      terraformVersion: toolVersion,
      destroy,
      variables,
      changes,
      outputs,
      prior: {
        serial: state.fresh ? null : state.serial,
        lineage: state.fresh ? null : state.lineage,
      },
      createdAt: new Date().toISOString(),
    };
    fs.writeFileSync(out, JSON.stringify(plan));
  }
  emitPlan(state, changes, outputs);
  return 0;
}

function readPlanFile(file) {
  const plan = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!plan || plan.format !== PLAN_FORMAT) throw new Error('not a plan file');
  return plan;
}

function cmdShow(flags) {
  requireJson('show', flags);
  const file = flags.positional[0];
  if (file === undefined) {
    const state = readState();
    process.stdout.write(`${JSON.stringify(stateRepresentation(state))}\n`);
    return 0;
  }
  let plan;
  try {
    plan = readPlanFile(file);
  } catch (error) {
    process.stderr.write(
      `\nError: Failed to read the given file as a state or plan file\n\n` +
        `State read error: Error loading statefile: open ${file}: no such file or directory\n\n` +
        `Plan read error: ${
          error.code === 'ENOENT'
            ? `open ${file}: no such file or directory`
            : 'not a plan file'
        }\n`,
    );
    return 1;
  }
  const failure = failureAt('show');
  if (failure) {
    process.stderr.write(`\nError: ${failure.summary}\n\n${failure.detail}\n`);
    return failure.exitCode;
  }
  process.stdout.write(`${JSON.stringify(planRepresentation(plan))}\n`);
  return 0;
}

function stateRepresentation(state) {
  const representation = {
    format_version: '1.0',
    terraform_version: toolVersion,
  };
  if (state.fresh) return representation;
  representation.values = {
    outputs: state.outputs,
    root_module: {
      resources: stateResources(state).map(({ address, id }) => {
        const parsed = parseAddress(address);
        return {
          address,
          mode: parsed.mode,
          type: parsed.type,
          name: parsed.name,
          provider_name: providerOf(parsed.type),
          schema_version: 0,
          values: { id },
          sensitive_values: {},
        };
      }),
    },
  };
  return representation;
}

function planRepresentation(plan) {
  const actionsOf = action => [action];
  const resourceChanges = plan.changes.map(change => {
    const parsed = parseAddress(change.address);
    const entry = {
      address: change.address,
      mode: parsed.mode,
      type: parsed.type,
      name: parsed.name,
      provider_name: providerOf(parsed.type),
      change: {
        actions: actionsOf(change.action),
        before: change.action === 'create' ? null : {},
        after: change.action === 'delete' ? null : {},
        after_unknown: change.action === 'create' ? { id: true } : {},
        before_sensitive: change.action === 'create' ? false : {},
        after_sensitive: change.action === 'delete' ? false : {},
      },
    };
    if (parsed.module) entry.module_address = parsed.module;
    if (parsed.key !== null) entry.index = parsed.key;
    return entry;
  });
  const outputChanges = {};
  const plannedOutputs = {};
  for (const [name, output] of Object.entries(plan.outputs)) {
    const action = output.action === 'noop' ? 'no-op' : output.action;
    outputChanges[name] = {
      actions: [action],
      before: null,
      after_unknown: action === 'create',
      before_sensitive: output.sensitive,
      after_sensitive: output.sensitive,
    };
    if (action !== 'delete')
      plannedOutputs[name] = { sensitive: output.sensitive };
  }
  return {
    format_version: '1.2',
    terraform_version: plan.terraformVersion,
    variables: Object.fromEntries(
      Object.entries(plan.variables).map(([k, v]) => [k, { value: v }]),
    ),
    planned_values: {
      outputs: plannedOutputs,
      root_module: {
        resources: resourceChanges
          .filter(c => c.change.actions[0] !== 'delete')
          .map(c => ({
            address: c.address,
            mode: c.mode,
            type: c.type,
            name: c.name,
            provider_name: c.provider_name,
            schema_version: 0,
            values: {},
            sensitive_values: {},
          })),
      },
    },
    resource_changes: resourceChanges,
    output_changes: outputChanges,
    configuration: { root_module: {} },
    timestamp: plan.createdAt,
    applyable:
      plan.changes.some(c => c.action !== 'no-op') ||
      Object.values(plan.outputs).some(o => o.action !== 'noop'),
    complete: true,
    errored: false,
  };
}

/** Applies changes one at a time, writing the state after each. */
async function applyChanges(state, changes, variables, step) {
  const interval =
    typeof scenario.progressIntervalMs === 'number'
      ? scenario.progressIntervalMs
      : 10000;
  const byAddress = new Map(
    (scenario.resources || []).map(r => [r.address, r]),
  );
  const ids = new Map(stateResources(state).map(r => [r.address, r.id]));
  const done = [];
  for (const change of changes) {
    if (change.action === 'no-op') continue;
    if (interrupted) throw halted();
    const address = change.address;
    const resource = byAddress.get(address) || {};
    const create = change.action === 'create';
    const verb = create ? 'Creating...' : 'Destroying...';
    const hook = { resource: resourceAddr(address), action: change.action };
    const oldId = ids.get(address);
    if (!create && oldId)
      Object.assign(hook, { id_key: 'id', id_value: oldId });
    emit(
      'apply_start',
      `${address}: ${verb}${create ? '' : ` [id=${oldId}]`}`,
      { hook },
    );
    const started = Date.now();
    const elapsed = () => Math.floor((Date.now() - started) / 1000);
    const ms = create ? resource.applyDelayMs : resource.destroyDelayMs;
    await delay(ms, interval, seconds =>
      emit(
        'apply_progress',
        `${address}: Still ${
          create ? 'creating' : 'destroying'
        }... [${seconds}s elapsed]`,
        {
          hook: {
            resource: hook.resource,
            action: change.action,
            elapsed_seconds: seconds,
          },
        },
      ),
    );
    const failure = failureAt(step, address);
    if (interrupted || failure) {
      emit(
        'apply_errored',
        `${address}: ${
          create ? 'Creation' : 'Destruction'
        } errored after ${elapsed()}s`,
        {
          hook: {
            resource: hook.resource,
            action: change.action,
            elapsed_seconds: elapsed(),
          },
        },
      );
      writeState(state);
      throw failure || halted();
    }
    if (create && resource.provisionerOutput !== undefined) {
      const provisionerHook = {
        resource: hook.resource,
        provisioner: 'local-exec',
      };
      emit('provision_start', `${address}: Provisioning with 'local-exec'...`, {
        hook: provisionerHook,
      });
      for (const line of interpolate(
        resource.provisionerOutput,
        variables,
      ).split('\n')) {
        emit('provision_progress', `${address}: (local-exec): ${line}`, {
          hook: { ...provisionerHook, output: line },
        });
      }
      emit(
        'provision_complete',
        `${address}: (local-exec) Provisioning complete`,
        { hook: provisionerHook },
      );
    }
    if (create) {
      const id = resource.id || crypto.randomUUID();
      ids.set(address, id);
      putStateResource(state, address, id);
      emit(
        'apply_complete',
        `${address}: Creation complete after ${elapsed()}s [id=${id}]`,
        {
          hook: {
            ...hook,
            id_key: 'id',
            id_value: id,
            elapsed_seconds: elapsed(),
          },
        },
      );
    } else {
      ids.delete(address);
      removeStateResource(state, address);
      emit(
        'apply_complete',
        `${address}: Destruction complete after ${elapsed()}s`,
        {
          hook: {
            resource: hook.resource,
            action: 'delete',
            elapsed_seconds: elapsed(),
          },
        },
      );
    }
    writeState(state);
    done.push(change);
  }
  return { done, ids: Object.fromEntries(ids) };
}

async function cmdApply(flags) {
  requireJson('apply', flags);
  emitVersion();
  const file = flags.positional[0];
  if (file === undefined) {
    throw new Failure(
      'Saved plan required',
      'This stand-in applies only saved plans: pass the file written by "plan -out".',
    );
  }
  if (flags.isSet('var') || flags.isSet('var-file')) {
    throw new Failure(
      "Can't set variables when applying a saved plan",
      'A saved plan already holds the variable values it was created with; -var and -var-file cannot be combined with a plan file.',
    );
  }
  let plan;
  try {
    plan = readPlanFile(file);
  } catch (error) {
    throw new Failure(
      `Failed to load "${file}" as a plan file`,
      error.code === 'ENOENT'
        ? `Error: stat ${file}: no such file or directory`
        : `Error: ${file} is not a plan file`,
    );
  }
  requireInit();
  const state = readState();
  const current = {
    serial: state.fresh ? null : state.serial,
    lineage: state.fresh ? null : state.lineage,
  };
  if (
    current.serial !== plan.prior.serial ||
    current.lineage !== plan.prior.lineage
  ) {
    throw new Failure(
      'Saved plan is stale',
      'The given plan file can no longer be applied because the state was changed by another operation after the plan was created.',
    );
  }
  checkFailure('apply');
  emitWarnings('apply');
  for (const change of plan.changes) {
    if (change.action === 'no-op') continue;
    emit('planned_change', `${change.address}: Plan to ${change.action}`, {
      change: { resource: resourceAddr(change.address), action: change.action },
    });
  }
  const creates = plan.changes.filter(c => c.action === 'create');
  const deletes = plan.changes.filter(c => c.action === 'delete').reverse();
  const { ids } = await applyChanges(
    state,
    [...deletes, ...creates],
    plan.variables,
    'apply',
  );
  state.outputs = plan.destroy ? {} : outputValues(plan.variables, ids);
  writeState(state);
  const summary = summaryOf(plan.changes);
  if (plan.destroy) {
    emit(
      'change_summary',
      `Destroy complete! Resources: ${summary.remove} destroyed.`,
      {
        changes: { ...summary, operation: 'destroy' },
      },
    );
  } else {
    emit(
      'change_summary',
      `Apply complete! Resources: ${summary.add} added, ${summary.change} changed, ${summary.remove} destroyed.`,
      {
        changes: { ...summary, operation: 'apply' },
      },
    );
  }
  emitOutputsAfterApply(state.outputs);
  return 0;
}

function emitOutputsAfterApply(outputs) {
  const names = Object.keys(outputs);
  if (names.length === 0) return;
  const shown = {};
  for (const [name, output] of Object.entries(outputs)) {
    shown[name] = output.sensitive
      ? { sensitive: true, type: output.type }
      : { sensitive: false, type: output.type, value: output.value };
  }
  emit('outputs', `Outputs: ${names.length}`, { outputs: shown });
}

async function cmdDestroy(flags) {
  requireJson('destroy', flags);
  emitVersion();
  if (!flags.has('auto-approve')) {
    throw new Failure(
      'Destroy requires -auto-approve',
      'Input is disabled and -auto-approve was not given, so the destroy cannot be confirmed.',
    );
  }
  requireInit();
  collectVariables(flags);
  const state = readState();
  emitRefresh(state);
  checkFailure('destroy');
  emitWarnings('destroy');
  const changes = planChanges(state, true);
  emitPlan(state, changes, planOutputs(state, true));
  await applyChanges(state, changes.slice().reverse(), {}, 'destroy');
  state.outputs = {};
  writeState(state);
  const summary = summaryOf(changes);
  emit(
    'change_summary',
    `Destroy complete! Resources: ${summary.remove} destroyed.`,
    {
      changes: { ...summary, operation: 'destroy' },
    },
  );
  return 0;
}

function cmdOutput(flags) {
  if (!flags.has('json') && !flags.has('raw')) {
    throw new UsageError(
      'output was run without -json: this stand-in speaks only the machine-readable output',
    );
  }
  const failure = failureAt('output');
  if (failure) {
    process.stderr.write(`\nError: ${failure.summary}\n\n${failure.detail}\n`);
    return failure.exitCode;
  }
  const state = readState();
  const outputs = state.outputs || {};
  const name = flags.positional[0];
  if (name !== undefined) {
    if (!Object.prototype.hasOwnProperty.call(outputs, name)) {
      process.stderr.write(
        `\nError: Output "${name}" not found\n\nThe output variable requested could not be found in the state file.\n`,
      );
      return 1;
    }
    const value = outputs[name].value;
    process.stdout.write(
      flags.has('raw') ? String(value) : `${JSON.stringify(value)}\n`,
    );
    return 0;
  }
  process.stdout.write(`${JSON.stringify(outputs, null, 2)}\n`);
  return 0;
}

// ---------------------------------------------------------------- main

async function main() {
  const argv = process.argv.slice(2);
  appendLog({
    cwd: process.cwd(),
    argv,
    tfEnv: tfEnv(),
    varFiles: varFilesOf(argv),
  });
  scenario = loadScenario();
  toolName = scenario.tool === 'tofu' ? 'tofu' : 'terraform';
  toolVersion =
    typeof scenario.version === 'string' ? scenario.version : '1.11.4';
  process.on('SIGINT', onSigint);

  let rest = argv;
  while (rest.length > 0 && rest[0].startsWith('-')) {
    const arg = rest[0].replace(/^--/, '-');
    if (arg === '-version' || arg === '-v')
      return cmdVersion(parseFlags('version', []));
    if (arg.startsWith('-chdir=')) process.chdir(arg.slice('-chdir='.length));
    else throw new UsageError(`unknown global option ${rest[0]}`);
    rest = rest.slice(1);
  }
  const [subcommand, ...args] = rest;
  if (!subcommand || !FLAGS[subcommand]) {
    throw new UsageError(
      `unsupported subcommand ${
        subcommand === undefined ? '(none)' : `"${subcommand}"`
      }`,
    );
  }
  const flags = parseFlags(subcommand, args);
  switch (subcommand) {
    case 'version':
      return cmdVersion(flags);
    case 'init':
      return cmdInit(flags);
    case 'plan':
      return cmdPlan(flags);
    case 'show':
      return cmdShow(flags);
    case 'apply':
      return cmdApply(flags);
    case 'destroy':
      return cmdDestroy(flags);
    case 'output':
      return cmdOutput(flags);
    default:
      throw new UsageError(`unsupported subcommand "${subcommand}"`);
  }
}

main().then(
  code => {
    appendLog({ event: 'exit', code });
    process.exitCode = code;
  },
  error => {
    let code;
    if (error instanceof Failure) {
      emitDiagnostic('error', error.summary, error.detail, error.extra);
      code = error.exitCode;
    } else if (error instanceof UsageError) {
      process.stderr.write(`terraform-standin: ${error.message}\n`);
      code = 1;
    } else {
      process.stderr.write(
        `terraform-standin: ${error && error.stack ? error.stack : error}\n`,
      );
      code = 2;
    }
    appendLog({ event: 'exit', code });
    process.exitCode = code;
  },
);

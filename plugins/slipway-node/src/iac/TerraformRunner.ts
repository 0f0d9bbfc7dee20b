import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LastLines, LineSplitter } from '../connection/lines';
import {
  IacCancelledError,
  IacCommandError,
  IacError,
  IacOutputFormatError,
  IacToolMissingError,
  IacWorkDirError,
} from './errors';
import {
  describeEvent,
  isSupportedUiVersion,
  parseLine,
  TfStreamCollector,
} from './jsonStream';
import { Masker } from './mask';
import {
  ApplyResult,
  IacApplyOptions,
  IacCallOptions,
  IacChangeCounts,
  IacDestroyOptions,
  IacDiagnostic,
  IacInitOptions,
  IacOutputs,
  IacOutputsOptions,
  IacPlanOptions,
  IacResourceChange,
  IacTool,
  IacVariablesOptions,
  InitResult,
  PlanResult,
} from './types';

/** How long the tool gets between SIGINT (graceful stop) and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 10_000;
export const DEFAULT_VAR_FILE_NAME = 'slipway.auto.tfvars.json';
export const DEFAULT_PLAN_FILE_NAME = 'slipway.tfplan';

/** The part of Backstage's LoggerService the runner uses. */
export interface IacLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface TerraformRunnerOptions {
  /**
   * The executable: a name looked up on PATH (`terraform`, `tofu`) or a path. Configured as
   * `slipway.iac.binary`. Default `terraform`.
   */
  binary?: string;
  /** Between SIGINT and SIGKILL when a call is aborted. Default 10 s. */
  killGraceMs?: number;
  /** Name of the var file written in the working directory. Default `slipway.auto.tfvars.json`. */
  varFileName?: string;
  /** Name of the plan file when `plan` is not given one. Default `slipway.tfplan`. */
  planFileName?: string;
  /** Environment for every call, under each call's own `env`. */
  env?: Record<string, string>;
  /** Told which commands run (argv only: it never holds variable values). */
  logger?: IacLogger;
}

type RunSpec = {
  subcommand: string;
  args: string[];
  options: IacCallOptions;
  masker: Masker;
  /** The command prints one JSON document on stdout (show, output), not a message stream. */
  document?: boolean;
};

type RunOutcome = { collector: TfStreamCollector; stdout: string };

/**
 * Terraform or OpenTofu as an `IacTool`: runs the executable with argv arrays (never a shell)
 * in the module's working directory, reads its machine-readable `-json` output and streams
 * human progress lines. Variables travel in a JSON var file (mode 0600, removed after the
 * command), never on the command line. One operation per working directory at a time.
 *
 * Needs Terraform 1.9+ or OpenTofu 1.7+ (the first with `init -json`).
 */
export class TerraformRunner implements IacTool {
  readonly name: string;
  private readonly binary: string;
  private readonly killGraceMs: number;
  private readonly varFileName: string;
  private readonly planFileName: string;
  /** Maskers of the plans written by this runner, for the apply of the same plan file. */
  private readonly planMaskers = new Map<string, Masker>();

  constructor(private readonly options: TerraformRunnerOptions = {}) {
    this.binary = options.binary ?? 'terraform';
    this.name = path.basename(this.binary);
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.varFileName = options.varFileName ?? DEFAULT_VAR_FILE_NAME;
    this.planFileName = options.planFileName ?? DEFAULT_PLAN_FILE_NAME;
  }

  async init(options: IacInitOptions): Promise<InitResult> {
    const args = ['-input=false', '-no-color', '-json'];
    for (const file of options.backendConfigFiles ?? []) {
      args.push(`-backend-config=${file}`);
    }
    const masker = maskerOf(options);
    const { collector } = await this.run({
      subcommand: 'init',
      args,
      options,
      masker,
    });
    return { diagnostics: maskDiagnostics(collector.warnings(), masker) };
  }

  async plan(options: IacPlanOptions): Promise<PlanResult> {
    const planFile = path.resolve(
      options.workDir,
      options.planFile ?? this.planFileName,
    );
    const masker = maskerOf(options);
    const { collector } = await this.withVarFile(options, varFile =>
      this.run({
        subcommand: 'plan',
        args: [
          '-input=false',
          '-no-color',
          '-json',
          `-out=${planFile}`,
          `-var-file=${varFile}`,
        ],
        options,
        masker,
      }),
    );
    this.planMaskers.set(planFile, masker);

    // The plan representation holds variable values in clear text: it is parsed here and
    // never forwarded; only addresses and actions leave this function.
    const shown = await this.run({
      subcommand: 'show',
      args: ['-json', planFile],
      options,
      masker,
      document: true,
    });
    const plan = parsePlanRepresentation(this.name, shown.stdout);
    const summary: IacChangeCounts = collector.summary
      ? countsOf(collector.summary)
      : countActions(plan.resourceChanges);
    return {
      planFile,
      summary,
      hasChanges:
        summary.add + summary.change + summary.remove + (summary.import ?? 0) >
          0 || plan.outputsChange,
      resourceChanges: plan.resourceChanges,
      diagnostics: maskDiagnostics(collector.warnings(), masker),
    };
  }

  /**
   * Applies exactly the saved plan. The plan file is removed afterwards, whatever the outcome:
   * it holds the variables in clear text, and a saved plan cannot be applied twice.
   */
  async apply(
    planFile: string,
    options: IacApplyOptions,
  ): Promise<ApplyResult> {
    const absolute = path.resolve(options.workDir, planFile);
    const remembered = this.planMaskers.get(absolute);
    const masker = remembered
      ? remembered.merge(maskerOf(options))
      : maskerOf(options);
    try {
      const { collector } = await this.run({
        subcommand: 'apply',
        args: ['-input=false', '-no-color', '-json', absolute],
        options,
        masker,
      });
      return applyResultOf(collector, masker);
    } finally {
      this.planMaskers.delete(absolute);
      await fs.rm(absolute, { force: true }).catch(() => undefined);
    }
  }

  async outputs(options: IacOutputsOptions): Promise<IacOutputs> {
    const { stdout } = await this.run({
      subcommand: 'output',
      args: ['-no-color', '-json'],
      options,
      masker: maskerOf(options),
      document: true,
    });
    return parseOutputs(this.name, stdout);
  }

  async destroy(options: IacDestroyOptions): Promise<ApplyResult> {
    const masker = maskerOf(options);
    const { collector } = await this.withVarFile(options, varFile =>
      this.run({
        subcommand: 'destroy',
        args: [
          '-input=false',
          '-no-color',
          '-json',
          '-auto-approve',
          `-var-file=${varFile}`,
        ],
        options,
        masker,
      }),
    );
    return applyResultOf(collector, masker);
  }

  /** Writes the variables to the var file (0600) for the duration of `action`. */
  private async withVarFile<T>(
    options: IacVariablesOptions,
    action: (varFile: string) => Promise<T>,
  ): Promise<T> {
    await checkWorkDir(options.workDir);
    const varFile = path.join(options.workDir, this.varFileName);
    const variables: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(options.variables ?? {})) {
      if (value !== undefined) variables[name] = value;
    }
    // A fresh file, so that no earlier mode or owner carries over.
    await fs.rm(varFile, { force: true });
    await fs.writeFile(varFile, `${JSON.stringify(variables, null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    await fs.chmod(varFile, 0o600);
    try {
      return await action(varFile);
    } finally {
      await fs.rm(varFile, { force: true }).catch(() => undefined);
    }
  }

  private async run(spec: RunSpec): Promise<RunOutcome> {
    const { subcommand, options, masker } = spec;
    if (options.signal?.aborted) {
      throw new IacCancelledError(this.name, subcommand, false);
    }
    await checkWorkDir(options.workDir);
    const argv = [subcommand, ...spec.args];
    this.options.logger?.info(
      `Running ${this.binary} ${argv.join(' ')} in ${options.workDir}`,
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.options.env,
      ...options.env,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
    };

    return new Promise<RunOutcome>((resolve, reject) => {
      const collector = new TfStreamCollector();
      const lastLines = new LastLines(20);
      const stdoutLines = new LineSplitter();
      const stderrLines = new LineSplitter();
      let stdoutDocument = '';
      let settled = false;
      let cancelled = false;
      let forced = false;
      let killTimer: NodeJS.Timeout | undefined;
      let warnedUiVersion = false;

      const progress = (line: string | undefined) => {
        if (line === undefined || !options.onProgress) return;
        try {
          options.onProgress(masker.mask(line));
        } catch {
          // A failing listener must not break the run of the tool.
        }
      };
      const onStdoutLine = (line: string) => {
        const event = parseLine(line);
        collector.add(event);
        if (event.type === 'plain' && event.text.trim() !== '') {
          lastLines.push(masker.mask(event.text));
        }
        if (
          event.type === 'version' &&
          !warnedUiVersion &&
          !isSupportedUiVersion(event.ui)
        ) {
          warnedUiVersion = true;
          progress(
            `Warning: ${this.name} speaks machine-readable UI version ${event.ui}, ` +
              'which Slipway does not know; progress may be incomplete',
          );
        }
        progress(describeEvent(event));
      };
      const onStderrLine = (line: string) => {
        if (line.trim() === '') return;
        lastLines.push(masker.mask(line));
        progress(line);
      };

      const child = spawn(this.binary, argv, {
        cwd: options.workDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so that a forced stop reaches its providers too.
        detached: true,
      });

      const signalChild = (signal: NodeJS.Signals, group: boolean) => {
        if (!child.pid) return;
        try {
          process.kill(group ? -child.pid : child.pid, signal);
        } catch {
          // Already gone.
        }
      };
      const onAbort = () => {
        if (cancelled || settled) return;
        cancelled = true;
        this.options.logger?.warn(
          `Cancelling ${this.name} ${subcommand} in ${options.workDir}: SIGINT, SIGKILL in ${this.killGraceMs} ms`,
        );
        // SIGINT is Terraform's graceful stop: it finishes in-flight operations, writes its
        // state and releases the lock. Only the tool itself gets it, as from a terminal's ^C
        // for the tool alone; its providers ignore SIGINT anyway.
        signalChild('SIGINT', false);
        killTimer = setTimeout(() => {
          forced = true;
          signalChild('SIGKILL', true);
        }, this.killGraceMs);
      };
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve({ collector, stdout: stdoutDocument });
      };

      options.signal?.addEventListener('abort', onAbort, { once: true });

      child.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') {
          finish(
            new IacToolMissingError(
              this.binary,
              'no such executable was found',
              { cause: error },
            ),
          );
        } else if (error.code === 'EACCES') {
          finish(
            new IacToolMissingError(this.binary, 'it is not executable', {
              cause: error,
            }),
          );
        } else {
          finish(
            new IacError(
              'IAC_SPAWN_FAILED',
              `Could not run ${this.binary} ${subcommand}: ${error.message}`,
              { cause: error },
            ),
          );
        }
      });

      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        if (spec.document) stdoutDocument += chunk;
        else stdoutLines.push(chunk).forEach(onStdoutLine);
      });
      child.stderr.on('data', (chunk: string) => {
        stderrLines.push(chunk).forEach(onStderrLine);
      });

      child.once('close', (code, signal) => {
        if (!spec.document) stdoutLines.end().forEach(onStdoutLine);
        stderrLines.end().forEach(onStderrLine);
        // Cancelled, unless the tool succeeded anyway (the abort raced its end): then the
        // work is done, and the result says so.
        if (cancelled && code !== 0) {
          if (forced) signalChild('SIGKILL', true);
          finish(new IacCancelledError(this.name, subcommand, forced));
          return;
        }
        if (code !== 0) {
          finish(
            new IacCommandError({
              tool: this.name,
              subcommand,
              exitCode: code,
              signal,
              diagnostics: maskDiagnostics(collector.errors(), masker),
              lastLines: lastLines.get(),
            }),
          );
          return;
        }
        finish();
      });
    });
  }
}

function maskerOf(options: IacCallOptions & Partial<IacVariablesOptions>) {
  return Masker.forVariables(
    options.variables,
    options.sensitiveVars,
    options.secretValues,
  );
}

async function checkWorkDir(workDir: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(workDir);
  } catch {
    throw new IacWorkDirError(workDir, 'does not exist');
  }
  if (!stat.isDirectory()) {
    throw new IacWorkDirError(workDir, 'is not a directory');
  }
}

function maskDiagnostics(
  diagnostics: IacDiagnostic[],
  masker: Masker,
): IacDiagnostic[] {
  if (masker.isEmpty) return diagnostics;
  return diagnostics.map(d => ({
    ...d,
    summary: masker.mask(d.summary),
    detail: masker.mask(d.detail),
    ...(d.address !== undefined ? { address: masker.mask(d.address) } : {}),
  }));
}

function countsOf(summary: IacChangeCounts): IacChangeCounts {
  return {
    add: summary.add,
    change: summary.change,
    remove: summary.remove,
    import: summary.import ?? 0,
  };
}

/** Counts as Terraform's plan line counts: a replacement is one add and one remove. */
export function countActions(changes: IacResourceChange[]): IacChangeCounts {
  const counts = { add: 0, change: 0, remove: 0, import: 0 };
  for (const { actions } of changes) {
    if (actions.includes('create')) counts.add += 1;
    if (actions.includes('delete')) counts.remove += 1;
    if (actions.includes('update')) counts.change += 1;
  }
  return counts;
}

function applyResultOf(
  collector: TfStreamCollector,
  masker: Masker,
): ApplyResult {
  const summary =
    collector.summary && collector.summary.operation !== 'plan'
      ? countsOf(collector.summary)
      : {
          add: collector.applied.filter(r => r.action === 'create').length,
          change: collector.applied.filter(r => r.action === 'update').length,
          remove: collector.applied.filter(r => r.action === 'delete').length,
          import: 0,
        };
  return {
    summary,
    resources: collector.applied.map(r => ({
      ...r,
      ...(r.idValue !== undefined ? { idValue: masker.mask(r.idValue) } : {}),
    })),
    diagnostics: maskDiagnostics(collector.warnings(), masker),
  };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJsonDocument(tool: string, subcommand: string, text: string) {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IacOutputFormatError(
      tool,
      subcommand,
      `expected one JSON document, got ${
        text.trim() === '' ? 'nothing' : 'text that is not JSON'
      }`,
    );
  }
}

/**
 * The parts of `show -json <planfile>` Slipway uses: each resource change's address, type,
 * name and actions, and whether any output changes. Values are left behind.
 */
export function parsePlanRepresentation(
  tool: string,
  text: string,
): { resourceChanges: IacResourceChange[]; outputsChange: boolean } {
  const plan = parseJsonDocument(tool, 'show', text);
  if (!isObject(plan) || typeof plan.format_version !== 'string') {
    throw new IacOutputFormatError(
      tool,
      'show',
      'the plan representation has no format_version',
    );
  }
  if (plan.format_version.split('.')[0] !== '1') {
    throw new IacOutputFormatError(
      tool,
      'show',
      `plan format version ${plan.format_version} is not supported (1.x is)`,
    );
  }
  const rawChanges = Array.isArray(plan.resource_changes)
    ? plan.resource_changes
    : [];
  const resourceChanges: IacResourceChange[] = [];
  for (const raw of rawChanges) {
    if (!isObject(raw) || typeof raw.address !== 'string') continue;
    const change = isObject(raw.change) ? raw.change : {};
    const actions = Array.isArray(change.actions)
      ? change.actions.filter((a): a is string => typeof a === 'string')
      : [];
    const entry: IacResourceChange = {
      address: raw.address,
      type: typeof raw.type === 'string' ? raw.type : '',
      name: typeof raw.name === 'string' ? raw.name : '',
      actions,
    };
    if (typeof raw.module_address === 'string') {
      entry.moduleAddress = raw.module_address;
    }
    resourceChanges.push(entry);
  }
  const outputChanges = isObject(plan.output_changes)
    ? Object.values(plan.output_changes)
    : [];
  const outputsChange = outputChanges.some(
    c =>
      isObject(c) &&
      Array.isArray(c.actions) &&
      c.actions.some(a => a !== 'no-op'),
  );
  return { resourceChanges, outputsChange };
}

/** `output -json`: `{ "<name>": { "sensitive": bool, "type": ..., "value": ... } }`. */
export function parseOutputs(tool: string, text: string): IacOutputs {
  const document = parseJsonDocument(tool, 'output', text);
  if (!isObject(document)) {
    throw new IacOutputFormatError(
      tool,
      'output',
      'expected a JSON object of outputs',
    );
  }
  const outputs: IacOutputs = {};
  for (const [name, raw] of Object.entries(document)) {
    if (!isObject(raw) || typeof raw.sensitive !== 'boolean') {
      throw new IacOutputFormatError(
        tool,
        'output',
        `output "${name}" is not of the form {sensitive, type, value}`,
      );
    }
    outputs[name] = { value: raw.value, sensitive: raw.sensitive };
    if (raw.type !== undefined) outputs[name].type = raw.type;
  }
  return outputs;
}

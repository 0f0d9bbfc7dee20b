import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Masker } from './mask';
import { TfStreamCollector } from './streamCollector';
import {
  countActions,
  parsePlanRepresentation,
  parseOutputs,
  parseStateAddresses,
} from './terraformDocuments';
import {
  checkWorkDir,
  IacLogger,
  maskDiagnostics,
  runTool,
  RunOutcome,
  RunSpec,
} from './toolProcess';
import {
  ApplyResult,
  IacApplyOptions,
  IacCallOptions,
  IacChangeCounts,
  IacDestroyOptions,
  IacInitOptions,
  IacOutputs,
  IacOutputsOptions,
  IacPlanOptions,
  IacStateOptions,
  IacTool,
  IacVariablesOptions,
  InitResult,
  PlanResult,
} from './types';

/** How long the tool gets between SIGINT (graceful stop) and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 10_000;
export const DEFAULT_VAR_FILE_NAME = 'slipway.auto.tfvars.json';
export const DEFAULT_PLAN_FILE_NAME = 'slipway.tfplan';

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

  /**
   * `show -json` of the state: it holds attribute values in clear text, so it is parsed here
   * and only the resource addresses leave this function.
   */
  async stateResources(options: IacStateOptions): Promise<string[]> {
    const { stdout } = await this.run({
      subcommand: 'show',
      args: ['-no-color', '-json'],
      options,
      masker: maskerOf(options),
      document: true,
    });
    return parseStateAddresses(this.name, stdout);
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

  private run(spec: RunSpec): Promise<RunOutcome> {
    return runTool(
      {
        binary: this.binary,
        name: this.name,
        killGraceMs: this.killGraceMs,
        env: this.options.env,
        logger: this.options.logger,
      },
      spec,
    );
  }
}

function maskerOf(options: IacCallOptions & Partial<IacVariablesOptions>) {
  return Masker.forVariables(
    options.variables,
    options.sensitiveVars,
    options.secretValues,
  );
}

function countsOf(summary: IacChangeCounts): IacChangeCounts {
  return {
    add: summary.add,
    change: summary.change,
    remove: summary.remove,
    import: summary.import ?? 0,
  };
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

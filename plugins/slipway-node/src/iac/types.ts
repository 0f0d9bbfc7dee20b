/**
 * The shape of an infrastructure-as-code tool as Slipway drives it: init a working directory,
 * plan into a saved plan file, apply exactly that plan, read the outputs, destroy. Terraform
 * and OpenTofu implement it through `TerraformRunner`; other tools can implement it later.
 */

/** Options every call takes. */
export interface IacCallOptions {
  /** The directory holding the root module; the tool runs with it as its working directory. */
  workDir: string;
  /** Human progress lines, one per call, as they happen (sensitive values are masked). */
  onProgress?: (line: string) => void;
  /** Aborting stops the tool gracefully (SIGINT), then forcibly after a grace period. */
  signal?: AbortSignal;
  /** Extra environment for the tool, e.g. provider credentials. */
  env?: Record<string, string>;
  /**
   * Further literal values to mask in progress lines and errors, e.g. credentials passed
   * through `env`.
   */
  secretValues?: string[];
}

/** Options of the calls that take input variables. */
export interface IacVariablesOptions extends IacCallOptions {
  /**
   * Input variables of the root module. They travel in a JSON var file (mode 0600) in the
   * working directory, never on the command line, and are never logged.
   */
  variables?: Record<string, unknown>;
  /**
   * Names of variables whose values must not appear in progress lines or errors either: every
   * occurrence is replaced by `(sensitive value)`.
   */
  sensitiveVars?: string[];
}

export interface IacInitOptions extends IacCallOptions {
  /** Files of partial backend configuration, each passed as `-backend-config=<file>`. */
  backendConfigFiles?: string[];
}

export interface IacPlanOptions extends IacVariablesOptions {
  /** Where to save the plan; default `slipway.tfplan` in the working directory. */
  planFile?: string;
}

/**
 * Apply takes no variables: the saved plan carries them. `variables` and `sensitiveVars` are
 * used only to mask sensitive values; a runner also remembers them from the `plan` call that
 * wrote the same plan file.
 */
export type IacApplyOptions = IacVariablesOptions;

export type IacDestroyOptions = IacVariablesOptions;

export type IacOutputsOptions = IacCallOptions;

export type IacStateOptions = IacCallOptions;

export type IacDiagnosticSeverity = 'error' | 'warning';

export interface IacSourcePosition {
  line: number;
  column: number;
  byte?: number;
}

/** A problem the tool reported, with its source location when it has one. */
export interface IacDiagnostic {
  severity: IacDiagnosticSeverity;
  summary: string;
  detail: string;
  /** The resource the diagnostic is about, when the tool says. */
  address?: string;
  range?: {
    filename: string;
    start: IacSourcePosition;
    end: IacSourcePosition;
  };
}

/** How many resources a plan adds, changes and removes (a replacement counts in add and remove). */
export interface IacChangeCounts {
  add: number;
  change: number;
  remove: number;
  /** Resources the plan imports, when the tool reports it. */
  import?: number;
}

/** Terraform's change actions: `["create"]`, `["delete", "create"]` for a replacement, ... */
export type IacChangeAction =
  | 'no-op'
  | 'create'
  | 'read'
  | 'update'
  | 'delete'
  | 'forget'
  | (string & {});

/** One resource of a plan. Carries no attribute values: those may be secret. */
export interface IacResourceChange {
  /** e.g. `module.net.aws_instance.host[0]` */
  address: string;
  /** e.g. `module.net`, absent for the root module. */
  moduleAddress?: string;
  type: string;
  name: string;
  actions: IacChangeAction[];
}

export interface InitResult {
  /** Warnings (errors make the call reject). */
  diagnostics: IacDiagnostic[];
}

export interface PlanResult {
  /** Absolute path of the saved plan, to hand to `apply`. */
  planFile: string;
  summary: IacChangeCounts;
  /** Whether applying the plan would change anything. */
  hasChanges: boolean;
  /** Every resource of the plan, including `no-op` and `read` ones. */
  resourceChanges: IacResourceChange[];
  /** Warnings (errors make the call reject). */
  diagnostics: IacDiagnostic[];
}

/** One resource an apply or destroy finished. */
export interface IacAppliedResource {
  address: string;
  action: IacChangeAction;
  idKey?: string;
  idValue?: string;
  elapsedSeconds?: number;
}

export interface ApplyResult {
  summary: IacChangeCounts;
  resources: IacAppliedResource[];
  /** Warnings (errors make the call reject). */
  diagnostics: IacDiagnostic[];
}

export interface IacOutput {
  value: unknown;
  sensitive: boolean;
  /** The tool's type description, e.g. `"string"` or `["list", "string"]`. */
  type?: unknown;
}

export type IacOutputs = Record<string, IacOutput>;

/** An infrastructure-as-code tool: the extension point other tools implement. */
export interface IacTool {
  /** e.g. `terraform` or `tofu`. */
  readonly name: string;
  init(options: IacInitOptions): Promise<InitResult>;
  plan(options: IacPlanOptions): Promise<PlanResult>;
  /** Applies exactly the saved plan. */
  apply(planFile: string, options: IacApplyOptions): Promise<ApplyResult>;
  outputs(options: IacOutputsOptions): Promise<IacOutputs>;
  /**
   * The addresses of the resources in the working directory's state (local or the configured
   * backend's, after `init`); empty when there is no state. Only addresses: values may be secret.
   */
  stateResources(options: IacStateOptions): Promise<string[]>;
  destroy(options: IacDestroyOptions): Promise<ApplyResult>;
}

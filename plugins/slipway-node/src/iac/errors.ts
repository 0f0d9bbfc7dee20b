import { IacDiagnostic } from './types';

/** The config key that names the Terraform/OpenTofu executable. */
export const IAC_BINARY_CONFIG_KEY = 'slipway.iac.binary';

/** Base class of the IaC errors; `code` tells them apart. */
export class IacError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The executable could not be started: not there, or not executable. */
export class IacToolMissingError extends IacError {
  readonly binary: string;

  constructor(binary: string, reason: string, options?: { cause?: unknown }) {
    super(
      'IAC_TOOL_MISSING',
      `Could not run the IaC tool "${binary}": ${reason}. Install Terraform or OpenTofu, ` +
        `or set ${IAC_BINARY_CONFIG_KEY} to the path of its executable (terraform or tofu).`,
      options,
    );
    this.binary = binary;
  }
}

/** A command of the tool exited with a failure. */
export class IacCommandError extends IacError {
  /** The exit code; null when the process was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** e.g. `apply` */
  readonly subcommand: string;
  /** The error diagnostics the tool reported (sensitive values masked). */
  readonly diagnostics: IacDiagnostic[];
  /** The last lines of plain output (stderr, non-JSON stdout), masked, for when there are no diagnostics. */
  readonly lastLines: string[];

  constructor(args: {
    tool: string;
    subcommand: string;
    exitCode: number | null;
    signal?: string | null;
    diagnostics: IacDiagnostic[];
    lastLines: string[];
  }) {
    const how =
      args.exitCode === null
        ? `was ended by signal ${args.signal ?? 'unknown'}`
        : `failed with exit code ${args.exitCode}`;
    let details = '';
    if (args.diagnostics.length > 0) {
      details = `:\n${args.diagnostics
        .map(d => `Error: ${d.summary}${d.detail ? `: ${d.detail}` : ''}`)
        .join('\n')}`;
    } else if (args.lastLines.length > 0) {
      details = `. Last lines of output:\n${args.lastLines.join('\n')}`;
    }
    super(
      'IAC_COMMAND_FAILED',
      `${args.tool} ${args.subcommand} ${how}${details}`,
    );
    this.exitCode = args.exitCode;
    this.signal = args.signal ?? null;
    this.subcommand = args.subcommand;
    this.diagnostics = args.diagnostics;
    this.lastLines = args.lastLines;
  }
}

/** The call was aborted through its signal; the tool was stopped. */
export class IacCancelledError extends IacError {
  readonly subcommand: string;
  /** True when the tool did not stop within the grace period after SIGINT and was killed. */
  readonly forced: boolean;

  constructor(tool: string, subcommand: string, forced: boolean) {
    super(
      'IAC_CANCELLED',
      forced
        ? `${tool} ${subcommand} was cancelled and did not stop within the grace period: it was killed. ` +
            'Its state may be locked or incomplete; check it before the next run.'
        : `${tool} ${subcommand} was cancelled and stopped gracefully`,
    );
    this.subcommand = subcommand;
    this.forced = forced;
  }
}

/** The tool printed something that is not the documented JSON format. */
export class IacOutputFormatError extends IacError {
  constructor(tool: string, subcommand: string, reason: string) {
    super(
      'IAC_OUTPUT_FORMAT',
      `${tool} ${subcommand} printed output Slipway does not understand: ${reason}`,
    );
  }
}

/** The working directory does not exist or is not a directory. */
export class IacWorkDirError extends IacError {
  constructor(workDir: string, reason: string) {
    super(
      'IAC_WORKDIR_INVALID',
      `The IaC working directory ${workDir} ${reason}`,
    );
  }
}

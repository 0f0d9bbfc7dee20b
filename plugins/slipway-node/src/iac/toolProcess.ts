import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { LastLines, LineSplitter } from '../connection/lines';
import {
  IacCancelledError,
  IacCommandError,
  IacError,
  IacToolMissingError,
  IacWorkDirError,
} from './errors';
import { describeEvent } from './describeEvent';
import { isSupportedUiVersion, parseLine } from './jsonStream';
import { Masker } from './mask';
import { TfStreamCollector } from './streamCollector';
import { IacCallOptions, IacDiagnostic } from './types';

/** The part of Backstage's LoggerService the runner uses. */
export interface IacLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** What `runTool` needs to know of the runner that calls it. */
export interface ToolSettings {
  binary: string;
  name: string;
  killGraceMs: number;
  env?: Record<string, string>;
  logger?: IacLogger;
}

export type RunSpec = {
  subcommand: string;
  args: string[];
  options: IacCallOptions;
  masker: Masker;
  /** The command prints one JSON document on stdout (show, output), not a message stream. */
  document?: boolean;
};

export type RunOutcome = { collector: TfStreamCollector; stdout: string };

/**
 * Runs one subcommand of the tool with an argv array (never a shell) in its own process group,
 * streaming progress lines; on abort, SIGINT, then SIGKILL after the grace period.
 */
export async function runTool(
  settings: ToolSettings,
  spec: RunSpec,
): Promise<RunOutcome> {
  const { subcommand, options, masker } = spec;
  if (options.signal?.aborted) {
    throw new IacCancelledError(settings.name, subcommand, false);
  }
  await checkWorkDir(options.workDir);
  const argv = [subcommand, ...spec.args];
  settings.logger?.info(
    `Running ${settings.binary} ${argv.join(' ')} in ${options.workDir}`,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...settings.env,
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
          `Warning: ${settings.name} speaks machine-readable UI version ${event.ui}, ` +
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

    const child = spawn(settings.binary, argv, {
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
      settings.logger?.warn(
        `Cancelling ${settings.name} ${subcommand} in ${options.workDir}: SIGINT, SIGKILL in ${settings.killGraceMs} ms`,
      );
      // SIGINT is Terraform's graceful stop: it finishes in-flight operations, writes its
      // state and releases the lock. Only the tool itself gets it, as from a terminal's ^C
      // for the tool alone; its providers ignore SIGINT anyway.
      signalChild('SIGINT', false);
      killTimer = setTimeout(() => {
        forced = true;
        signalChild('SIGKILL', true);
      }, settings.killGraceMs);
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
            settings.binary,
            'no such executable was found',
            { cause: error },
          ),
        );
      } else if (error.code === 'EACCES') {
        finish(
          new IacToolMissingError(settings.binary, 'it is not executable', {
            cause: error,
          }),
        );
      } else {
        finish(
          new IacError(
            'IAC_SPAWN_FAILED',
            `Could not run ${settings.binary} ${subcommand}: ${error.message}`,
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
        finish(new IacCancelledError(settings.name, subcommand, forced));
        return;
      }
      if (code !== 0) {
        finish(
          new IacCommandError({
            tool: settings.name,
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

export async function checkWorkDir(workDir: string): Promise<void> {
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

export function maskDiagnostics(
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

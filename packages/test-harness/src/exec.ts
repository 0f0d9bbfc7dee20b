import { execFile, spawn, ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import fs from 'node:fs';

/** Runs a program with an argv array (never through a shell) and returns its stdout. */
export function run(
  file: string,
  args: string[],
  options: {
    input?: string | Buffer;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
  } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'buffer',
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = Buffer.concat([stderr as Buffer, stdout as Buffer])
            .toString('utf8')
            .trim()
            .split('\n')
            .slice(-20)
            .join('\n');
          reject(
            new Error(
              `${file} ${args.join(' ')} failed: ${error.message}\n${detail}`,
            ),
          );
          return;
        }
        resolve((stdout as Buffer).toString('utf8'));
      },
    );
    if (options.input !== undefined) {
      child.stdin?.end(options.input);
    }
  });
}

/** Starts a long-running daemon with its output in a log file. */
export function startDaemon(
  file: string,
  args: string[],
  logFile: string,
): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(file, args, {
    stdio: ['ignore', log, log],
    detached: true,
  });
  fs.closeSync(log);
  child.unref();
  return child;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}${
      lastError ? `: ${String(lastError)}` : ''
    }`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Stops a process we started: SIGTERM, then SIGKILL if it does not go. */
/** The last lines of a daemon's log, for the error that says it did not come up. */
export function logTail(logFile: string, lines = 15): string {
  return fs.existsSync(logFile)
    ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n')
    : '';
}

export async function stopProcess(
  pid: number,
  graceMs = 10_000,
): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 100));
  }
  if (alive()) process.kill(pid, 'SIGKILL');
}

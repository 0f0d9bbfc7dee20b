import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from './exec';
import type { Harness } from './harness';

/**
 * The real portal backend, for the backend package's tests and the live-status benchmark:
 * `packages/backend/src/index.ts` started as `./dev start` starts it (the repo's
 * app-config.yaml, through Backstage's TypeScript transform), on a given port, with its
 * SQLite files in `dataDir` and extra config on top. Found by its place in the repository,
 * not as a dependency, so the harness still depends on no Slipway package.
 */
const ROOT = path.resolve(
  path.dirname(require.resolve('@slipway/test-harness/package.json')),
  '../..',
);
const BACKEND_DIR = path.join(ROOT, 'packages/backend');

export type RunningBackend = {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
};

/** Starts the portal backend and waits until `/api/slipway/health` answers 200. */
export async function startBackend(
  port: number,
  dataDir: string,
  extraConfig: object = {},
  env: Record<string, string> = {},
): Promise<RunningBackend> {
  const override = path.join(dataDir, 'app-config.test.json');
  fs.writeFileSync(
    override,
    JSON.stringify({
      backend: {
        baseUrl: `http://localhost:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: {
          client: 'better-sqlite3',
          connection: { directory: path.join(dataDir, 'sqlite') },
        },
      },
      ...extraConfig,
    }),
  );
  // The backend's own toolchain (its devDependency), as `backstage-cli package start` uses it.
  const nodeTransform = require.resolve(
    '@backstage/cli-node/config/nodeTransform.cjs',
    { paths: [BACKEND_DIR] },
  );
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--require',
      nodeTransform,
      'src/index.ts',
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      override,
    ],
    {
      cwd: BACKEND_DIR,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    'the backend to answer /api/slipway/health',
    async () => {
      if (child.exitCode !== null)
        throw new Error(`backend exited with ${child.exitCode}:\n${output}`);
      const res = await fetch(`${baseUrl}/api/slipway/health`);
      return res.status === 200 ? true : undefined;
    },
    90_000,
    500,
  ).catch(error => {
    child.kill('SIGKILL');
    throw new Error(
      `${error.message}\n--- backend output ---\n${output.slice(-4000)}`,
    );
  });
  return { child, baseUrl, output: () => output };
}

/** Stops it with `signal` (default SIGTERM: its shutdown hooks run), SIGKILL after 15 s. */
export async function stopBackend(
  running: RunningBackend,
  signal: NodeJS.Signals = 'SIGTERM',
) {
  if (running.child.exitCode !== null || running.child.signalCode !== null)
    return;
  const exited = new Promise(resolve => running.child.once('exit', resolve));
  running.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    exited,
    new Promise(r => {
      timer = setTimeout(r, 15_000);
    }),
  ]);
  // A pending timer would keep Jest's worker alive after the backend is gone.
  clearTimeout(timer);
  if (running.child.exitCode === null && running.child.signalCode === null)
    running.child.kill('SIGKILL');
}

/** Signs in as the guest, as the portal's frontend does, and returns the token. */
export async function guestToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (res.status !== 200)
    throw new Error(`guest sign-in answered ${res.status}`);
  const body = await res.json();
  return body.backstageIdentity.token;
}

/**
 * The harness's sshd + Docker Engine as a Slipway host for `slipway.hosts`: named `harness`
 * unless `name` says otherwise, with its key as a file path or, with `inlineKey`, inline.
 */
export function harnessHost(
  harness: Harness,
  opts: { name?: string; inlineKey?: boolean } = {},
) {
  return {
    name: opts.name ?? 'harness',
    address: harness.ssh.host,
    port: harness.ssh.port,
    user: harness.ssh.username,
    ...(opts.inlineKey
      ? { privateKey: harness.ssh.privateKey }
      : { privateKeyFile: harness.ssh.privateKeyPath }),
    hostKey: harness.ssh.hostPublicKey,
  };
}

/** Debian's Chromium, which `./dev` installs (no browser download is possible here). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * How to launch headless Chromium on this machine, for playwright-core's
 * `chromium.launch(chromiumLaunchOptions())`: Debian's binary, and no background fetches or
 * QUIC (the network is closed). The caller brings playwright-core, so the harness does not.
 */
export function chromiumLaunchOptions() {
  return {
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  };
}

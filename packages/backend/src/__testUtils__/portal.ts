import { ChildProcess, spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { Harness, waitFor } from '@slipway/test-harness';

/**
 * Boots the real portal backend (src/index.ts with the repo's app-config.yaml), as
 * `./dev start` does, on a given port with its SQLite files in `dataDir`, plus extra config.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const NODE_TRANSFORM = require.resolve(
  '@backstage/cli-node/config/nodeTransform.cjs',
);

export type RunningBackend = {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
};

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
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--require',
      NODE_TRANSFORM,
      'src/index.ts',
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      override,
    ],
    {
      cwd: path.join(ROOT, 'packages/backend'),
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

export async function stopBackend(
  running: RunningBackend,
  signal: NodeJS.Signals = 'SIGTERM',
) {
  if (running.child.exitCode !== null || running.child.signalCode !== null)
    return;
  const exited = new Promise(resolve => running.child.once('exit', resolve));
  running.child.kill(signal);
  await Promise.race([exited, new Promise(r => setTimeout(r, 15_000))]);
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

/** The harness's sshd + Docker Engine as a Slipway host named `harness`, for `slipway.hosts`. */
export function harnessHost(harness: Harness) {
  return {
    name: 'harness',
    address: harness.ssh.host,
    port: harness.ssh.port,
    user: harness.ssh.username,
    privateKeyFile: harness.ssh.privateKeyPath,
    hostKey: harness.ssh.hostPublicKey,
  };
}

/** Debian's Chromium, which `./dev` installs (no browser download is possible here). */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium for this machine: its network is closed, so no background fetches or QUIC. */
export function launchChromium() {
  return chromium.launch({
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
  });
}

import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '@slipway/test-harness';

/**
 * Boots the real portal backend (src/index.ts with the repo's app-config.yaml), as
 * `./dev start` does, on a free port with its SQLite files in a temporary folder.
 */
const ROOT = path.resolve(__dirname, '../../..');
const NODE_TRANSFORM = require.resolve(
  '@backstage/cli-node/config/nodeTransform.cjs',
);

type Running = { child: ChildProcess; baseUrl: string; output: () => string };

async function startBackend(port: number, dataDir: string): Promise<Running> {
  const override = path.join(dataDir, 'app-config.test.yaml');
  fs.writeFileSync(
    override,
    [
      'backend:',
      `  baseUrl: http://localhost:${port}`,
      `  listen: { port: ${port}, host: 127.0.0.1 }`,
      '  database:',
      '    client: better-sqlite3',
      `    connection: { directory: ${JSON.stringify(
        path.join(dataDir, 'sqlite'),
      )} }`,
      '',
    ].join('\n'),
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
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' },
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

async function stopBackend(running: Running) {
  if (running.child.exitCode !== null) return;
  const exited = new Promise(resolve => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  await Promise.race([exited, new Promise(r => setTimeout(r, 15_000))]);
  if (running.child.exitCode === null) running.child.kill('SIGKILL');
}

async function guestToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  expect(res.status).toBe(200);
  const body = await res.json();
  return body.backstageIdentity.token;
}

describe('the Slipway portal backend', () => {
  const dataDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'slipway-backend-test-'),
  );
  let running: Running | undefined;

  afterAll(async () => {
    if (running) await stopBackend(running);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('boots with Slipway, the scaffolder and the catalog, and keeps state across a restart', async () => {
    const port = await freePort();
    running = await startBackend(port, dataDir);
    const { baseUrl } = running;

    const health = await (await fetch(`${baseUrl}/api/slipway/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: { ok: true } });

    const token = await guestToken(baseUrl);
    const auth = { Authorization: `Bearer ${token}` };

    // Slipway's API refuses anonymous callers and answers signed-in ones.
    expect((await fetch(`${baseUrl}/api/slipway/hosts`)).status).toBe(401);
    const hosts = await (
      await fetch(`${baseUrl}/api/slipway/hosts`, { headers: auth })
    ).json();
    expect(hosts.items.map((h: { name: string }) => h.name)).toEqual(['local']);

    // The scaffolder is up with Slipway's actions.
    const actions = await (
      await fetch(`${baseUrl}/api/scaffolder/v2/actions`, { headers: auth })
    ).json();
    expect(actions.map((a: { id: string }) => a.id)).toContain(
      'slipway:validate-deploy-request',
    );

    // The catalog ingests the examples and templates from app-config's locations.
    const names = await waitFor(
      'the catalog to ingest examples/ and templates/',
      async () => {
        const res = await fetch(
          `${baseUrl}/api/catalog/entities?filter=kind=component,kind=template`,
          { headers: auth },
        );
        const entities = (await res.json()) as { metadata: { name: string } }[];
        const found = entities.map(e => e.metadata.name);
        return found.includes('hello-static') &&
          found.includes('slipway-check-deploy-request')
          ? found
          : undefined;
      },
      60_000,
      1000,
    );
    expect(names).toEqual(
      expect.arrayContaining(['hello-static', 'slipway-check-deploy-request']),
    );

    // Something stored now must be there after a restart (SQLite files, not memory).
    const bucket = `${baseUrl}/api/user-settings/buckets/slipway-test/keys/restart`;
    const put = await fetch(bucket, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ value: 'survives' }),
    });
    expect(put.status).toBe(200);

    await stopBackend(running);
    running = await startBackend(port, dataDir);
    const token2 = await guestToken(running.baseUrl);
    const stored = await (
      await fetch(bucket, { headers: { Authorization: `Bearer ${token2}` } })
    ).json();
    expect(stored.value).toBe('survives');
    expect(fs.readdirSync(path.join(dataDir, 'sqlite'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/slipway/)]),
    );
  }, 240_000);
});

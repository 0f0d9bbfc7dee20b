import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '@slipway/test-harness';
import {
  guestToken,
  RunningBackend,
  startBackend,
  stopBackend,
} from './__testUtils__/portal';

describe('the Slipway portal backend', () => {
  const dataDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'slipway-backend-test-'),
  );
  let running: RunningBackend | undefined;

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

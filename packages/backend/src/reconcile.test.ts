import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTestRepo,
  freePort,
  getHarness,
  removeLabelled,
  GitServer,
  run,
  startGitServer,
  waitFor,
} from '@slipway/test-harness';
import {
  guestToken,
  harnessHost,
  RunningBackend,
  startBackend,
  stopBackend,
} from './__testUtils__/portal';

/**
 * The portal backend is killed (SIGKILL, no shutdown hooks) in the middle of a deploy and
 * started again: the deployment must not be left hanging, the app's lock must be free, and the
 * app's state must match its real containers.
 */
const EXAMPLES = path.resolve(__dirname, '../../../examples');
jest.setTimeout(300_000);

describe('a backend restart during a deploy', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-reconcile-'));
  const app = `reconcile-${Math.random().toString(36).slice(2, 8)}`;
  let git: GitServer;
  let backend: RunningBackend | undefined;

  afterAll(async () => {
    if (backend) await stopBackend(backend);
    await git?.close();
    await removeLabelled(`slipway.app=${app}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is reconciled from the host when the backend comes back', async () => {
    const harness = getHarness();
    git = await startGitServer();
    const repo = await createTestRepo(
      git,
      app,
      path.join(EXAMPLES, 'hello-static'),
    );
    // A build slow enough to kill the backend in the middle of it.
    await repo.commit('slow build', {
      Dockerfile:
        'FROM busybox:1.35\nRUN sleep 20\nCOPY public/ /www/\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n',
    });
    const config = {
      slipway: {
        hosts: [harnessHost(harness)],
        repos: { allowedHosts: ['127.0.0.1'] },
        // A short lock lease: the killed backend's job is settled as soon as it lapses.
        deploy: { workDir: path.join(dataDir, 'work'), lockTtlSeconds: 3 },
      },
    };
    const port = await freePort();
    const appPort = await freePort();
    backend = await startBackend(port, dataDir, config);
    const token = await guestToken(backend.baseUrl);
    const api = (p: string, init: RequestInit = {}) =>
      fetch(`${backend!.baseUrl}/api/slipway${p}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          ...init.headers,
        },
      });
    const body = JSON.stringify({
      name: app,
      repo: repo.url,
      port: appPort,
      container_port: 8080,
      health_path: '/health',
      host: 'harness',
      // The guest's team (examples/org.yaml): an app without an owner is only for admins, and the
      // test deploys it again after the restart.
      owner: 'group:default/platform-team',
    });

    const started = await api('/apps/deploy', { method: 'POST', body });
    expect(started.status).toBe(202);
    const { deployment } = await started.json();
    await waitFor(
      'the build to start',
      async () => {
        const res = await (await api(`/deployments/${deployment.id}`)).json();
        return res.log.some((l: { line: string }) =>
          l.line.startsWith('Building image'),
        )
          ? true
          : undefined;
      },
      60_000,
    );

    await stopBackend(backend, 'SIGKILL');
    backend = await startBackend(port, dataDir, config);
    const token2 = await guestToken(backend.baseUrl);
    const api2 = (p: string, init: RequestInit = {}) =>
      fetch(`${backend!.baseUrl}/api/slipway${p}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${token2}`,
          'Content-Type': 'application/json',
          ...init.headers,
        },
      });

    const settled = await waitFor(
      'the interrupted deployment to be reconciled',
      async () => {
        const res = await (await api2(`/deployments/${deployment.id}`)).json();
        return ['failed', 'succeeded'].includes(res.deployment.status)
          ? res
          : undefined;
      },
      60_000,
      500,
    );
    expect(settled.deployment.status).toBe('failed');
    expect(settled.deployment.diagnosis).toContain(
      "the job's backend stopped renewing its lock (it died or restarted); this replica settled the job",
    );
    expect(
      settled.log.map((l: { line: string }) => l.line).join('\n'),
    ).toContain("Reconciled: the job's backend stopped renewing its lock");

    // Nothing of the interrupted deploy runs, and the app says so.
    const containers = (
      await run('docker', [
        'ps',
        '-q',
        '--filter',
        `label=slipway.deployment=${deployment.id}`,
      ])
    ).trim();
    expect(containers).toBe('');
    const status = await (await api2(`/apps/${app}/status`)).json();
    expect(status.app.state).toBe('failed');

    // The lock is free: a new deploy of the same app is accepted and succeeds.
    await repo.commit('fast build', {
      Dockerfile:
        'FROM busybox:1.35\nCOPY public/ /www/\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n',
    });
    const again = await api2('/apps/deploy', { method: 'POST', body });
    expect(again.status).toBe(202);
    const second = (await again.json()).deployment;
    const done = await waitFor(
      'the new deploy to finish',
      async () => {
        const res = await (await api2(`/deployments/${second.id}`)).json();
        return ['failed', 'succeeded', 'rolled_back'].includes(
          res.deployment.status,
        )
          ? res.deployment
          : undefined;
      },
      120_000,
      500,
    );
    expect(done.status).toBe('succeeded');
    expect((await (await api2(`/apps/${app}/status`)).json()).app.state).toBe(
      'running',
    );
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import {
  createTestRepo,
  freePort,
  getHarness,
  GitServer,
  removeLabelled,
  run,
  startGitServer,
  waitFor,
} from '@slipway/test-harness';
import {
  CHROMIUM,
  guestToken,
  harnessHost,
  launchChromium,
  RunningBackend,
  startBackend,
  stopBackend,
} from './__testUtils__/portal';

/**
 * The portal in real Chromium (Debian's, driven by playwright-core): the built app as the
 * backend serves it, an example deployed to the harness's sshd + Docker Engine, and the status
 * card following the app live: running, then unhealthy and failed after its container is
 * stopped on the host (no reload), then running again after a click on Redeploy. The guest
 * signs in as an owner of the app (a member of its owner, platform-team), so the portal's
 * Slipway policy shows every action.
 * Screenshots go to .test-output/screenshots (git-ignored).
 */
const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLES = path.join(ROOT, 'examples');
const APP_DIST = path.join(ROOT, 'packages/app/dist/index.html');
const SHOTS = path.join(ROOT, '.test-output/screenshots');
jest.setTimeout(300_000);

describe('the status card in a browser', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const appName = `web-${suffix}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-browser-'));
  let git: GitServer;
  let backend: RunningBackend;
  let browser: Browser | undefined;
  let page: Page;
  let token: string;

  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${backend.baseUrl}/api${p}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
  const shot = (name: string) =>
    page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const cardState = (state: string, timeoutMs: number) =>
    page
      .locator(`[data-testid="slipway-app-state"][data-state="${state}"]`)
      .waitFor({ timeout: timeoutMs });

  beforeAll(async () => {
    if (!fs.existsSync(APP_DIST)) {
      throw new Error(
        `${APP_DIST} is missing: build the frontend first (yarn workspace app build; ./dev test does it)`,
      );
    }
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: apt-get install -y chromium (./dev test does it)`,
      );
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    const harness = getHarness();
    git = await startGitServer();
    const repo = await createTestRepo(
      git,
      `src-${suffix}`,
      path.join(EXAMPLES, 'hello-static'),
    );
    const port = await freePort();
    // The backend serves the built app itself (app-backend), so one origin serves both.
    backend = await startBackend(port, dataDir, {
      app: { baseUrl: `http://localhost:${port}` },
      slipway: {
        hosts: [harnessHost(harness)],
        repos: { allowedHosts: ['127.0.0.1'] },
        deploy: { workDir: path.join(dataDir, 'work') },
        health: {
          intervalSeconds: 1,
          failureThreshold: 2,
          probeTimeoutMs: 1000,
        },
      },
    });
    token = await guestToken(backend.baseUrl);

    const started = await api('/slipway/apps/deploy', {
      method: 'POST',
      body: JSON.stringify({
        name: appName,
        repo: repo.url,
        host: 'harness',
        port: await freePort(),
        container_port: 8080,
        health_path: '/health',
        owner: 'group:default/platform-team',
      }),
    });
    if (started.status !== 202)
      throw new Error(
        `deploy answered ${started.status}: ${await started.text()}`,
      );
    await waitFor(
      'the first deploy to succeed',
      async () => {
        const { app } = await (
          await api(`/slipway/apps/${appName}/status`)
        ).json();
        return app.state === 'running' ? true : undefined;
      },
      120_000,
      500,
    );
    const registered = await api('/catalog/locations', {
      method: 'POST',
      body: JSON.stringify({ type: 'slipway-app', target: appName }),
    });
    if (registered.status !== 201)
      throw new Error(
        `registering answered ${registered.status}: ${await registered.text()}`,
      );
    await waitFor(
      'the entity in the catalog',
      async () =>
        (
          await api(`/catalog/entities/by-name/component/default/${appName}`)
        ).status === 200
          ? true
          : undefined,
      60_000,
      500,
    );

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    if (backend) await stopBackend(backend);
    await git?.close();
    await removeLabelled(`slipway.app=${appName}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function followTheAppLive() {
    await page.goto(`${backend.baseUrl}/`);
    await page.getByRole('button', { name: /enter/i }).click();
    // Signed in once the app's navigation shows (the session is kept for the next load).
    await page
      .getByRole('link', { name: 'Slipway' })
      .first()
      .waitFor({ timeout: 60_000 });
    await page.goto(`${backend.baseUrl}/catalog/default/component/${appName}`);

    await cardState('running', 60_000);
    await page
      .locator('[data-testid="slipway-live-mode"][data-live="streaming"]')
      .waitFor({ timeout: 30_000 });
    await page
      .locator('[data-testid="slipway-heartbeat"] li[data-ok="true"]')
      .first()
      .waitFor({ timeout: 30_000 });
    await shot('1-running');
    const actions = await visibleActions();

    // From here on the page must not load again: every change arrives live.
    let navigations = 0;
    page.on('framenavigated', frame => {
      if (frame === page.mainFrame()) navigations++;
    });

    const containers = (
      await run('docker', [
        'ps',
        '-q',
        '--filter',
        `label=slipway.app=${appName}`,
      ])
    )
      .split('\n')
      .filter(Boolean);
    await run('docker', ['stop', '-t', '1', containers[0]]);

    await cardState('unhealthy', 60_000);
    await page
      .locator('[data-testid="slipway-heartbeat"] li[data-ok="false"]')
      .first()
      .waitFor({ timeout: 10_000 });
    await shot('2-unhealthy');
    await cardState('failed', 60_000);
    await page
      .locator('[data-testid="slipway-diagnosis"]')
      .waitFor({ timeout: 10_000 });
    await shot('3-failed');

    await page.getByTestId('slipway-action-redeploy').click();
    const followed = page.getByTestId('slipway-followed-log');
    await followed.waitFor({ timeout: 30_000 });
    await page
      .getByTestId('slipway-followed-log')
      .getByText(/Cloning at commit/)
      .first()
      .waitFor({ timeout: 60_000 });
    await shot('4-redeploying');
    await cardState('running', 120_000);
    await shot('5-running-again');

    const { app } = await (await api(`/slipway/apps/${appName}/status`)).json();
    return { navigations, containers, state: app.state, actions };
  }

  /**
   * The card's actions the guest sees. The permission API answers each button
   * separately (one request per permission and app), so each is waited for.
   */
  async function visibleActions(): Promise<string[]> {
    const seen: string[] = [];
    for (const action of ['redeploy', 'restart', 'rollback', 'destroy']) {
      const shown = await page
        .getByTestId(`slipway-action-${action}`)
        .waitFor({ state: 'visible', timeout: 30_000 })
        .then(
          () => true,
          () => false,
        );
      if (shown) seen.push(action);
    }
    return seen;
  }

  it('shows running, then unhealthy and failed without a reload, then running after Redeploy', async () => {
    try {
      const seen = await followTheAppLive();
      // The app is platform-team's and the guest is a member, so the Slipway
      // policy lets the guest operate and destroy it: every action shows.
      expect(seen.actions).toEqual([
        'redeploy',
        'restart',
        'rollback',
        'destroy',
      ]);
      expect(seen.navigations).toBe(0);
      expect(seen.containers).toHaveLength(1);
      expect(seen.state).toBe('running');
    } catch (error) {
      // What the page showed when a step failed is the first thing to look at.
      await shot('failure').catch(() => undefined);
      throw error;
    }
  });
});

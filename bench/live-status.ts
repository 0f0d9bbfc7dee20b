/*
 * Live status benchmark: how long from a state change on the host (the app's container
 * stopped) to the status card showing it, in real Chromium, streaming (SSE) vs 10-second
 * polling (the Kubernetes plugin's default), measured on the same stops in one run. Prints
 * median and p95 of detection-to-screen and host-to-screen for both. See bench/README.md.
 *
 * This is a benchmark, not a test: it asserts nothing, it prints figures.
 *   bash bench/live-status.sh [--runs N]
 */
import * as th from '@slipway/test-harness';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..');
const POLL_MS = 10_000;
const TARGET_P95_MS = 1000;

type Options = { runs: number };
function parseArgs(argv: string[]): Options {
  const options = { runs: 10 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs')
      options.runs = Math.max(1, Number(argv[++i]) || 1);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: bash bench/live-status.sh [--runs N (default 10)]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]} (try --help)`);
  }
  return options;
}

const quantile = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const ms = (v: number) => `${Math.round(v)} ms`.padStart(9);

/** Records, in the page, the wall-clock time of every state the card shows. */
async function watchCard(page: Page) {
  await page.evaluate(() => {
    const w = window as any;
    w.__slipwayStates = [];
    const record = () => {
      const el = document.querySelector('[data-testid="slipway-app-state"]');
      const state = el?.getAttribute('data-state');
      const last = w.__slipwayStates[w.__slipwayStates.length - 1];
      if (state && state !== last?.state)
        w.__slipwayStates.push({ state, at: Date.now() });
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state'],
    });
    record();
  });
}

async function shownAt(
  page: Page,
  states: string[],
  after: number,
  timeoutMs: number,
) {
  const handle = await page.waitForFunction(
    ({ states: wanted, after: since }) =>
      ((window as any).__slipwayStates as { state: string; at: number }[]).find(
        s => wanted.includes(s.state) && s.at >= since,
      )?.at,
    { states, after },
    { timeout: timeoutMs, polling: 50 },
  );
  return (await handle.jsonValue()) as number;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'packages/app/dist/index.html'))) {
    throw new Error('build the frontend first: yarn workspace app build');
  }

  process.stdout.write('starting the harness, a Git remote and the portal... ');
  const harness = await th.startHarness();
  const git = await th.startGitServer();
  const suffix = Math.random().toString(36).slice(2, 8);
  const app = `live-${suffix}`;
  const repo = await th.createTestRepo(
    git,
    `src-${suffix}`,
    path.join(ROOT, 'examples/hello-static'),
  );
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-live-'));
  const port = await th.freePort();
  const intervalSeconds = 1;
  const backend = await th.startBackend(port, dataDir, {
    app: { baseUrl: `http://localhost:${port}` },
    slipway: {
      hosts: [th.harnessHost(harness)],
      repos: { allowedHosts: ['127.0.0.1'] },
      deploy: { workDir: path.join(dataDir, 'work') },
      health: { intervalSeconds, failureThreshold: 2, probeTimeoutMs: 1000 },
    },
  });
  const token = await th.guestToken(backend.baseUrl);
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${backend.baseUrl}/api${p}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
    });
  const appState = async () =>
    (await (await api(`/slipway/apps/${app}/status`)).json()) as {
      app: { state: string };
      transitions: { to: string; at: string }[];
    };
  const browser = await chromium.launch(th.chromiumLaunchOptions());
  try {
    await api('/slipway/apps/deploy', {
      method: 'POST',
      body: JSON.stringify({
        name: app,
        repo: repo.url,
        host: 'harness',
        port: await th.freePort(),
        container_port: 8080,
        health_path: '/health',
      }),
    });
    await th.waitFor(
      'the deploy',
      async () =>
        (await appState()).app?.state === 'running' ? true : undefined,
      120_000,
      500,
    );
    await api('/catalog/locations', {
      method: 'POST',
      body: JSON.stringify({ type: 'slipway-app', target: app }),
    });
    await th.waitFor(
      'the entity',
      async () =>
        (
          await api(`/catalog/entities/by-name/component/default/${app}`)
        ).status === 200
          ? true
          : undefined,
      60_000,
      500,
    );
    console.log('ready');

    const context = await browser.newContext();
    const live = await context.newPage();
    await live.goto(`${backend.baseUrl}/`);
    await live.getByRole('button', { name: /enter/i }).click();
    await live
      .getByRole('link', { name: 'Slipway' })
      .first()
      .waitFor({ timeout: 60_000 });
    const entityUrl = `${backend.baseUrl}/catalog/default/component/${app}`;
    await live.goto(entityUrl);
    const polled = await context.newPage();
    // The card's forced-polling mode: what a 10 s poll (no stream) shows, on the same stops.
    await polled.goto(`${entityUrl}?slipwayPoll=${POLL_MS}`);
    for (const page of [live, polled]) {
      await page
        .locator('[data-testid="slipway-app-state"][data-state="running"]')
        .waitFor({ timeout: 60_000 });
      await watchCard(page);
    }

    const rows: {
      hostToDetect: number;
      liveDetectToScreen: number;
      liveHostToScreen: number;
      pollDetectToScreen: number;
      pollHostToScreen: number;
    }[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const [container] = (
        await th.run('docker', [
          'ps',
          '-q',
          '--filter',
          `label=slipway.app=${app}`,
        ])
      )
        .split('\n')
        .filter(Boolean);
      await th.run('docker', ['stop', '-t', '1', container]);
      const stopped = Date.now();
      const liveAt = await shownAt(
        live,
        ['unhealthy', 'failed'],
        stopped,
        60_000,
      );
      const pollAt = await shownAt(
        polled,
        ['unhealthy', 'failed'],
        stopped,
        60_000,
      );
      const { transitions } = await appState();
      const detected = transitions
        .filter(
          t =>
            ['unhealthy', 'failed'].includes(t.to) &&
            Date.parse(t.at) >= stopped - 5,
        )
        .map(t => Date.parse(t.at))
        .sort((a, b) => a - b)[0];
      const row = {
        hostToDetect: detected - stopped,
        liveDetectToScreen: liveAt - detected,
        liveHostToScreen: liveAt - stopped,
        pollDetectToScreen: pollAt - detected,
        pollHostToScreen: pollAt - stopped,
      };
      rows.push(row);
      console.log(
        `run ${String(run).padStart(2)}: host→detected ${ms(
          row.hostToDetect,
        )}   detected→screen: SSE ${ms(row.liveDetectToScreen)}, 10 s poll ${ms(
          row.pollDetectToScreen,
        )}`,
      );
      // Back to running before the next stop; both cards must show it.
      const restarted = await api(`/slipway/apps/${app}/restart`, {
        method: 'POST',
      });
      if (restarted.status !== 202)
        throw new Error(
          `restart answered ${restarted.status}: ${await restarted.text()}`,
        );
      const since = Date.now();
      await shownAt(live, ['running'], since, 60_000);
      await shownAt(polled, ['running'], since, 60_000);
    }

    const col = (k: keyof (typeof rows)[number]) => rows.map(r => r[k]);
    const line = (label: string, values: number[]) =>
      console.log(
        `${label.padEnd(38)} median ${ms(quantile(values, 0.5))}   p95 ${ms(
          quantile(values, 0.95),
        )}`,
      );
    console.log(
      `\n${rows.length} stops; health probe every ${intervalSeconds} s, unhealthy after 2 failed probes`,
    );
    line('host → detected (probes, both modes)', col('hostToDetect'));
    line('detected → screen, SSE', col('liveDetectToScreen'));
    line(
      `detected → screen, ${POLL_MS / 1000} s polling`,
      col('pollDetectToScreen'),
    );
    line('host → screen, SSE', col('liveHostToScreen'));
    line(`host → screen, ${POLL_MS / 1000} s polling`, col('pollHostToScreen'));
    const p95 = quantile(col('liveDetectToScreen'), 0.95);
    console.log(
      `\nSSE detection-to-screen p95 ${Math.round(
        p95,
      )} ms (target < ${TARGET_P95_MS} ms): ${
        p95 < TARGET_P95_MS ? 'met' : 'NOT met'
      }; ` +
        `polling is ${(
          quantile(col('pollDetectToScreen'), 0.5) /
          Math.max(1, quantile(col('liveDetectToScreen'), 0.5))
        ).toFixed(0)}x slower at the median`,
    );
  } finally {
    await browser.close();
    await th.stopBackend(backend);
    await git.close();
    await th.removeLabelled(`slipway.app=${app}`).catch(() => undefined);
    await th.stopHarness(harness);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

/*
 * Deploy benchmark: examples/hello-static deployed through Slipway's API end to end, against the
 * same deploy done by a plain bash script over one `ssh` (bench/script-deploy.sh), in one run,
 * on the same sshd, Docker Engine and Git remote. Prints medians, min/max and the ratio
 * Slipway/script. Run it with `bash bench/deploy.sh --runs 5`; see bench/README.md.
 *
 * This is a benchmark, not a test: it asserts nothing, it prints figures.
 */
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createRouter,
  createSlipwayServices,
  SlipwayInstrumentation,
} from '@slipway/plugin-slipway-backend/alpha';
import {
  createTestRepo,
  freePort,
  harnessHost,
  Harness,
  removeLabelled,
  run,
  sshArgs,
  startGitServer,
  startHarness,
  stopHarness,
} from '@slipway/test-harness';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples/hello-static');
const SCRIPT = path.join(__dirname, 'script-deploy.sh');
const TARGET_RATIO = 1.05;
const POLL_MS = 50;
const CONTAINER_PORT = 8080;
const HEALTH_PATH = '/health';
const FINAL = ['succeeded', 'failed', 'rolled_back', 'cancelled'];

// ── arguments ────────────────────────────────────────────────────────────────

type Options = { runs: number; warmup: number; verbose: boolean };

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 5, warmup: 1, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) {
        throw new Error(`${arg} needs a whole number`);
      }
      return v;
    };
    if (arg === '--runs') options.runs = Math.max(1, value());
    else if (arg === '--warmup') options.warmup = value();
    else if (arg === '--verbose' || arg === '-v') options.verbose = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: bash bench/deploy.sh [--runs N (default 5)] [--warmup N (default 1)] [--verbose]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return options;
}

// ── small helpers ────────────────────────────────────────────────────────────

/** Epoch milliseconds with sub-millisecond resolution. */
const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msf = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms)
    ? '   -'
    : `${Math.round(ms)}`.padStart(5);

/** Medians of named phases over several runs, keeping the first run's order. */
function phaseMedians(runs: Array<Record<string, number>>) {
  const names: string[] = [];
  for (const r of runs)
    for (const n of Object.keys(r)) if (!names.includes(n)) names.push(n);
  return names.map(n => ({
    name: n,
    ms: median(runs.map(r => r[n]).filter(v => v !== undefined)),
  }));
}

function countCache(lines: string[]) {
  return {
    steps: lines.filter(l => /^Step \d+\/\d+ :/.test(l.trim())).length,
    cached: lines.filter(l => /Using cache/.test(l)).length,
  };
}

// ── the Slipway side ─────────────────────────────────────────────────────────

type RemoteCommand = { cmd: string; startMs: number; ms: number };

type SlipwayResult = {
  /** POST sent -> the deployment's finishedAt. */
  ms: number;
  /** POST sent -> a client polling every 50 ms sees the final status. */
  observedMs: number;
  phases: Record<string, number>;
  probes: number;
  cache: { steps: number; cached: number };
  commands: RemoteCommand[];
};

type ScriptResult = {
  /** ssh started -> ssh exited right after the first 200. */
  ms: number;
  phases: Record<string, number>;
  probes: number;
  cache: { steps: number; cached: number };
};

/**
 * Records every remote command of Slipway's jobs with its duration (one timestamp pair per
 * command, nothing else changes), to show where a deploy's time goes: Slipway's
 * instrumentation hook wraps each connection it opens.
 */
function timingInstrumentation(sink: {
  commands: RemoteCommand[];
}): SlipwayInstrumentation {
  return {
    async wrapConnection(_host, connect) {
      const started = nowMs();
      const conn = await connect();
      sink.commands.push({
        cmd: 'ssh connect (handshake + auth)',
        startMs: started,
        ms: nowMs() - started,
      });
      return {
        hostName: conn.hostName,
        close: () => conn.close(),
        async exec(command, options) {
          const t = nowMs();
          const words = command.filter(
            w => !w.startsWith('-') && !w.includes('='),
          );
          const label =
            command[0] === 'sh'
              ? 'sh -c (several commands in one session)'
              : command[0] === 'git'
              ? `git ${
                  words.find(w => ['clone', 'rev-parse'].includes(w)) ?? ''
                }`
              : command[0] === 'docker'
              ? `docker ${words[1]}`
              : `${command[0]}`;
          try {
            return await conn.exec(command, options);
          } finally {
            sink.commands.push({ cmd: label, startMs: t, ms: nowMs() - t });
          }
        },
      };
    },
  };
}

// What createRouter needs from Backstage, as plain objects: a logger that prints problems
// (a 500 should say why), every request made by one fixed user, and every permission allowed.

const logger: LoggerService = {
  error: (message, meta) =>
    console.error(`slipway error: ${message}`, meta ?? ''),
  warn: (message, meta) =>
    console.error(`slipway warn: ${message}`, meta ?? ''),
  info: () => undefined,
  debug: () => undefined,
  child: () => logger,
};

const benchUser: BackstageCredentials<BackstageUserPrincipal> = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/bench' },
};

const httpAuth = {
  credentials: async () => benchUser,
  issueUserCookie: async () => ({ expiresAt: new Date(Date.now() + 3600_000) }),
} as HttpAuthService;

const permissions: PermissionsService = {
  authorize: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
};

/**
 * Slipway as plugin.ts wires it (createSlipwayServices and createRouter, from the package's
 * alpha entry point), on a database, with one host named `test`: the harness's sshd. The
 * router sits behind Backstage's error middleware, on a real loopback port.
 */
async function startSlipway(
  knex: Knex,
  harness: Harness,
  instrumentation: SlipwayInstrumentation,
) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-work-'));
  const config = new ConfigReader({
    integrations: {},
    slipway: {
      hosts: [harnessHost(harness, { name: 'test', inlineKey: true })],
      repos: { allowedHosts: ['127.0.0.1'] },
      health: { failureThreshold: 3, probeTimeoutMs: 2000 },
      deploy: { workDir, healthGate: { deadlineSeconds: 20 } },
    },
  });
  const services = await createSlipwayServices({
    config,
    knex,
    logger,
    instrumentation,
  });
  const router = await createRouter({
    ...services,
    logger,
    httpAuth,
    permissions,
  });
  const app = express()
    .use('/api/slipway', router)
    .use(MiddlewareFactory.create({ config, logger }).error());
  const server = http.createServer(app);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${
      (server.address() as { port: number }).port
    }/api/slipway`,
    /** Stops what plugin.ts stops at shutdown, then removes the apps' containers and images. */
    async stop(appNames: string[]) {
      await new Promise(r => server.close(r));
      services.events.close();
      await services.runner.shutdown();
      await services.infraRunner.shutdown();
      await services.pipeline.stop();
      for (const name of appNames) await removeLabelled(`slipway.app=${name}`);
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

async function api(
  base: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, body: parsed };
}

async function untilFinal(base: string, id: string, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api(base, 'GET', `/deployments/${id}`);
    if (res.status !== 200)
      throw new Error(
        `GET /deployments/${id}: ${res.status} ${JSON.stringify(res.body)}`,
      );
    if (FINAL.includes(res.body.deployment.status))
      return { at: nowMs(), body: res.body };
    if (Date.now() > deadline)
      throw new Error(`deployment ${id} did not finish in time`);
    await sleep(POLL_MS);
  }
}

/** Slipway's steps, from the deployment log's timestamps. */
function slipwayPhases(
  postMs: number,
  log: Array<{ line: string; createdAt: string; stream: string }>,
  finishedAt: number,
) {
  const sys = log.filter(l => l.stream === 'system');
  const at = (re: RegExp) => {
    const l = sys.find(x => re.test(x.line));
    return l ? Date.parse(l.createdAt) : NaN;
  };
  // The deploy takes one of two paths: the ref resolved from the backend (git ls-remote, while
  // the SSH handshake runs), then one session; or, when the backend cannot reach the repo, a
  // clone session and then a build-and-run session. A mark the run did not log is skipped.
  const oneSession = !Number.isNaN(at(/^Resolved /));
  const marks: Array<[string, number]> = [
    ['start', postMs],
    ['job started', at(/ started by /)],
    ['cloning', at(/^Cloning /)],
    ['cloned', at(/^Checked out commit/)],
    ['started', at(/^Started /)],
    ['gate', at(/^Health gate:/)],
    ['healthy', at(/^Healthy after/)],
    ['succeeded', at(/^Succeeded:/)],
    ['finished', finishedAt],
  ].filter(([, t]) => !Number.isNaN(t)) as Array<[string, number]>;
  const names: Record<string, string> = {
    'job started': 'POST -> job running (HTTP, lock, DB rows)',
    cloning: oneSession
      ? 'ref resolved (git ls-remote) during the SSH connect, DB'
      : 'SSH connect (handshake + auth), DB',
    cloned: 'session 1: mkdir, rm, git clone, rev-parse, docker ps; DB',
    started: oneSession
      ? 'the session: git clone, checkout, docker build, rm clone, docker stop, docker run; DB'
      : 'session 2: docker build, rm clone, docker stop, docker run; DB',
    gate: 'log lines (DB)',
    healthy: 'health gate',
    succeeded: 'record the outcome (DB)',
    finished: 'finishedAt',
  };
  const phases: Record<string, number> = {};
  for (let i = 1; i < marks.length; i++) {
    phases[names[marks[i][0]]] = marks[i][1] - marks[i - 1][1];
  }
  const healthy = sys.find(x => /^Healthy after/.test(x.line))?.line ?? '';
  const probes = Number(/after (\d+) probe/.exec(healthy)?.[1] ?? NaN);
  return { phases, probes };
}

async function deployWithSlipway(
  base: string,
  sink: { commands: RemoteCommand[] },
  opts: { name: string; repo: string; port: number },
): Promise<SlipwayResult> {
  sink.commands = [];
  const t0 = nowMs();
  const res = await api(base, 'POST', '/apps/deploy', {
    name: opts.name,
    repo: opts.repo,
    ref: 'main',
    port: opts.port,
    container_port: CONTAINER_PORT,
    health_path: HEALTH_PATH,
    host: 'test',
  });
  if (res.status !== 202)
    throw new Error(
      `POST /apps/deploy answered ${res.status}: ${JSON.stringify(res.body)}`,
    );
  const final = await untilFinal(base, res.body.deployment.id);
  const { deployment, log } = final.body;
  if (deployment.status !== 'succeeded') {
    throw new Error(
      `Slipway deploy of ${opts.name} ended ${deployment.status}: ${
        deployment.diagnosis ?? ''
      }\n${log.map((l: { line: string }) => l.line).join('\n')}`,
    );
  }
  const finishedAt = Date.parse(deployment.finishedAt);
  const { phases, probes } = slipwayPhases(t0, log, finishedAt);
  return {
    ms: finishedAt - t0,
    observedMs: final.at - t0,
    phases,
    probes,
    cache: countCache(
      log
        .filter((l: { stream: string }) => l.stream !== 'system')
        .map((l: { line: string }) => l.line),
    ),
    commands: sink.commands.map(c => ({ ...c, startMs: c.startMs - t0 })),
  };
}

async function destroyWithSlipway(base: string, name: string) {
  const res = await api(base, 'DELETE', `/apps/${name}`);
  if (res.status !== 202)
    throw new Error(
      `DELETE /apps/${name} answered ${res.status}: ${JSON.stringify(
        res.body,
      )}`,
    );
  const final = await untilFinal(base, res.body.deployment.id);
  if (final.body.deployment.status !== 'succeeded')
    throw new Error(`destroy of ${name} ended ${final.body.deployment.status}`);
}

// ── the script side ──────────────────────────────────────────────────────────

function deployWithScript(
  ssh: string[],
  opts: {
    name: string;
    repo: string;
    port: number;
    workDir: string;
    runLabel: string;
    deployId: string;
  },
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(
      'bash',
      [
        SCRIPT,
        ...ssh,
        '--',
        opts.name,
        opts.repo,
        'main',
        String(opts.port),
        String(CONTAINER_PORT),
        HEALTH_PATH,
        opts.workDir,
        opts.runLabel,
        opts.deployId,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (err += d));
    child.once('error', reject);
    child.once('close', code => {
      const end = nowMs();
      if (code !== 0) {
        reject(
          new Error(
            `script deploy of ${opts.name} exited ${code}:\n${err}${out}`,
          ),
        );
        return;
      }
      const lines = out.split('\n');
      const mark = (step: string) => {
        const l = lines.find(x => x.startsWith(`bench-mark ${step} `));
        return l ? Number(l.split(' ')[2]) * 1000 : NaN;
      };
      const marks: Array<[string, number]> = [
        ['ssh connect + remote bash', mark('start')],
        ['clone: mkdir, rm, git clone, rev-parse', mark('cloned')],
        ['docker build, rm clone', mark('built')],
        ['docker rm -f, docker run', mark('ran')],
        ['health loop', mark('healthy')],
        ['ssh exit', end],
      ];
      const phases: Record<string, number> = {};
      let prev = t0;
      for (const [n, t] of marks) {
        phases[n] = t - prev;
        prev = t;
      }
      const probes = Number(
        lines.find(l => l.startsWith('bench-probes '))?.split(' ')[1] ?? NaN,
      );
      resolve({ ms: end - t0, phases, probes, cache: countCache(lines) });
    });
  });
}

// ── main ─────────────────────────────────────────────────────────────────────

async function main() {
  const options = parseArgs(process.argv.slice(2));

  const suffix = Math.random().toString(36).slice(2, 8);
  const runLabel = `bench-${suffix}`;
  const cleanups: Array<[string, () => Promise<unknown> | unknown]> = [];
  let cleaning = false;
  const cleanup = async () => {
    if (cleaning) return;
    cleaning = true;
    for (const [what, fn] of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error(`cleanup (${what}) failed: ${(error as Error).message}`);
      }
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    process.stdout.write(
      'starting the harness (dockerd, sshd, base image)... ',
    );
    const harness: Harness = await startHarness();
    cleanups.push(['harness', () => stopHarness(harness)]);
    const ssh = sshArgs(harness.ssh);
    console.log(
      `sshd on ${harness.ssh.host}:${harness.ssh.port}, dockerd ${
        harness.docker.started
          ? 'started by this run'
          : 'already running (reused)'
      }`,
    );

    // The Git remote: the example as a bare repository over dumb HTTP. createTestRepo keeps
    // its working copy in the temp folder; it is found by its unique prefix and removed.
    const git = await startGitServer();
    cleanups.push(['git server', () => git.close()]);
    const repoName = `hello-static-${runLabel}`;
    cleanups.push([
      'repo working copy',
      () => {
        for (const entry of fs.readdirSync(os.tmpdir())) {
          if (entry.startsWith(`slipway-src-${repoName}-`))
            fs.rmSync(path.join(os.tmpdir(), entry), {
              recursive: true,
              force: true,
            });
        }
      },
    ]);
    const repo = await createTestRepo(git, repoName, EXAMPLE);
    const commit = await repo.head();

    // Scratch space: the script's build folder and the cache anchor's checkout.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-'));
    cleanups.push([
      'scratch folder',
      () => fs.rmSync(scratch, { recursive: true, force: true }),
    ]);

    // Everything the script side creates carries slipway-bench.run=<this run>.
    cleanups.push([
      'script containers and images',
      () => removeLabelled(`slipway-bench.run=${runLabel}`),
    ]);

    // Layer cache anchor: an image of the same checkout, kept for the whole run, so that the
    // Dockerfile's own steps (COPY, EXPOSE, USER, CMD) stay cached for both sides even though
    // every run removes its own image afterwards (docker rmi also removes untagged parents
    // that nothing else uses). Each side's three per-deploy --label steps are never cached.
    const anchorDir = path.join(scratch, 'anchor');
    await run('git', ['clone', '-q', '--branch', 'main', repo.url, anchorDir]);
    const anchor = `slipway-bench/anchor:${suffix}`;
    await run('docker', [
      'build',
      '-q',
      '--tag',
      anchor,
      '--label',
      `slipway-bench.run=${runLabel}`,
      anchorDir,
    ]);
    fs.rmSync(anchorDir, { recursive: true, force: true });

    // Slipway: its real router, job runner and store (SQLite in memory), on a real HTTP port.
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    cleanups.push(['database', () => db.destroy()]);
    const sink = { commands: [] as RemoteCommand[] };
    const slipway = await startSlipway(
      db,
      harness,
      timingInstrumentation(sink),
    );
    const slipwayApps: string[] = [];
    cleanups.push(['Slipway and its apps', () => slipway.stop(slipwayApps)]);
    const base = slipway.base;

    const dockerVersion = (
      await run('docker', ['version', '--format', '{{.Server.Version}}'])
    ).trim();
    console.log(
      `examples/hello-static at ${commit.slice(0, 12)} from ${
        repo.url
      }; Docker ${dockerVersion}; ` +
        `Node ${process.version}; ${
          os.cpus().length
        } CPUs; Slipway on SQLite in memory`,
    );

    const slipwayResults: SlipwayResult[] = [];
    const scriptResults: ScriptResult[] = [];
    let seq = 0;

    const oneSlipway = async (counted: boolean, tag: string) => {
      const name = `bs-${suffix}-${++seq}`;
      slipwayApps.push(name);
      const r = await deployWithSlipway(base, sink, {
        name,
        repo: repo.url,
        port: await freePort(),
      });
      await destroyWithSlipway(base, name); // not timed
      if (counted) slipwayResults.push(r);
      console.log(
        `  ${tag.padEnd(10)} slipway ${sec(r.ms)} (client saw ${sec(
          r.observedMs,
        )}; ${r.probes} probe(s); build steps cached ${r.cache.cached}/${
          r.cache.steps
        })`,
      );
      if (options.verbose) {
        for (const c of r.commands)
          console.log(
            `               +${msf(c.startMs)} ms  ${msf(c.ms)} ms  ${c.cmd}`,
          );
      }
    };
    const oneScript = async (counted: boolean, tag: string) => {
      const name = `bx-${suffix}-${++seq}`;
      const deployId = `d${seq}`;
      const r = await deployWithScript(ssh, {
        name,
        repo: repo.url,
        port: await freePort(),
        workDir: path.join(scratch, 'builds'),
        runLabel,
        deployId,
      });
      // Not timed: the script's container and image go, as Slipway's destroy removes its own.
      await run('docker', ['rm', '-f', name]);
      await run('docker', ['rmi', '-f', `slipway-bench/${name}:${deployId}`]);
      if (counted) scriptResults.push(r);
      console.log(
        `  ${tag.padEnd(10)} script  ${sec(r.ms)} (${
          r.probes
        } probe(s); build steps cached ${r.cache.cached}/${r.cache.steps})`,
      );
    };

    console.log(`\nwarm-up (${options.warmup} each, not counted):`);
    for (let i = 0; i < options.warmup; i++) {
      await oneSlipway(false, 'warm-up');
      await oneScript(false, 'warm-up');
    }
    console.log(
      `timed runs (order alternates: odd runs Slipway first, even runs script first):`,
    );
    for (let i = 0; i < options.runs; i++) {
      const tag = `run ${i + 1}/${options.runs}`;
      if (i % 2 === 0) {
        await oneSlipway(true, tag);
        await oneScript(true, tag);
      } else {
        await oneScript(true, tag);
        await oneSlipway(true, tag);
      }
    }

    // ── report ─────────────────────────────────────────────────────────────
    const s = slipwayResults.map(r => r.ms);
    const o = slipwayResults.map(r => r.observedMs);
    const b = scriptResults.map(r => r.ms);
    const ratio = median(s) / median(b);
    const line = (label: string, v: number[]) =>
      `${label.padEnd(8)} median ${sec(median(v))}  min ${sec(
        Math.min(...v),
      )}  max ${sec(Math.max(...v))}`;
    console.log('');
    console.log(`runs: ${options.runs} (after ${options.warmup} warm-up each)`);
    console.log(
      `${line('slipway', s)}   (POST -> the deployment's finishedAt)`,
    );
    console.log(
      `${line('script', b)}   (ssh started -> ssh exited after the first 200)`,
    );
    console.log(
      `ratio slipway/script (medians): ${ratio.toFixed(
        2,
      )}   target <= ${TARGET_RATIO.toFixed(2)}: ${
        ratio <= TARGET_RATIO ? 'MET' : 'NOT MET'
      }`,
    );
    console.log(
      `(slipway as seen by a client polling every ${POLL_MS} ms: median ${sec(
        median(o),
      )}, min ${sec(Math.min(...o))}, max ${sec(
        Math.max(...o),
      )}; difference of the medians: ${Math.round(
        median(s) - median(b),
      )} ms per deploy)`,
    );
    console.log('\nwhere the time goes (medians over the timed runs, ms):');
    console.log('  slipway (from the deployment log timestamps)');
    for (const p of phaseMedians(slipwayResults.map(r => r.phases)))
      console.log(`    ${msf(p.ms)}  ${p.name}`);
    console.log(
      `    probes in the health gate: median ${median(
        slipwayResults.map(r => r.probes),
      )}`,
    );
    console.log('  script (from $EPOCHREALTIME marks printed on the host)');
    for (const p of phaseMedians(scriptResults.map(r => r.phases)))
      console.log(`    ${msf(p.ms)}  ${p.name}`);
    console.log(
      `    probes in the health loop: median ${median(
        scriptResults.map(r => r.probes),
      )}`,
    );

    // Slipway's remote commands: count and median duration of each kind, per deploy.
    const kinds = new Map<string, number[][]>();
    slipwayResults.forEach((r, i) => {
      for (const c of r.commands) {
        if (!kinds.has(c.cmd))
          kinds.set(
            c.cmd,
            slipwayResults.map(() => []),
          );
        kinds.get(c.cmd)![i].push(c.ms);
      }
    });
    console.log(
      '  slipway remote commands per deploy (mean count x median duration, ms):',
    );
    for (const [cmd, perRun] of kinds) {
      const count = perRun.reduce((n, x) => n + x.length, 0) / perRun.length;
      const shown = Number.isInteger(count) ? String(count) : count.toFixed(1);
      console.log(
        `    ${shown.padStart(3)} x ${msf(median(perRun.flat()))}  ${cmd}`,
      );
    }
    // Round trips of the median run: 1 connection, the rest are one SSH session each.
    const total = median(slipwayResults.map(r => r.commands.length));
    console.log(
      `    ${total} SSH round trips per deploy: 1 connection and ${
        total - 1
      } session(s) (the script: 1 connection, 1 session)`,
    );
    // Every session starts the user's login shell on the host: --ssh-overhead measures that.
    console.log(
      '  `bash bench/deploy.sh --ssh-overhead` splits what one session costs on this host.',
    );
    console.log(`
fairness: each run deploys a new app on each side (own name, port and image tag) from a
fresh clone of the same commit, builds with the same layer cache state (the Dockerfile's
steps cached by an anchor image, the three per-deploy labels not), runs the container
with Slipway's flags (--restart unless-stopped, --publish, 3 labels, --env-file) and
probes ${HEALTH_PATH} until it answers 200 (script: every 0.25 s). Destroying each app
afterwards is not timed on either side. The first deploy of each side is a warm-up and
the order alternates, so drift and caches fall evenly on both. See bench/README.md.`);
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(`\nbenchmark failed: ${error?.stack ?? error}`);
    process.exit(1);
  },
);

import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  APP_STATES,
  AppState,
  AppStatusResponse,
  deployRequestSchema,
  describeZodError,
  dnsLabel,
  formatViolations,
  gitRef,
  isFinalDeploymentStatus,
  ownerRef,
  slipwayAppDeployPermission,
  slipwayAppDestroyPermission,
  slipwayAppOperatePermission,
  slipwayAppReadPermission,
  slipwayHostDestroyPermission,
  slipwayHostProvisionPermission,
  provisionRequestSchema,
  ValidDeployRequest,
} from '@slipway/plugin-slipway-common';
import { dockerLogsTail } from '@slipway/plugin-slipway-node';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { SlipwayStore } from './database/SlipwayStore';
import { HostRegistry } from './hosts/HostRegistry';
import { appUrlOn, toPublicHost } from './hosts/configuredHosts';
import { listAppContainers } from './jobs/hostState';
import { JobRunner, redeployRequest } from './jobs/JobRunner';
import { SlipwayEventBus } from './events/SlipwayEventBus';
import { streamEvents } from './events/sse';
import { Access, initiatorOf } from './service/access';
import { InfraStore } from './database/InfraStore';
import { InfraRunner } from './infra/InfraRunner';
import {
  evaluateDeployPolicy,
  evaluateProvisionPolicy,
  PolicyConfig,
  policyErrorBody,
} from './policy/policy';

export type RouterOptions = {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  store: SlipwayStore;
  hosts: HostRegistry;
  runner: JobRunner;
  /** Platform rules checked before anything changes. */
  policy: PolicyConfig;
  infra: InfraStore;
  infraRunner: InfraRunner;
  /** How often a followed deployment log looks for new lines. */
  followPollMs?: number;
  /** The live events `GET /events` streams. */
  events: SlipwayEventBus;
  /** How often an event stream sends a `: ping` comment; default 15 s. */
  eventsPingMs?: number;
};

const MAX_LOG_TAIL = 1000;
const DAY_MS = 24 * 3600_000;
const appName = dnsLabel('name');
const appQuery = dnsLabel('app');
const ownerQuery = ownerRef('owner');
const redeployBody = z.object({ ref: gitRef.optional() }).strict();

/** An optional query value that must be one string passing `schema` (not an array, not empty). */
function optionalQuery<T>(
  req: Request,
  key: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
): T | undefined {
  const value = req.query[key];
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  if (!result.success)
    throw new InputError(`${key}: ${result.error.issues[0].message}`);
  return result.data;
}

function nameParam(req: Request): string {
  const result = appName.safeParse(req.params.name);
  if (!result.success)
    throw new InputError(`name: ${result.error.issues[0].message}`);
  return result.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function idParam(req: Request): string {
  const id = req.params.id;
  if (!UUID.test(id)) throw new InputError('id: a deployment id is a UUID');
  return id;
}

/** A query value that must be one plain integer (not an array, not `0x10`, not `1e2`). */
function intQuery(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  return typeof value === 'string' && /^\d{1,9}$/.test(value)
    ? Number(value)
    : NaN;
}

function wantsStream(req: Request): boolean {
  return (
    req.query.follow === 'true' ||
    String(req.headers.accept ?? '').includes('application/x-ndjson')
  );
}

/**
 * Streams a job as NDJSON: its record, every log line as it is written, then the final record.
 * Reads the database, so a client of any replica follows a job run by any other.
 */
async function followAsNdjson<TJob, TLine extends { id: number }>(
  req: Request,
  res: express.Response,
  source: {
    type: string;
    get(): Promise<TJob>;
    isFinal(job: TJob): boolean;
    logs(after: number): Promise<TLine[]>;
    pollMs: number;
  },
) {
  res.status(200).setHeader('Content-Type', 'application/x-ndjson');
  res.setHeader('Cache-Control', 'no-cache');
  res.flushHeaders();
  let closed = false;
  req.on('close', () => {
    closed = true;
  });
  const write = (value: object) => res.write(`${JSON.stringify(value)}\n`);
  write({ type: source.type, [source.type]: await source.get() });
  let after = 0;
  const drain = async () => {
    const lines = await source.logs(after);
    for (const line of lines) write({ type: 'log', ...line });
    if (lines.length) after = lines[lines.length - 1].id;
  };
  while (!closed) {
    await drain();
    const current = await source.get();
    if (source.isFinal(current)) {
      await drain();
      write({ type: 'end', [source.type]: current });
      break;
    }
    await new Promise(r => setTimeout(r, source.pollMs));
  }
  res.end();
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, hosts, runner } = options;
  const access = new Access(options.httpAuth, options.permissions);
  const followPollMs = options.followPollMs ?? 250;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  // Unauthenticated on purpose (see plugin.ts): load balancers and the test suite probe it.
  router.get('/health', async (_req, res) => {
    const database = await store.ping();
    res
      .status(database.ok ? 200 : 503)
      .json({ status: database.ok ? 'ok' : 'degraded', database });
  });

  router.get('/hosts', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    await hosts.refresh(options.infra);
    res.json({
      items: hosts.list().map(h => toPublicHost(h, hosts.sourceOf(h.name))),
    });
  });

  router.get('/hosts/:name', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const name = nameParam(req);
    const record = await options.infra.requireHost(name);
    await hosts.refresh(options.infra);
    res.json({
      host: {
        ...record,
        hostKey: undefined,
        hostKeyPinned:
          Boolean(record.hostKey) ||
          (hosts.has(name) && Boolean(hosts.get(name).hostKey)),
        usable: hosts.has(name),
      },
      apps: await store.listApps({ host: name }),
      jobs: await options.infra.listJobs(name),
    });
  });

  router.post('/infra/provision', async (req, res) => {
    const credentials = await access.require(
      req,
      slipwayHostProvisionPermission,
    );
    const dryRun = req.query.dryRun === 'true' || req.body?.dryRun === true;
    const { dryRun: _ignored, ...body } = req.body ?? {};
    const parsed = provisionRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid provision request: ${formatViolations(
          describeZodError(parsed.error, body),
        )}`,
      );
    }
    const violations = evaluateProvisionPolicy(options.policy, parsed.data, {
      hostsOwnedByOwner: await options.infra.countHostsOfOwner(
        parsed.data.owner,
      ),
    });
    if (violations.length) {
      res.status(400).json(policyErrorBody(violations));
      return;
    }
    if (dryRun) {
      res
        .status(200)
        .json({ dryRun: true, policy: 'passed', request: parsed.data });
      return;
    }
    const job = await options.infraRunner.provision(
      parsed.data,
      initiatorOf(credentials),
    );
    res.status(202).json({
      job,
      links: { job: `/infra/jobs/${job.id}`, host: `/hosts/${job.host}` },
    });
  });

  router.post('/infra/destroy', async (req, res) => {
    const credentials = await access.require(req, slipwayHostDestroyPermission);
    const name = appName.safeParse(req.body?.name);
    if (!name.success)
      throw new InputError(`name: ${name.error.issues[0].message}`);
    const force = req.body?.force ?? false;
    if (typeof force !== 'boolean')
      throw new InputError('force: must be true or false');
    const job = await options.infraRunner.destroy(
      name.data,
      { force },
      initiatorOf(credentials),
    );
    res.status(202).json({ job });
  });

  router.get('/infra/jobs/:id', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const id = idParam(req);
    const job = await options.infra.requireJob(id);
    if (!wantsStream(req)) {
      res.json({ job, log: await options.infra.getLogs(id) });
      return;
    }
    await followAsNdjson(req, res, {
      type: 'job',
      get: () => options.infra.requireJob(id),
      isFinal: j => !['queued', 'in_progress'].includes(j.status),
      logs: after => options.infra.getLogs(id, after),
      pollMs: followPollMs,
    });
  });

  router.post('/infra/jobs/:id/cancel', async (req, res) => {
    await access.require(req, slipwayHostProvisionPermission);
    const id = idParam(req);
    const job = await options.infra.requireJob(id);
    if (!options.infraRunner.cancel(id)) {
      throw new ConflictError(
        `Provisioning job ${id} is ${job.status} and not running in this backend`,
      );
    }
    // The tool gets SIGINT (Terraform's graceful stop), then SIGKILL after the grace period.
    res.status(202).json({ job, message: 'cancelling' });
  });

  router.post('/apps/deploy', async (req, res) => {
    const credentials = await access.require(req, slipwayAppDeployPermission);
    const parsed = deployRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid deploy request: ${formatViolations(
          describeZodError(parsed.error, req.body),
        )}`,
      );
    }
    const violations = evaluateDeployPolicy(options.policy, parsed.data);
    if (violations.length) {
      res.status(400).json(policyErrorBody(violations));
      return;
    }
    if (req.query.dryRun === 'true') {
      res.status(200).json(await dryRunDeploy(parsed.data));
      return;
    }
    const deployment = await runner.deploy(
      parsed.data,
      initiatorOf(credentials),
    );
    res.status(202).json({
      deployment,
      links: {
        deployment: `/deployments/${deployment.id}`,
        status: `/apps/${deployment.app}/status`,
      },
    });
  });

  /**
   * What a deploy would do, without doing it: the checks that need no host (the host is known,
   * the port is free, no job holds the app), and where the app would answer.
   */
  async function dryRunDeploy(request: ValidDeployRequest) {
    await hosts.refresh(options.infra);
    if (!hosts.has(request.host)) {
      throw new InputError(
        `host: there is no Slipway host named "${request.host}" (see GET /hosts)`,
      );
    }
    const holder = await store.appOnPort(request.host, request.port);
    if (holder && holder.name !== request.name) {
      throw new ConflictError(
        `port ${request.port} on host ${request.host} is already used by app "${holder.name}"`,
      );
    }
    const running = await runner.runningJobOf(request.name);
    if (running) {
      throw new ConflictError(
        `app ${request.name} has a job running: deployment ${running}`,
      );
    }
    const { env, ...withoutEnv } = request;
    return {
      dryRun: true,
      policy: 'passed',
      request: { ...withoutEnv, envNames: Object.keys(env).sort() },
      existing: Boolean(await store.getApp(request.name)),
      url: appUrlOn(hosts.get(request.host), request.port),
    };
  }

  router.get('/apps', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const state = req.query.state as string | undefined;
    if (
      state !== undefined &&
      !(APP_STATES as readonly string[]).includes(state)
    ) {
      throw new InputError(`state: must be one of ${APP_STATES.join(', ')}`);
    }
    const host = req.query.host as string | undefined;
    const owner = optionalQuery(req, 'owner', ownerQuery);
    res.json({
      items: await store.listApps({
        state: state as AppState | undefined,
        host,
        owner,
      }),
    });
  });

  router.get('/events', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const app = optionalQuery(req, 'app', appQuery);
    streamEvents(req, res, options.events, { app }, options.eventsPingMs);
  });

  router.get('/apps/:name/status', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const name = nameParam(req);
    const app = await store.requireApp(name);
    const [deployments, health, transitions, uptime24h] = await Promise.all([
      store.listDeployments(name, 1),
      store.listHealthSamples(name, 50),
      store.listTransitions(name, 20),
      store.uptimeSince(name, new Date(Date.now() - DAY_MS)),
    ]);
    await hosts.refresh(options.infra);
    const status: AppStatusResponse = {
      app,
      url: hosts.has(app.host) ? appUrlOn(hosts.get(app.host), app.port) : null,
      lastDeployment: deployments[0] ?? null,
      health,
      transitions,
      uptime24h,
    };
    res.json(status);
  });

  router.delete('/apps/:name', async (req, res) => {
    const credentials = await access.require(req, slipwayAppDestroyPermission);
    const deployment = await runner.destroy(
      nameParam(req),
      initiatorOf(credentials),
    );
    res.status(202).json({ deployment });
  });

  router.post('/apps/:name/rollback', async (req, res) => {
    const credentials = await access.require(req, slipwayAppOperatePermission);
    const to = req.body?.deploymentId;
    if (to !== undefined && (typeof to !== 'string' || !UUID.test(to))) {
      throw new InputError('deploymentId: a deployment id is a UUID');
    }
    const deployment = await runner.rollback(
      nameParam(req),
      initiatorOf(credentials),
      to,
    );
    res.status(202).json({ deployment });
  });

  router.post('/apps/:name/redeploy', async (req, res) => {
    const credentials = await access.require(req, slipwayAppDeployPermission);
    const name = nameParam(req);
    const body = redeployBody.safeParse(req.body ?? {});
    if (!body.success) {
      throw new InputError(
        formatViolations(describeZodError(body.error, req.body)),
      );
    }
    // The policy may have changed since the app was deployed: judge the settings again.
    const violations = evaluateDeployPolicy(
      options.policy,
      redeployRequest(await store.requireApp(name), body.data.ref),
    );
    if (violations.length) {
      res.status(400).json(policyErrorBody(violations));
      return;
    }
    const deployment = await runner.redeploy(name, initiatorOf(credentials), {
      ref: body.data.ref,
    });
    res.status(202).json({
      deployment,
      links: {
        deployment: `/deployments/${deployment.id}`,
        status: `/apps/${deployment.app}/status`,
      },
    });
  });

  router.post('/apps/:name/restart', async (req, res) => {
    const credentials = await access.require(req, slipwayAppOperatePermission);
    const deployment = await runner.restart(
      nameParam(req),
      initiatorOf(credentials),
    );
    res.status(202).json({ deployment });
  });

  router.get('/apps/:name/deployments', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const name = nameParam(req);
    await store.requireApp(name);
    res.json({ items: await store.listDeployments(name) });
  });

  router.get('/apps/:name/logs', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const name = nameParam(req);
    const tail = intQuery(req.query.tail, 100);
    if (!Number.isInteger(tail) || tail < 1 || tail > MAX_LOG_TAIL) {
      throw new InputError(
        `tail: must be an integer from 1 to ${MAX_LOG_TAIL}`,
      );
    }
    const app = await store.requireApp(name);
    const conn = await hosts.connect(app.host);
    try {
      const containers = await listAppContainers(conn, name);
      const current =
        containers.find(c => c.deployment === app.currentDeploymentId) ??
        containers.find(c => c.running);
      if (!current) {
        res.json({ container: null, lines: [] });
        return;
      }
      const out = await conn.exec(dockerLogsTail(current.id, tail), {
        allowFailure: true,
      });
      const lines = `${out.stdout}${out.stderr}`
        .split('\n')
        .filter(Boolean)
        .slice(-tail);
      res.json({ container: current.name, lines });
    } finally {
      await conn.close();
    }
  });

  router.get('/deployments/:id', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const id = idParam(req);
    const deployment = await store.requireDeployment(id);
    if (!wantsStream(req)) {
      res.json({ deployment, log: await store.getLogs(id) });
      return;
    }
    await followAsNdjson(req, res, {
      type: 'deployment',
      get: () => store.requireDeployment(id),
      isFinal: d => isFinalDeploymentStatus(d.status),
      logs: after => store.getLogs(id, after),
      pollMs: followPollMs,
    });
  });

  router.post('/deployments/:id/cancel', async (req, res) => {
    await access.require(req, slipwayAppOperatePermission);
    const id = idParam(req);
    const deployment = await store.requireDeployment(id);
    const cancelled = runner.cancel(id);
    res.status(cancelled ? 202 : 409).json({
      deployment,
      message: cancelled
        ? 'cancelling'
        : `deployment ${id} is ${deployment.status} and not running in this backend`,
    });
  });

  return router;
}

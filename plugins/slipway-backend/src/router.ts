import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  APP_STATES,
  AppState,
  deployRequestSchema,
  describeZodError,
  dnsLabel,
  formatViolations,
  isFinalDeploymentStatus,
  slipwayAppDeployPermission,
  slipwayAppDestroyPermission,
  slipwayAppOperatePermission,
  slipwayAppReadPermission,
} from '@slipway/plugin-slipway-common';
import { dockerLogsTail } from '@slipway/plugin-slipway-node';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { SlipwayStore } from './database/SlipwayStore';
import { HostRegistry } from './hosts/HostRegistry';
import { toPublicHost } from './hosts/configuredHosts';
import { listAppContainers } from './jobs/hostState';
import { JobRunner } from './jobs/JobRunner';
import { Access, initiatorOf } from './service/access';
import {
  evaluateDeployPolicy,
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
  /** How often a followed deployment log looks for new lines. */
  followPollMs?: number;
};

const MAX_LOG_TAIL = 1000;
const appName = dnsLabel('name');

function nameParam(req: Request): string {
  const result = appName.safeParse(req.params.name);
  if (!result.success)
    throw new InputError(`name: ${result.error.issues[0].message}`);
  return result.data;
}

function idParam(req: Request): string {
  const id = req.params.id;
  if (!/^[0-9a-f-]{36}$/.test(id))
    throw new InputError('id: a deployment id is a UUID');
  return id;
}

function wantsStream(req: Request): boolean {
  return (
    req.query.follow === 'true' ||
    String(req.headers.accept ?? '').includes('application/x-ndjson')
  );
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
    res.json({ items: hosts.list().map(toPublicHost) });
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
    res.json({
      items: await store.listApps({
        state: state as AppState | undefined,
        host,
      }),
    });
  });

  router.get('/apps/:name/status', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const name = nameParam(req);
    const app = await store.requireApp(name);
    const [deployments, health, transitions] = await Promise.all([
      store.listDeployments(name, 1),
      store.listHealthSamples(name, 50),
      store.listTransitions(name, 20),
    ]);
    res.json({
      app,
      lastDeployment: deployments[0] ?? null,
      health,
      transitions,
    });
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
    if (
      to !== undefined &&
      (typeof to !== 'string' || !/^[0-9a-f-]{36}$/.test(to))
    ) {
      throw new InputError('deploymentId: a deployment id is a UUID');
    }
    const deployment = await runner.rollback(
      nameParam(req),
      initiatorOf(credentials),
      to,
    );
    res.status(202).json({ deployment });
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
    const tail = req.query.tail === undefined ? 100 : Number(req.query.tail);
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
    // NDJSON: the deployment, then every log line as it is written, then the final record.
    // Read from the database, so a client of any replica follows a job run by any other.
    res.status(200).setHeader('Content-Type', 'application/x-ndjson');
    res.setHeader('Cache-Control', 'no-cache');
    res.flushHeaders();
    let closed = false;
    req.on('close', () => {
      closed = true;
    });
    res.write(`${JSON.stringify({ type: 'deployment', deployment })}\n`);
    let after = 0;
    while (!closed) {
      const lines = await store.getLogs(id, after);
      for (const line of lines)
        res.write(`${JSON.stringify({ type: 'log', ...line })}\n`);
      if (lines.length) after = lines[lines.length - 1].id;
      const current = await store.requireDeployment(id);
      if (isFinalDeploymentStatus(current.status)) {
        const rest = await store.getLogs(id, after);
        for (const line of rest)
          res.write(`${JSON.stringify({ type: 'log', ...line })}\n`);
        res.write(`${JSON.stringify({ type: 'end', deployment: current })}\n`);
        break;
      }
      await new Promise(r => setTimeout(r, followPollMs));
    }
    res.end();
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

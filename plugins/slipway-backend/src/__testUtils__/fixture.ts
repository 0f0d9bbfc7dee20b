import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ConfigReader } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  freePort,
  harnessHost,
  getHarness,
  removeLabelled,
  waitFor,
} from '@slipway/test-harness';
import request from 'supertest';
import express from 'express';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IacTool } from '@slipway/plugin-slipway-node';
import { SlipwayStores } from '../database/SlipwayStores';
import { JobRunner } from '../appJobs/JobRunner';
import { createSlipwayServices } from '../services';
import { createRouter } from '../routes';
import { policyPermissions, TestPolicy } from './policyPermissions';

/**
 * Slipway's backend parts wired as plugin.ts wires them, against a real database, the
 * harness's sshd and Docker Engine, with the router behind Backstage's own error middleware.
 * Tests reach the runner and the monitor directly to drive rounds without waiting on timers.
 */
export async function createSlipwayFixture(
  knex: Knex,
  opts: {
    deny?: boolean;
    /** A policy answering per permission, resource and user; overrides `deny`. */
    policy?: TestPolicy;
    config?: object;
    integrations?: object;
    /** The IaC tool (e.g. a TerraformRunner on the stand-in); default: `terraform` on PATH. */
    iacTool?: IacTool;
    /** How often `GET /events` pings; default the router's 15 s. */
    eventsPingMs?: number;
    /** Where app state notifications go; default none. */
    notifications?: NotificationService;
  } = {},
) {
  const harness = getHarness();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-work-'));
  const config = new ConfigReader({
    integrations: opts.integrations ?? {},
    slipway: {
      hosts: [harnessHost(harness, { name: 'test', inlineKey: true })],
      repos: { allowedHosts: ['127.0.0.1'] },
      health: { failureThreshold: 3, probeTimeoutMs: 2000 },
      ...opts.config,
      deploy: {
        workDir,
        healthGate: { deadlineSeconds: 20 },
        ...(opts.config as { deploy?: object } | undefined)?.deploy,
      },
    },
  });
  // Errors are printed: a 500 in a test should say why.
  const logger = mockServices.logger.mock({
    error: (message: string, meta?: unknown) => console.error(message, meta),
  });
  logger.child.mockReturnValue(logger);
  const {
    settings,
    policy,
    store,
    ping,
    infra,
    events,
    pipeline,
    hosts,
    runner,
    infraRunner,
    monitor,
  } = await createSlipwayServices({
    config,
    knex,
    logger,
    iacTool: opts.iacTool,
    notifications: opts.notifications,
  });
  const router = await createRouter({
    logger,
    httpAuth: mockServices.httpAuth(),
    permissions: opts.policy
      ? policyPermissions(opts.policy, {
          apps: names => store.apps.getAppsByName(names),
          hosts: names => infra.getHostsByName(names),
        })
      : mockServices.permissions({
          result: opts.deny ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
        }),
    store,
    ping,
    hosts,
    runner,
    policy,
    infra,
    infraRunner,
    followPollMs: 50,
    events,
    eventsPingMs: opts.eventsPingMs,
  });
  const middleware = MiddlewareFactory.create({ config, logger });
  const app = express().use('/api/slipway', router).use(middleware.error());
  return {
    app,
    /** The router itself, for tests that walk its routes. */
    router,
    store,
    infra,
    infraRunner,
    runner,
    monitor,
    hosts,
    settings,
    harness,
    events,
    pipeline,
    logger,
    async cleanup(appNames: string[]) {
      events.close();
      await runner.shutdown();
      await infraRunner.shutdown();
      await pipeline.stop();
      for (const name of appNames) await removeLabelled(`slipway.app=${name}`);
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until a deployment reaches a final status and, when the fixture is given, until its job
 * (including the cleanup that follows a success) is over, and returns it.
 */
export async function finished(
  target: SlipwayStores | { store: SlipwayStores; runner: JobRunner },
  id: string,
  timeoutMs = 120_000,
) {
  const store = 'store' in target ? target.store : target;
  const runner = 'store' in target ? target.runner : undefined;
  return waitFor(
    `deployment ${id} to finish`,
    async () => {
      const d = await store.deployments.requireDeployment(id);
      const done = ['succeeded', 'failed', 'rolled_back', 'cancelled'].includes(
        d.status,
      );
      return done && !runner?.isRunning(id) ? d : undefined;
    },
    timeoutMs,
    100,
  );
}

/** A short unique suffix, so concurrent test runs never share an app name or image. */
export function uniqueSuffix(): string {
  return Math.random().toString(36).slice(2, 8);
}

/**
 * Deploys an example-shaped app (container port 8080, health on /health) through the API,
 * expects the 202, and waits for the job. Returns the finished deployment and the host port.
 */
export async function deployAndWait(
  fixture: { app: express.Express; store: SlipwayStores; runner: JobRunner },
  body: { name: string; repo: string; host: string; port?: number },
) {
  const port = body.port ?? (await freePort());
  const res = await request(fixture.app)
    .post('/api/slipway/apps/deploy')
    .send({ container_port: 8080, health_path: '/health', ...body, port });
  if (res.status !== 202) {
    throw new Error(
      `deploy answered ${res.status}: ${JSON.stringify(res.body)}`,
    );
  }
  return { deployment: await finished(fixture, res.body.deployment.id), port };
}

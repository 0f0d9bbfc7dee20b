import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { getHarness, removeLabelled, waitFor } from '@slipway/test-harness';
import express from 'express';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IacTool, TerraformRunner } from '@slipway/plugin-slipway-node';
import { applyDatabaseMigrations } from '../database/migrations';
import { InfraStore } from '../database/InfraStore';
import { InfraRunner } from '../infra/InfraRunner';
import { readInfraSettings } from '../infra/settings';
import { SlipwayStore } from '../database/SlipwayStore';
import { HealthMonitor } from '../health/HealthMonitor';
import { readConfiguredHosts } from '../hosts/configuredHosts';
import { HostRegistry } from '../hosts/HostRegistry';
import { GitCredentials } from '../jobs/gitCredentials';
import { JobRunner } from '../jobs/JobRunner';
import { readDeploySettings } from '../jobs/settings';
import { readPolicyConfig } from '../policy/policy';
import { createRouter } from '../router';

/**
 * Slipway's backend parts wired as plugin.ts wires them, against a real database, the
 * harness's sshd and Docker Engine, with the router behind Backstage's own error middleware.
 * Tests reach the runner and the monitor directly to drive rounds without waiting on timers.
 */
export async function createSlipwayFixture(
  knex: Knex,
  opts: {
    deny?: boolean;
    config?: object;
    integrations?: object;
    /** The IaC tool (e.g. a TerraformRunner on the stand-in); default: `terraform` on PATH. */
    iacTool?: IacTool;
  } = {},
) {
  const harness = getHarness();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-work-'));
  const config = new ConfigReader({
    integrations: opts.integrations ?? {},
    slipway: {
      hosts: [
        {
          name: 'test',
          address: harness.ssh.host,
          port: harness.ssh.port,
          user: harness.ssh.username,
          privateKey: harness.ssh.privateKey,
          hostKey: harness.ssh.hostPublicKey,
        },
      ],
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
  await applyDatabaseMigrations(knex);
  const configured = readConfiguredHosts(config);
  const settings = readDeploySettings(config);
  const store = new SlipwayStore(knex);
  await store.syncConfiguredHosts(
    configured.map(h => ({
      name: h.name,
      address: h.address ?? null,
      sshPort: h.port,
      user: h.user,
    })),
  );
  const infra = new InfraStore(knex);
  const infraSettings = readInfraSettings(config);
  const hosts = new HostRegistry(
    configured,
    logger,
    settings.commandTimeoutMs,
    config.getOptionalString('slipway.iac.sshPrivateKey'),
    infraSettings.hostKeyPinning === 'first-connection',
  );
  await hosts.refresh(infra);
  const infraRunner = new InfraRunner(
    infra,
    store,
    hosts,
    opts.iacTool ?? new TerraformRunner({ binary: infraSettings.binary }),
    infraSettings,
    logger,
  );
  const runner = new JobRunner(
    store,
    hosts,
    settings,
    logger,
    GitCredentials.fromConfig(config),
  );
  const monitor = new HealthMonitor(store, hosts, settings.monitor, logger);
  const router = await createRouter({
    logger,
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions({
      result: opts.deny ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    }),
    store,
    hosts,
    runner,
    policy: readPolicyConfig(config),
    infra,
    infraRunner,
    followPollMs: 50,
  });
  const middleware = MiddlewareFactory.create({ config, logger });
  const app = express().use('/api/slipway', router).use(middleware.error());
  return {
    app,
    store,
    infra,
    infraRunner,
    runner,
    monitor,
    hosts,
    settings,
    harness,
    async cleanup(appNames: string[]) {
      await runner.shutdown();
      await infraRunner.shutdown();
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
  target: SlipwayStore | { store: SlipwayStore; runner: JobRunner },
  id: string,
  timeoutMs = 120_000,
) {
  const store = target instanceof SlipwayStore ? target : target.store;
  const runner = target instanceof SlipwayStore ? undefined : target.runner;
  return waitFor(
    `deployment ${id} to finish`,
    async () => {
      const d = await store.requireDeployment(id);
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

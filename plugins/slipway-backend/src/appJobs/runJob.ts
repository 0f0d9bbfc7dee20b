import { LoggerService } from '@backstage/backend-plugin-api';
import { Deployment } from '@slipway/plugin-slipway-common';
import { HostConnection } from '@slipway/plugin-slipway-node';
import { SlipwayStores } from '../database/SlipwayStores';
import { HostRegistry } from '../hosts/HostRegistry';
import { JobLog } from '../jobs/JobLog';
import { GitAuth } from '../deploy/gitCredentials';
import { JobOutcome, JobWork } from '../deploy/JobContext';
import { recordOutcome } from '../deploy/recordOutcome';
import { removeFailedImage } from '../deploy/cleanup';
import { DeploySettings } from '../deploy/settings';
import { appLock } from '../jobs/lockNames';

export type AppJobDeps = {
  store: SlipwayStores;
  hosts: HostRegistry;
  settings: DeploySettings;
  logger: LoggerService;
};

/** A job ready to run: its record, the values its log masks, and its work on the host. */
export type PreparedJob = {
  deployment: Deployment;
  secrets: string[];
  gitAuth?: GitAuth;
  work: JobWork;
};

/**
 * One job from start to end: connect to the app's host (one connection for the whole job), do
 * the work, record the outcome, free the app, then clean up on the same connection (after a
 * failure, the image the job put in service).
 */
export async function runAppJob(
  deps: AppJobDeps,
  job: PreparedJob,
  signal: AbortSignal,
): Promise<void> {
  const { store } = deps;
  const { deployment } = job;
  const log = new JobLog(store.deployments, deployment.id, job.secrets);
  let conn: HostConnection | undefined;
  let outcome: JobOutcome;
  let app = await store.apps.requireApp(deployment.app);
  try {
    await store.deployments.setDeploymentStatus(deployment.id, 'in_progress');
    await log.step(
      `${deployment.kind} ${deployment.id} of ${app.name} started by ${
        deployment.initiator ?? 'unknown'
      }`,
    );
    await log.step(`Connecting to host ${app.host}`);
    conn = await deps.hosts.connect(app.host);
    outcome = await job.work({
      store,
      hosts: deps.hosts,
      settings: deps.settings,
      deployment,
      app,
      conn,
      log,
      signal,
      gitAuth: job.gitAuth,
    });
  } catch (error) {
    const message = log.redact((error as Error).message ?? String(error));
    outcome = signal.aborted
      ? { status: 'cancelled', diagnosis: `cancelled: ${message}` }
      : { status: 'failed', diagnosis: message };
  }
  try {
    app = await store.apps.requireApp(deployment.app);
    // The outcome is recorded first: users wait for it, not for the cleanup after it.
    await recordOutcome(deps, deployment, app, outcome, log);
    // The app is free for the next job as soon as the outcome is recorded; cleanup is
    // best-effort and tolerates a job that starts meanwhile.
    await store.locks.unlock(appLock(app.name), deployment.id);
    const cleanup =
      outcome.status === 'succeeded'
        ? outcome.afterwards?.()
        : conn && removeFailedImage({ store, conn, log }, deployment.id);
    await cleanup?.catch(error =>
      log.step(`Cleanup failed (harmless): ${error.message}`),
    );
  } finally {
    await log.flush();
    await conn?.close().catch(() => undefined);
  }
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { App, Deployment } from '@slipway/plugin-slipway-common';
import { SlipwayStores } from '../database/SlipwayStores';
import { JobLog } from '../jobs/JobLog';
import { JobOutcome } from './JobContext';

const ENDINGS = {
  failed: 'Failed',
  rolled_back: 'Rolled back',
  cancelled: 'Cancelled',
} as const;

/**
 * Records a job's end: its last log line, the deployment's status, and what it means for the
 * app (current deployment, `running`, `failed` when nothing serves, destroyed).
 */
export async function recordOutcome(
  deps: { store: SlipwayStores; logger: LoggerService },
  deployment: Deployment,
  app: App,
  outcome: JobOutcome,
  log: JobLog,
): Promise<void> {
  try {
    if (outcome.status === 'succeeded') {
      await recordSuccess(deps.store, deployment, app, outcome.summary, log);
    } else {
      await recordFailure(deps.store, deployment, app, outcome, log);
    }
  } catch (error) {
    deps.logger.error(
      `Could not record the end of deployment ${deployment.id}: ${error}`,
    );
  } finally {
    await log.flush();
  }
}

async function recordSuccess(
  store: SlipwayStores,
  deployment: Deployment,
  app: App,
  summary: string,
  log: JobLog,
): Promise<void> {
  await log.step(`Succeeded: ${summary}`);
  await store.deployments.setDeploymentStatus(deployment.id, 'succeeded');
  if (deployment.kind === 'destroy') {
    await store.apps.markDestroyed(app.name);
    return;
  }
  if (deployment.kind !== 'restart')
    await store.apps.setCurrentDeployment(app.name, deployment.id);
  await store.apps.transitionApp(
    app.name,
    'running',
    `${deployment.kind} ${deployment.id} healthy: ${summary}`,
    deployment.id,
  );
}

async function recordFailure(
  store: SlipwayStores,
  deployment: Deployment,
  app: App,
  outcome: Exclude<JobOutcome, { status: 'succeeded' }>,
  log: JobLog,
): Promise<void> {
  await log.step(`${ENDINGS[outcome.status]}: ${outcome.diagnosis}`);
  await store.deployments.setDeploymentStatus(
    deployment.id,
    outcome.status,
    outcome.diagnosis,
  );
  const noneServing = outcome.nothingServing || app.state === 'pending';
  if (noneServing && deployment.kind !== 'destroy' && app.state !== 'failed') {
    await store.apps.transitionApp(
      app.name,
      'failed',
      `${deployment.kind} ${deployment.id} ${outcome.status}: ${
        outcome.diagnosis.split('\n')[0]
      }`,
      deployment.id,
    );
  }
}

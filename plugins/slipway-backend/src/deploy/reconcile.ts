import { LoggerService } from '@backstage/backend-plugin-api';
import { App, Deployment } from '@slipway/plugin-slipway-common';
import {
  dockerRemoveContainer,
  dockerStart,
  HostConnection,
} from '@slipway/plugin-slipway-node';
import { SlipwayStores } from '../database/SlipwayStores';
import { probeHttp } from '../health/probe';
import { AppContainer, listAppContainers } from '../hosts/containers';
import { HostRegistry } from '../hosts/HostRegistry';
import { SETTLED_BY_THIS_REPLICA } from '../jobs/JobReconciler';
import { JobLog } from '../jobs/JobLog';
import { JobOutcome } from './JobContext';
import { recordOutcome } from './recordOutcome';
import { DeploySettings } from './settings';

export type SettleDeps = {
  store: SlipwayStores;
  hosts: HostRegistry;
  settings: DeploySettings;
  logger: LoggerService;
};

/**
 * Settles a deployment whose backend stopped renewing its app's lock (see JobReconciler), from
 * the host's real containers (found by their labels): a new container that is running and
 * healthy makes it `succeeded`; otherwise the new container is removed, the previous one
 * started if nothing serves, and it is `failed` with the reason. The caller releases the lock.
 */
export async function settleDeployment(
  deps: SettleDeps,
  deployment: Deployment,
): Promise<void> {
  const app = await deps.store.apps.requireApp(deployment.app);
  const log = new JobLog(deps.store.deployments, deployment.id);
  const found = await settleOnHost(deps, deployment, app);
  const outcome: JobOutcome = found.healthy
    ? {
        status: 'succeeded',
        summary: `the new container is running and healthy; ${SETTLED_BY_THIS_REPLICA}`,
      }
    : {
        status: 'failed',
        diagnosis: [SETTLED_BY_THIS_REPLICA, ...found.notes].join('; '),
      };
  await log.step(
    `Reconciled: ${
      outcome.status === 'succeeded' ? outcome.summary : outcome.diagnosis
    }`,
  );
  if (deployment.status === 'queued')
    await deps.store.deployments.setDeploymentStatus(
      deployment.id,
      'in_progress',
    );
  await recordOutcome(deps, deployment, app, outcome, log);
}

/** Keeps a healthy new container (removing the others), or undoes the job; `notes` say what was done. */
async function settleOnHost(
  deps: SettleDeps,
  deployment: Deployment,
  app: App,
): Promise<{ healthy: boolean; notes: string[] }> {
  let conn: HostConnection | undefined;
  try {
    conn = await deps.hosts.connect(app.host);
    const containers = await listAppContainers(conn, app.name);
    const mine = containers.find(c => c.deployment === deployment.id);
    if (
      mine?.running &&
      deployment.kind !== 'destroy' &&
      (await answersHealthy(deps, app))
    ) {
      for (const other of containers.filter(c => c.id !== mine.id)) {
        await conn.exec(dockerRemoveContainer(other.id), {
          allowFailure: true,
        });
      }
      return { healthy: true, notes: [] };
    }
    return {
      healthy: false,
      notes: await undoJob(conn, deployment, app, containers),
    };
  } catch (error) {
    return {
      healthy: false,
      notes: [`could not read host ${app.host}: ${(error as Error).message}`],
    };
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

async function answersHealthy(deps: SettleDeps, app: App): Promise<boolean> {
  const probe = await probeHttp(
    {
      address: deps.hosts.probeAddress(app.host),
      port: app.port,
      path: app.healthPath,
    },
    deps.settings.healthGate.probeTimeoutMs,
  );
  return probe.ok;
}

/** The job's new container goes; the previous one is started again if nothing serves. */
async function undoJob(
  conn: HostConnection,
  deployment: Deployment,
  app: App,
  containers: AppContainer[],
): Promise<string[]> {
  const mine = containers.find(c => c.deployment === deployment.id);
  if (mine && deployment.kind === 'deploy') {
    await conn.exec(dockerRemoveContainer(mine.id), { allowFailure: true });
  }
  const serving = containers.find(c => c.running && c.id !== mine?.id);
  const previous = containers.find(
    c => c.deployment === app.currentDeploymentId && c.id !== mine?.id,
  );
  if (serving || !previous) return [];
  await conn.exec(dockerStart(previous.id), { allowFailure: true });
  return [`restored the previous container ${previous.name}`];
}

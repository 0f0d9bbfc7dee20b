import {
  Deployment,
  DeploymentLogLine,
  HealthSample,
  InfraJobSummary,
  SlipwayEventOf,
} from '@slipway/plugin-slipway-common';
import { randomUUID } from 'node:crypto';
import { AppTransitionEvent } from '../database/SlipwayStore';

/**
 * The one place each kind of event is made. Pure functions of what was stored, so the outbox of
 * the next step can call them inside the writing transaction instead of after it.
 */

function envelope() {
  // A UUID rather than a per-process sequence: ids stay unique across replicas and restarts,
  // which JetStream's deduplication window will rely on.
  return { v: 1 as const, id: randomUUID() };
}

export function appStateEvent(
  t: AppTransitionEvent,
): SlipwayEventOf<'app.state'> {
  return {
    ...envelope(),
    type: 'app.state',
    app: t.app,
    at: t.at,
    data: {
      from: t.from,
      to: t.to,
      reason: t.reason,
      deploymentId: t.deploymentId,
    },
  };
}

export function deploymentStatusEvent(
  deployment: Deployment,
): SlipwayEventOf<'deployment.status'> {
  return {
    ...envelope(),
    type: 'deployment.status',
    app: deployment.app,
    at: deployment.finishedAt ?? deployment.startedAt ?? deployment.createdAt,
    data: { deployment },
  };
}

export function deploymentLogEvent(
  app: string,
  deploymentId: string,
  line: DeploymentLogLine,
): SlipwayEventOf<'deployment.log'> {
  return {
    ...envelope(),
    type: 'deployment.log',
    app,
    at: line.createdAt,
    data: { deploymentId, line },
  };
}

export function healthSampleEvent(
  app: string,
  sample: HealthSample,
): SlipwayEventOf<'health.sample'> {
  return {
    ...envelope(),
    type: 'health.sample',
    app,
    at: sample.checkedAt,
    data: { sample },
  };
}

export function infraJobEvent(
  job: InfraJobSummary & {
    finishedAt: string | null;
    startedAt: string | null;
    createdAt: string;
  },
): SlipwayEventOf<'infra.job'> {
  return {
    ...envelope(),
    type: 'infra.job',
    host: job.host,
    at: job.finishedAt ?? job.startedAt ?? job.createdAt,
    data: {
      job: {
        id: job.id,
        host: job.host,
        kind: job.kind,
        status: job.status,
        diagnosis: job.diagnosis,
      },
    },
  };
}

import {
  Deployment,
  DeploymentLogLine,
  HealthSample,
  InfraJobSummary,
  SlipwayEvent,
  SlipwayEventOf,
} from '@slipway/plugin-slipway-common';
import { randomUUID } from 'node:crypto';
import type { AppTransitionEvent, StoreChange } from './StoreChange';

/**
 * The one place each kind of event is made. Pure functions of what was stored, so the outbox
 * calls them inside the writing transaction, and the in-process bus after it.
 */

function envelope() {
  // A UUID rather than a per-process sequence: ids stay unique across replicas and restarts,
  // which JetStream's deduplication relies on (the event id is the message's Nats-Msg-Id).
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

/**
 * The event a store write makes.
 *
 * @alpha
 */
export function eventOfChange(change: StoreChange): SlipwayEvent {
  switch (change.kind) {
    case 'app.transition':
      return appStateEvent(change.transition);
    case 'deployment.status':
      return deploymentStatusEvent(change.deployment);
    case 'deployment.log':
      return deploymentLogEvent(change.app, change.deploymentId, change.line);
    case 'health.sample':
      return healthSampleEvent(change.app, change.sample);
    default:
      throw new Error(
        `unknown store change ${(change as { kind: string }).kind}`,
      );
  }
}

import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import {
  App,
  AppState,
  Deployment,
  DeploymentStatus,
} from '@slipway/plugin-slipway-common';
import { ReactNode } from 'react';

/**
 * An app's state as the UI names it: the stored state, plus `deploying` for a
 * first deploy under way and `destroyed` for an app that was torn down.
 *
 * @public
 */
export type SlipwayDisplayState = AppState | 'deploying' | 'destroyed';

export function displayStateOf(
  app: App,
  deployment?: Deployment | null,
): SlipwayDisplayState {
  // `destroyed` is not an AppState (yet); a backend may still send it.
  if (app.destroyedAt || (app.state as string) === 'destroyed') {
    return 'destroyed';
  }
  if (
    app.state === 'pending' &&
    deployment &&
    deployment.status === 'in_progress'
  ) {
    return 'deploying';
  }
  return app.state;
}

/** Whether a state calls for a diagnosis. */
export function isTroubled(state: SlipwayDisplayState): boolean {
  return state === 'failed' || state === 'unhealthy';
}

// Backstage's status components hide themselves from screen readers and
// label themselves "Status ok"; here the word they show is the information.
const readable = { 'aria-hidden': false, 'aria-label': undefined };

function statusElement(
  kind: 'ok' | 'warning' | 'error' | 'pending' | 'running' | 'aborted',
  text: ReactNode,
) {
  switch (kind) {
    case 'ok':
      return <StatusOK {...readable}>{text}</StatusOK>;
    case 'warning':
      return <StatusWarning {...readable}>{text}</StatusWarning>;
    case 'error':
      return <StatusError {...readable}>{text}</StatusError>;
    case 'pending':
      return <StatusPending {...readable}>{text}</StatusPending>;
    case 'running':
      return <StatusRunning {...readable}>{text}</StatusRunning>;
    default:
      return <StatusAborted {...readable}>{text}</StatusAborted>;
  }
}

const APP_STATE_KINDS: Record<
  SlipwayDisplayState,
  Parameters<typeof statusElement>[0]
> = {
  running: 'ok',
  unhealthy: 'warning',
  failed: 'error',
  pending: 'pending',
  deploying: 'running',
  destroyed: 'aborted',
};

export const AppStateLabel = (props: { state: SlipwayDisplayState }) =>
  statusElement(APP_STATE_KINDS[props.state] ?? 'aborted', props.state);

const DEPLOYMENT_STATUS_KINDS: Record<
  DeploymentStatus,
  Parameters<typeof statusElement>[0]
> = {
  queued: 'pending',
  in_progress: 'running',
  succeeded: 'ok',
  failed: 'error',
  rolled_back: 'warning',
  cancelled: 'aborted',
};

export function deploymentStatusText(status: DeploymentStatus): string {
  return status.replace('_', ' ');
}

export const DeploymentStatusLabel = (props: { status: DeploymentStatus }) =>
  statusElement(
    DEPLOYMENT_STATUS_KINDS[props.status] ?? 'aborted',
    deploymentStatusText(props.status),
  );

/**
 * App and deployment states, and the transitions between them. The backend stores every
 * transition through one function that consults this table, so an impossible jump (say,
 * `failed` straight to `unhealthy`) is a bug that shows, not a state that lingers.
 */
export const APP_STATES = [
  'pending',
  'running',
  'unhealthy',
  'failed',
] as const;
export type AppState = (typeof APP_STATES)[number];

const appTransitions: Record<AppState, readonly AppState[]> = {
  // deploy in progress, never healthy yet
  pending: ['running', 'failed'],
  // health checks pass; a redeploy keeps `running` until the new version takes over
  running: ['unhealthy', 'failed', 'pending'],
  // N consecutive failed checks; recovers on success
  unhealthy: ['running', 'failed', 'pending'],
  // deploy failed with nothing serving, or the container exited / restart-loops
  failed: ['pending', 'running'],
};

export function canTransitionApp(from: AppState, to: AppState): boolean {
  return appTransitions[from].includes(to);
}

export const DEPLOYMENT_STATUSES = [
  'queued',
  'in_progress',
  'succeeded',
  'failed',
  'rolled_back',
  'cancelled',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

const deploymentTransitions: Record<
  DeploymentStatus,
  readonly DeploymentStatus[]
> = {
  queued: ['in_progress', 'cancelled'],
  in_progress: ['succeeded', 'failed', 'rolled_back', 'cancelled'],
  succeeded: [],
  failed: [],
  rolled_back: [],
  cancelled: [],
};

export function canTransitionDeployment(
  from: DeploymentStatus,
  to: DeploymentStatus,
): boolean {
  return deploymentTransitions[from].includes(to);
}

export function isFinalDeploymentStatus(status: DeploymentStatus): boolean {
  return deploymentTransitions[status].length === 0;
}

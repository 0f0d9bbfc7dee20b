import {
  Deployment,
  DeploymentLogLine,
  isFinalDeploymentStatus,
} from '@slipway/plugin-slipway-common';
import { isNotFound, SlipwayAppStatus, SlipwayEvent } from '../api';

/** The most health samples and transitions the card keeps, as the backend sends. */
export const MAX_HEALTH_SAMPLES = 50;
export const MAX_TRANSITIONS = 20;
const MAX_LOG_LINES = 2000;
const MAX_PENDING_EVENTS = 200;

/** A deployment the card follows, with its log so far. */
export type FollowedDeployment = {
  deployment: Deployment;
  log: DeploymentLogLine[];
};

export type AppViewState = {
  loading: boolean;
  status?: SlipwayAppStatus;
  error?: Error;
  notFound: boolean;
  followed?: FollowedDeployment;
  /** Events that came before the first status, applied once it is there. */
  pending: SlipwayEvent[];
};

export const initialAppViewState: AppViewState = {
  loading: true,
  notFound: false,
  pending: [],
};

export type AppViewAction =
  | { type: 'reset' }
  | { type: 'loaded'; status: SlipwayAppStatus }
  | { type: 'failed'; error: Error }
  | { type: 'event'; event: SlipwayEvent }
  | { type: 'follow'; deployment: Deployment }
  | {
      type: 'deploymentLoaded';
      deployment: Deployment;
      log: DeploymentLogLine[];
    };

/**
 * Of two snapshots of one deployment, the one to show: a final status is
 * never replaced by an earlier, unfinished one that arrived late.
 */
export function newerDeployment(
  current: Deployment,
  incoming: Deployment,
): Deployment {
  if (
    isFinalDeploymentStatus(current.status) &&
    !isFinalDeploymentStatus(incoming.status)
  ) {
    return current;
  }
  return incoming;
}

export function mergeLogLines(
  current: DeploymentLogLine[],
  incoming: DeploymentLogLine[],
): DeploymentLogLine[] {
  if (incoming.length === 0) return current;
  const byId = new Map<number, DeploymentLogLine>();
  for (const line of current) byId.set(line.id, line);
  for (const line of incoming) byId.set(line.id, line);
  return Array.from(byId.values())
    .sort((a, b) => a.id - b.id)
    .slice(-MAX_LOG_LINES);
}

function isRunning(deployment: Deployment): boolean {
  return !isFinalDeploymentStatus(deployment.status);
}

/** Follows a deployment that is under way, unless one is followed already. */
function followIfRunning(
  followed: FollowedDeployment | undefined,
  deployment: Deployment | null,
): FollowedDeployment | undefined {
  if (!deployment) return followed;
  if (followed?.deployment.id === deployment.id) {
    return {
      ...followed,
      deployment: newerDeployment(followed.deployment, deployment),
    };
  }
  if (isRunning(deployment) && (!followed || !isRunning(followed.deployment))) {
    return { deployment, log: [] };
  }
  return followed;
}

function applyToStatus(
  status: SlipwayAppStatus,
  event: SlipwayEvent,
): SlipwayAppStatus {
  switch (event.type) {
    case 'app.state': {
      const { from, to, reason, deploymentId } = event.data;
      return {
        ...status,
        app: {
          ...status.app,
          state: to,
          stateReason: reason,
          stateChangedAt: event.at,
        },
        transitions: [
          { from, to, reason, deploymentId, at: event.at },
          ...status.transitions,
        ].slice(0, MAX_TRANSITIONS),
      };
    }
    case 'health.sample': {
      const { sample } = event.data;
      if (status.health.some(s => s.checkedAt === sample.checkedAt)) {
        return status;
      }
      const { ratio, samples } = status.uptime24h;
      const passed = (ratio ?? 0) * samples + (sample.ok ? 1 : 0);
      return {
        ...status,
        app: {
          ...status.app,
          consecutiveFailures: sample.ok
            ? 0
            : status.app.consecutiveFailures + 1,
        },
        health: [...status.health, sample]
          .sort((a, b) => a.checkedAt.localeCompare(b.checkedAt))
          .slice(-MAX_HEALTH_SAMPLES),
        // Samples older than 24 h are not dropped here; the next refetch
        // brings the backend's exact figure.
        uptime24h: { ratio: passed / (samples + 1), samples: samples + 1 },
      };
    }
    case 'deployment.status': {
      const { deployment } = event.data;
      if (status.lastDeployment?.id !== deployment.id) return status;
      return {
        ...status,
        lastDeployment: newerDeployment(status.lastDeployment, deployment),
      };
    }
    default:
      return status;
  }
}

function applyToFollowed(
  followed: FollowedDeployment | undefined,
  event: SlipwayEvent,
): FollowedDeployment | undefined {
  if (event.type === 'deployment.status') {
    return followIfRunning(followed, event.data.deployment);
  }
  if (
    event.type === 'deployment.log' &&
    followed?.deployment.id === event.data.deploymentId
  ) {
    return { ...followed, log: mergeLogLines(followed.log, [event.data.line]) };
  }
  return followed;
}

export function appViewReducer(
  state: AppViewState,
  action: AppViewAction,
): AppViewState {
  switch (action.type) {
    case 'reset':
      return initialAppViewState;
    case 'loaded': {
      let status = action.status;
      let followed = followIfRunning(state.followed, status.lastDeployment);
      for (const event of state.pending) {
        status = applyToStatus(status, event);
        followed = applyToFollowed(followed, event);
      }
      return {
        ...state,
        loading: false,
        status,
        followed,
        error: undefined,
        notFound: false,
        pending: [],
      };
    }
    case 'failed': {
      const notFound = isNotFound(action.error);
      return {
        ...state,
        loading: false,
        error: action.error,
        notFound,
        // An app that is gone must not linger as it was.
        status: notFound ? undefined : state.status,
        pending: [],
      };
    }
    case 'event': {
      const { event } = action;
      if (!state.status) {
        if (state.notFound) return state;
        return {
          ...state,
          pending: [...state.pending, event].slice(-MAX_PENDING_EVENTS),
        };
      }
      return {
        ...state,
        status: applyToStatus(state.status, event),
        followed: applyToFollowed(state.followed, event),
      };
    }
    case 'follow':
      return {
        ...state,
        followed:
          state.followed?.deployment.id === action.deployment.id
            ? {
                ...state.followed,
                deployment: newerDeployment(
                  state.followed.deployment,
                  action.deployment,
                ),
              }
            : { deployment: action.deployment, log: [] },
      };
    case 'deploymentLoaded': {
      if (state.followed?.deployment.id !== action.deployment.id) return state;
      return {
        ...state,
        followed: {
          deployment: newerDeployment(
            state.followed.deployment,
            action.deployment,
          ),
          log: mergeLogLines(state.followed.log, action.log),
        },
      };
    }
    default:
      return state;
  }
}

/**
 * Whether an event changes more than it carries, so that the status must be
 * fetched again: a deployment that ended changes the current deployment, URL
 * and state reason; a state change caused by another deployment means the
 * last deployment shown is out of date.
 */
export function needsRefetch(
  state: AppViewState,
  event: SlipwayEvent,
): boolean {
  if (state.notFound) return true;
  switch (event.type) {
    case 'deployment.status':
      return isFinalDeploymentStatus(event.data.deployment.status);
    case 'app.state': {
      const { deploymentId } = event.data;
      return Boolean(
        deploymentId && deploymentId !== state.status?.lastDeployment?.id,
      );
    }
    default:
      return false;
  }
}

/** Whether an event is about the given app. */
export function isAbout(event: SlipwayEvent, app: string): boolean {
  if (event.app !== undefined) return event.app === app;
  if (event.type === 'deployment.status') {
    return event.data.deployment.app === app;
  }
  return false;
}

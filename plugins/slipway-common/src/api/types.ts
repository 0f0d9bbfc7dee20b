import { AppState, DeploymentStatus } from '../states';

/** What the API says about an app (`GET /apps`, `GET /apps/:name/status`). */
export type App = {
  name: string;
  host: string;
  state: AppState;
  stateReason: string | null;
  stateChangedAt: string;
  repo: string;
  ref: string | null;
  port: number;
  containerPort: number;
  healthPath: string;
  /*
   * Build and resource settings of the last deploy. The backend always sends them (null when
   * unset); optional so that clients and fixtures written before them still type-check.
   */
  /** The build context in the repo (a monorepo's subdirectory); null for the repo's root. */
  context?: string | null;
  /** The Dockerfile, relative to the repo's root; null for `Dockerfile` in the context. */
  dockerfile?: string | null;
  /** `docker run --memory` (e.g. `256m`); null for no limit. */
  memory?: string | null;
  /** `docker run --cpus` (e.g. 0.5); null for no limit. */
  cpus?: number | null;
  /**
   * Who owns the app (an entity ref): the `spec.owner` of its catalog Component when one is
   * registered in the app's repository, else the owner recorded at its first deploy (the
   * request's `owner`, or the user who deployed it). Permissions are judged on this.
   */
  owner: string | null;
  /**
   * The catalog Component the owner comes from; absent or null when the owner is the one
   * recorded at deploy.
   */
  ownerEntity?: string | null;
  /** As given by the last deploy that named it. */
  description: string | null;
  /** Names only: values are never stored or returned. */
  envNames: string[];
  currentDeploymentId: string | null;
  consecutiveFailures: number;
  initiator: string | null;
  destroyedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type DeploymentKind = 'deploy' | 'rollback' | 'restart' | 'destroy';

export type Deployment = {
  id: string;
  app: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  commitSha: string | null;
  image: string | null;
  container: string | null;
  initiator: string | null;
  diagnosis: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type DeploymentLogLine = {
  id: number;
  stream: 'system' | 'stdout' | 'stderr';
  line: string;
  createdAt: string;
};

export type HealthSample = {
  ok: boolean;
  latencyMs: number | null;
  httpStatus: number | null;
  error: string | null;
  checkedAt: string;
};

export type AppTransition = {
  from: AppState | null;
  to: AppState;
  reason: string;
  deploymentId: string | null;
  at: string;
};

/** The share of passing health checks over a period; `ratio` is null when nothing was checked. */
export type AppUptime = {
  /** From 0 to 1. */
  ratio: number | null;
  samples: number;
};

/** `GET /apps/:name/status`. */
export type AppStatusResponse = {
  app: App;
  /** Where the app answers, when its host is known. */
  url: string | null;
  lastDeployment: Deployment | null;
  /** The last 50 samples, oldest first. */
  health: HealthSample[];
  /** The last 20 transitions, newest first. */
  transitions: AppTransition[];
  /** Over the last 24 hours. */
  uptime24h: AppUptime;
};

/** `POST /apps/:name/redeploy`: the app's recorded settings, at another ref if given. */
export type RedeployRequest = {
  ref?: string;
};

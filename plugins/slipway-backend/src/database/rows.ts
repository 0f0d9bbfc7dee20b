import {
  App,
  AppState,
  AppTransition,
  Deployment,
  DeploymentKind,
  DeploymentLogLine,
  DeploymentStatus,
  HealthSample,
} from '@slipway/plugin-slipway-common';

/**
 * Timestamps are written as ISO strings from JS (never database defaults), so SQLite and
 * PostgreSQL hold the same values and SQLite's text columns sort in time order.
 */
export function now(): string {
  return new Date().toISOString();
}

export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const text = String(value);
  // SQLite's CURRENT_TIMESTAMP form, in UTC.
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) {
    return new Date(`${text.replace(' ', 'T')}Z`).toISOString();
  }
  return new Date(text).toISOString();
}

const toIsoOrNull = (value: unknown) =>
  value === null || value === undefined ? null : toIso(value);

export type AppRow = {
  name: string;
  host: string;
  state: AppState;
  state_reason: string | null;
  repo: string;
  ref: string | null;
  port: number;
  container_port: number;
  health_path: string;
  build_context?: string | null;
  dockerfile?: string | null;
  memory?: string | null;
  cpus?: number | string | null;
  owner: string | null;
  catalog_owner?: string | null;
  catalog_entity?: string | null;
  description: string | null;
  env_names: string;
  current_deployment_id: string | null;
  consecutive_failures: number;
  initiator: string | null;
  state_changed_at: unknown;
  destroyed_at: unknown;
  created_at: unknown;
  updated_at: unknown;
};

export function appFromRow(row: AppRow): App {
  return {
    name: row.name,
    host: row.host,
    state: row.state,
    stateReason: row.state_reason,
    stateChangedAt: toIso(row.state_changed_at),
    repo: row.repo,
    ref: row.ref,
    port: Number(row.port),
    containerPort: Number(row.container_port),
    healthPath: row.health_path,
    context: row.build_context ?? null,
    dockerfile: row.dockerfile ?? null,
    memory: row.memory ?? null,
    // PostgreSQL returns a decimal as a string.
    cpus: row.cpus === null || row.cpus === undefined ? null : Number(row.cpus),
    owner: row.catalog_owner ?? row.owner ?? null,
    ownerEntity: row.catalog_owner ? row.catalog_entity ?? null : null,
    description: row.description ?? null,
    envNames: JSON.parse(row.env_names),
    currentDeploymentId: row.current_deployment_id,
    consecutiveFailures: Number(row.consecutive_failures),
    initiator: row.initiator,
    destroyedAt: toIsoOrNull(row.destroyed_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export type DeploymentRow = {
  id: string;
  app: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  commit_sha: string | null;
  image: string | null;
  container: string | null;
  initiator: string | null;
  diagnosis: string | null;
  request: string;
  created_at: unknown;
  started_at: unknown;
  finished_at: unknown;
};

export function deploymentFromRow(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    app: row.app,
    kind: row.kind,
    status: row.status,
    commitSha: row.commit_sha,
    image: row.image,
    container: row.container,
    initiator: row.initiator,
    diagnosis: row.diagnosis,
    createdAt: toIso(row.created_at),
    startedAt: toIsoOrNull(row.started_at),
    finishedAt: toIsoOrNull(row.finished_at),
  };
}

export function logLineFromRow(row: {
  id: number | string;
  stream: DeploymentLogLine['stream'];
  line: string;
  created_at: unknown;
}): DeploymentLogLine {
  return {
    id: Number(row.id),
    stream: row.stream,
    line: row.line,
    createdAt: toIso(row.created_at),
  };
}

export function healthSampleFromRow(row: {
  ok: boolean | number;
  latency_ms: number | null;
  http_status: number | null;
  error: string | null;
  checked_at: unknown;
}): HealthSample {
  return {
    ok: Boolean(row.ok),
    latencyMs: row.latency_ms === null ? null : Number(row.latency_ms),
    httpStatus: row.http_status === null ? null : Number(row.http_status),
    error: row.error,
    checkedAt: toIso(row.checked_at),
  };
}

export function transitionFromRow(row: {
  from_state: AppState | null;
  to_state: AppState;
  reason: string;
  deployment_id: string | null;
  created_at: unknown;
}): AppTransition {
  return {
    from: row.from_state,
    to: row.to_state,
    reason: row.reason,
    deploymentId: row.deployment_id,
    at: toIso(row.created_at),
  };
}

import { z } from 'zod/v3';
import { APP_STATES, AppState, DEPLOYMENT_STATUSES } from '../states';
import { Deployment, DeploymentLogLine, HealthSample } from './types';

/**
 * Slipway's live events: one versioned JSON payload for every transport. The backend streams
 * them over Server-Sent Events (`GET /api/slipway/events`) and, when `slipway.nats.servers` is
 * configured, publishes them to the NATS JetStream stream {@link SLIPWAY_STREAM} under
 * {@link eventSubject}, with the event's `id` as the `Nats-Msg-Id` header. A consumer parses
 * them with {@link slipwayEventSchema} (or {@link parseSlipwayEvent}) and ignores what it does
 * not know: new event types and new fields may appear within `v: 1`; a breaking change bumps
 * `v`.
 *
 * In the stream, events of one app (app, deployment and health events) are in the order they
 * were stored, as are those of one host (`infra.job`); there is no order across apps. Each event
 * is stored once: the backend may publish one again after a failure, and JetStream drops the
 * copy by its message id.
 *
 * | type                | `app`  | `host` | `data`                                                     | NATS subject                         |
 * | ------------------- | ------ | ------ | ---------------------------------------------------------- | ------------------------------------ |
 * | `app.state`         | yes    | no     | `{ from, to, reason, deploymentId }`                       | `slipway.apps.<app>.state`           |
 * | `deployment.status` | yes    | no     | `{ deployment }` (the whole record after the change)       | `slipway.deployments.<id>.status`    |
 * | `deployment.log`    | yes    | no     | `{ deploymentId, line }` (the stored, redacted log line)   | `slipway.deployments.<id>.log`       |
 * | `health.sample`     | yes    | no     | `{ sample }`                                               | `slipway.apps.<app>.health`          |
 * | `infra.job`         | no     | yes    | `{ job: { id, host, kind, status, diagnosis } }`           | `slipway.infra.<host>.state`         |
 *
 * Names of apps and hosts are DNS labels and deployment ids are UUIDs, so every subject token
 * is a valid NATS token (no `.`, `*`, `>` or whitespace).
 */
export const SLIPWAY_EVENT_VERSION = 1;

/** The JetStream stream the backend creates for the events (configurable: `slipway.nats.stream`). */
export const SLIPWAY_STREAM = 'SLIPWAY';

/** The subjects of {@link SLIPWAY_STREAM}: every subject {@link eventSubject} returns. */
export const SLIPWAY_STREAM_SUBJECTS = 'slipway.>';

export const SLIPWAY_EVENT_TYPES = [
  'app.state',
  'deployment.status',
  'deployment.log',
  'health.sample',
  'infra.job',
] as const;
export type SlipwayEventType = (typeof SLIPWAY_EVENT_TYPES)[number];

/** What an `infra.job` event tells about a provisioning job. */
export type InfraJobSummary = {
  id: string;
  host: string;
  kind: 'provision' | 'destroy';
  status: 'queued' | 'in_progress' | 'succeeded' | 'failed' | 'cancelled';
  diagnosis: string | null;
};

export type SlipwayEventData = {
  'app.state': {
    from: AppState | null;
    to: AppState;
    reason: string;
    deploymentId: string | null;
  };
  'deployment.status': { deployment: Deployment };
  'deployment.log': { deploymentId: string; line: DeploymentLogLine };
  'health.sample': { sample: HealthSample };
  'infra.job': { job: InfraJobSummary };
};

/** One event of a given type. */
export type SlipwayEventOf<T extends SlipwayEventType> = {
  v: 1;
  /** A UUID: the SSE `id:` and the JetStream message id (`Nats-Msg-Id`, deduplication). */
  id: string;
  type: T;
  /** The app the event is about; absent for infrastructure events. */
  app?: string;
  /** The host the event is about; set on `infra.job`. */
  host?: string;
  /** When it happened (ISO 8601), as stored. */
  at: string;
  data: SlipwayEventData[T];
};

export type SlipwayEvent = {
  [T in SlipwayEventType]: SlipwayEventOf<T>;
}[SlipwayEventType];

const iso = z.string().min(1);
const nullableString = z.string().nullable();

const deploymentSchema = z.object({
  id: z.string(),
  app: z.string(),
  kind: z.enum(['deploy', 'rollback', 'restart', 'destroy']),
  status: z.enum(DEPLOYMENT_STATUSES),
  commitSha: nullableString,
  image: nullableString,
  container: nullableString,
  initiator: nullableString,
  diagnosis: nullableString,
  createdAt: iso,
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
});

const logLineSchema = z.object({
  id: z.number(),
  stream: z.enum(['system', 'stdout', 'stderr']),
  line: z.string(),
  createdAt: iso,
});

const healthSampleSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  httpStatus: z.number().nullable(),
  error: nullableString,
  checkedAt: iso,
});

const envelope = {
  v: z.literal(SLIPWAY_EVENT_VERSION),
  id: z.string().min(1),
  app: z.string().optional(),
  host: z.string().optional(),
  at: iso,
};

/**
 * Parses a received event. Unknown fields are dropped rather than refused, so a consumer keeps
 * working when a later backend adds some; an unknown `type` or `v` fails the parse.
 */
export const slipwayEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...envelope,
    type: z.literal('app.state'),
    data: z.object({
      from: z.enum(APP_STATES).nullable(),
      to: z.enum(APP_STATES),
      reason: z.string(),
      deploymentId: nullableString,
    }),
  }),
  z.object({
    ...envelope,
    type: z.literal('deployment.status'),
    data: z.object({ deployment: deploymentSchema }),
  }),
  z.object({
    ...envelope,
    type: z.literal('deployment.log'),
    data: z.object({ deploymentId: z.string(), line: logLineSchema }),
  }),
  z.object({
    ...envelope,
    type: z.literal('health.sample'),
    data: z.object({ sample: healthSampleSchema }),
  }),
  z.object({
    ...envelope,
    type: z.literal('infra.job'),
    data: z.object({
      job: z.object({
        id: z.string(),
        host: z.string(),
        kind: z.enum(['provision', 'destroy']),
        status: z.enum([
          'queued',
          'in_progress',
          'succeeded',
          'failed',
          'cancelled',
        ]),
        diagnosis: nullableString,
      }),
    }),
  }),
]);

// The schema and the types are written twice; these lines fail to compile if they drift apart.
type Parsed = z.output<typeof slipwayEventSchema>;
const parsedIsEvent = (e: Parsed): SlipwayEvent => e;
const eventIsParsed = (e: SlipwayEvent): Parsed => e;
void parsedIsEvent;
void eventIsParsed;

/** The event in `text` (an SSE `data:` field, a NATS message), or undefined if it is not one. */
export function parseSlipwayEvent(text: string): SlipwayEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = slipwayEventSchema.safeParse(value);
  return result.success ? result.data : undefined;
}

/** Whether `value` is a well-formed event of this version. */
export function isSlipwayEvent(value: unknown): value is SlipwayEvent {
  return slipwayEventSchema.safeParse(value).success;
}

/**
 * The NATS subject an event is published under (see the table above). Consumers subscribe with
 * wildcards, e.g. `slipway.apps.hello.>` or `slipway.deployments.*.status`.
 */
export function eventSubject(event: SlipwayEvent): string {
  switch (event.type) {
    case 'app.state':
      return `slipway.apps.${event.app}.state`;
    case 'health.sample':
      return `slipway.apps.${event.app}.health`;
    case 'deployment.status':
      return `slipway.deployments.${event.data.deployment.id}.status`;
    case 'deployment.log':
      return `slipway.deployments.${event.data.deploymentId}.log`;
    case 'infra.job':
      return `slipway.infra.${event.data.job.host}.state`;
    default:
      throw new Error(
        `no subject for event type ${(event as { type: string }).type}`,
      );
  }
}

import { Config } from '@backstage/config';
import { SLIPWAY_STREAM } from '@slipway/plugin-slipway-common';

export type NatsSettings = {
  servers: string[];
  /** The JetStream stream; default `SLIPWAY`. */
  stream: string;
  /** How long the stream keeps events; default 7 days. */
  maxAgeDays: number;
  /**
   * JetStream's deduplication window. It must outlast a relay retry: a lease handover (15 s)
   * plus a batch. Two minutes (JetStream's default) leaves room.
   */
  duplicateWindowMs: number;
  /** How long a publish waits for its ack. */
  publishTimeoutMs: number;
};

export type EventSettings = {
  /** Unset: events flow in-process only. */
  nats?: NatsSettings;
  /** Hours sent outbox rows (and notification claims) are kept. */
  outboxRetentionHours: number;
  /** Whether app state changes are sent to Backstage notifications. */
  notifications: boolean;
};

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `slipway.nats` and `slipway.events`; a mistake stops the backend with the key. */
export function readEventSettings(config: Config): EventSettings {
  const retention =
    config.getOptionalNumber('slipway.events.outboxRetentionHours') ?? 24;
  if (!(retention > 0))
    throw new Error(
      'slipway.events.outboxRetentionHours must be a positive number',
    );
  // A list, or one string of comma-separated URLs (what `${NATS_URL}` gives).
  const raw = config.getOptional('slipway.nats.servers');
  let list: string[] = [];
  if (Array.isArray(raw)) list = raw.map(String);
  else if (typeof raw === 'string') list = raw.split(',');
  const servers = list.map(s => s.trim()).filter(Boolean);
  const notifications =
    config.getOptionalBoolean('slipway.events.notifications') ?? true;
  if (!servers.length)
    return { outboxRetentionHours: retention, notifications };

  const stream =
    config.getOptionalString('slipway.nats.stream') ?? SLIPWAY_STREAM;
  if (!STREAM_NAME.test(stream))
    throw new Error(
      `slipway.nats.stream: "${stream}" is not a JetStream stream name (letters, digits, _ and -)`,
    );
  const maxAgeDays = config.getOptionalNumber('slipway.nats.maxAgeDays') ?? 7;
  if (!(maxAgeDays > 0))
    throw new Error('slipway.nats.maxAgeDays must be a positive number');
  return {
    nats: {
      servers,
      stream,
      maxAgeDays,
      duplicateWindowMs: 120_000,
      publishTimeoutMs: 5000,
    },
    outboxRetentionHours: retention,
    notifications,
  };
}

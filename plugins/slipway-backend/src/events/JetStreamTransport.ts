import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConsumerMessages,
  DiscardPolicy,
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  JetStreamClient,
  JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  StreamConfig,
} from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  parseSlipwayEvent,
  SLIPWAY_STREAM_SUBJECTS,
} from '@slipway/plugin-slipway-common';
import { OutboxRow } from './Outbox';
import { OutboxTransport } from './OutboxRelay';
import { SlipwayEventBus } from './SlipwayEventBus';
import { NatsSettings } from './settings';

const NANOS_PER_MS = 1_000_000;

/** Thrown while there is no connection: the relay backs off at once instead of waiting. */
export class NatsUnavailableError extends Error {
  name = 'NatsUnavailableError';
}

/**
 * Slipway's side of NATS JetStream, through the maintained client (`@nats-io/transport-node`
 * with `@nats-io/jetstream`):
 *
 * - keeps one connection, reconnecting forever;
 * - creates or updates the stream (`SLIPWAY`, subjects `slipway.>`) on start;
 * - publishes outbox rows with the event id as `Nats-Msg-Id`, so a row published twice within
 *   the stream's duplicate window is stored once;
 * - reads the stream from "now" with an ordered consumer and publishes each event to this
 *   replica's bus, so every replica's SSE clients see every replica's events;
 * - carries the wake-up a replica sends the relaying replica after a commit (core NATS, not
 *   stored: a lost wake-up only waits for the periodic catch-up).
 *
 * Ready means: connected, the stream exists with Slipway's settings, and the consumer runs.
 */
export class JetStreamTransport implements OutboxTransport {
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private connected = false;
  private isReady = false;
  private closed = false;
  private messages?: ConsumerMessages;
  private restartConsumer = false;
  /** Rejects the publishes waiting for an ack, when the connection drops. */
  private readonly inFlight = new Set<(error: Error) => void>();
  private readonly abort = new AbortController();
  private wakePending = false;
  private readonly wakeSubject: string;
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private running?: Promise<void>;

  constructor(
    private readonly settings: NatsSettings,
    private readonly logger: LoggerService,
    private readonly bus: SlipwayEventBus,
    private readonly hooks: {
      /** Another replica committed rows. */
      onWake?: () => void;
      /** Publishing works (again): at first readiness and after each reconnect. */
      onAvailable?: () => void;
    } = {},
  ) {
    this.wakeSubject = `_SLIPWAY.${settings.stream}.outbox.wake`;
    this.ready = new Promise(resolve => {
      this.resolveReady = resolve;
    });
  }

  /** Connects in the background: the backend starts, and keeps its events, while NATS is down. */
  start(): void {
    this.running ??= this.run().catch(error =>
      this.logger.error(
        `Slipway events: NATS JetStream setup failed: ${error}`,
      ),
    );
  }

  async publish(row: OutboxRow): Promise<{ duplicate: boolean }> {
    if (!this.isReady && !this.closed) {
      // At start the relay may run before the connection is made: give it a moment.
      await this.within(this.ready, this.settings.publishTimeoutMs);
    }
    if (!this.js || !this.connected || !this.isReady)
      throw new NatsUnavailableError(
        `not connected to NATS (${this.settings.servers.join(', ')})`,
      );
    const js = this.js;
    return new Promise((resolve, reject) => {
      this.inFlight.add(reject);
      js.publish(row.subject, row.payload, {
        msgID: row.eventId,
        timeout: this.settings.publishTimeoutMs,
        // Refused rather than stored elsewhere if the subject is not the stream's.
        expect: { streamName: this.settings.stream },
      })
        .then(ack => resolve({ duplicate: ack.duplicate }), reject)
        .finally(() => this.inFlight.delete(reject));
    });
  }

  /** Asks the relaying replica to look at the outbox now; coalesced per turn of the event loop. */
  wakeLeader(): void {
    if (this.wakePending || !this.connected) return;
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      try {
        if (this.connected) this.nc?.publish(this.wakeSubject);
      } catch {
        // The periodic catch-up relays the rows anyway.
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    this.messages?.stop();
    // Closing first ends the requests the setup may be waiting on (during an outage).
    await this.nc?.close().catch(() => undefined);
    await this.running;
  }

  private async run(): Promise<void> {
    const nc = await this.connect();
    if (!nc) return;
    if (this.closed) {
      await nc.close().catch(() => undefined);
      return;
    }
    this.nc = nc;
    this.js = jetstream(nc, { timeout: this.settings.publishTimeoutMs });
    this.connected = true;
    void this.watch(nc);
    nc.subscribe(this.wakeSubject, { callback: () => this.hooks.onWake?.() });

    let from: number | undefined;
    for (let attempt = 0; !this.closed && from === undefined; attempt++) {
      try {
        from = await this.ensureStream(await jetstreamManager(nc));
      } catch (error) {
        if (attempt === 0)
          this.logger.warn(
            `Slipway events: cannot set up the JetStream stream ${this.settings.stream} yet (${error}); retrying`,
          );
        await this.sleep(Math.min(1000 * 2 ** attempt, 10_000));
      }
    }
    if (from === undefined) return;
    await this.consume(from);
  }

  private async connect(): Promise<NatsConnection | undefined> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        return await connect({
          servers: this.settings.servers,
          name: 'slipway-backend',
          reconnect: true,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 1000,
          // A server that stops answering (no TCP reset) is noticed within about 20 s.
          pingInterval: 10_000,
          maxPingOut: 2,
        });
      } catch (error) {
        if (attempt === 0)
          this.logger.warn(
            `Slipway events: cannot connect to NATS at ${this.settings.servers.join(
              ', ',
            )} (${error}); events wait in the outbox, retrying`,
          );
        await this.sleep(Math.min(1000 * 2 ** attempt, 10_000));
      }
    }
    return undefined;
  }

  /** Creates the stream, or brings an existing one to Slipway's settings; returns the next sequence. */
  private async ensureStream(jsm: JetStreamManager): Promise<number> {
    const { stream, maxAgeDays, duplicateWindowMs } = this.settings;
    const wanted: Partial<StreamConfig> = {
      subjects: [SLIPWAY_STREAM_SUBJECTS],
      duplicate_window: duplicateWindowMs * NANOS_PER_MS,
      max_age: maxAgeDays * 24 * 3600 * 1000 * NANOS_PER_MS,
    };
    let info;
    try {
      info = await jsm.streams.info(stream);
    } catch (error) {
      if (
        !(error instanceof JetStreamApiError) ||
        error.code !== JetStreamApiCodes.StreamNotFound
      )
        throw error;
      info = await jsm.streams.add({
        name: stream,
        ...wanted,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
      });
      this.logger.info(
        `Slipway events: created the JetStream stream ${stream}`,
      );
    }
    const current = info.config;
    if (
      current.subjects?.join() !== wanted.subjects!.join() ||
      current.duplicate_window !== wanted.duplicate_window ||
      current.max_age !== wanted.max_age
    ) {
      // Other settings (replicas, limits set by an operator) are left as they are.
      info = await jsm.streams.update(stream, { ...current, ...wanted });
      this.logger.info(
        `Slipway events: updated the JetStream stream ${stream} to subjects ${SLIPWAY_STREAM_SUBJECTS}, duplicate window ${
          duplicateWindowMs / 1000
        } s, max age ${maxAgeDays} days`,
      );
    }
    return info.state.last_seq + 1;
  }

  /**
   * Feeds the bus from the stream, starting at `from` (the stream's end when this replica
   * started: SSE streams are live, not replayed). The library's ordered consumer recreates itself
   * after a server restart from the last sequence it delivered; if it gives up, this loop starts
   * a new one from there, so nothing is skipped or delivered twice.
   */
  private async consume(from: number): Promise<void> {
    let next = from;
    let warned = false;
    while (!this.closed) {
      try {
        const consumer = await this.js!.consumers.get(this.settings.stream, {
          opt_start_seq: next,
        });
        // Heartbeats every 2.5 s: a consumer lost in a server restart is recreated within ~5 s.
        this.messages = await consumer.consume({
          max_messages: 256,
          expires: 5000,
        });
        if (this.closed) this.messages.stop();
        if (!this.isReady) {
          this.isReady = true;
          this.resolveReady();
          this.logger.info(
            `Slipway events: NATS JetStream ready (stream ${this.settings.stream}, subjects ${SLIPWAY_STREAM_SUBJECTS}, consumer from sequence ${next})`,
          );
          this.hooks.onAvailable?.();
        }
        warned = false;
        for await (const message of this.messages) {
          next = message.seq + 1;
          const event = parseSlipwayEvent(message.string());
          if (event) this.bus.publish(event);
          else
            this.logger.warn(
              `Slipway events: ignored message ${message.seq} on ${message.subject}: not a Slipway event of this version`,
            );
        }
      } catch (error) {
        if (!this.closed && !warned) {
          warned = true;
          this.logger.warn(
            `Slipway events: the stream consumer stopped (${error}); restarting it from sequence ${next}`,
          );
        }
      }
      if (this.restartConsumer) this.restartConsumer = false;
      else if (!this.closed) await this.sleep(1000);
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        // Their acks may never come: the relay retries them after the reconnect (a message
        // that did reach the stream then comes back as a duplicate), instead of waiting out
        // the publish timeout first.
        for (const reject of this.inFlight)
          reject(new NatsUnavailableError('disconnected from NATS'));
        this.inFlight.clear();
        this.logger.warn(
          `Slipway events: disconnected from NATS; reconnecting`,
        );
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.logger.info(`Slipway events: reconnected to NATS`);
        // The server may have restarted and lost the (ephemeral) consumer: start a new one from
        // the next sequence now, rather than after the heartbeats it no longer sends are missed.
        this.restartConsumer = true;
        this.messages?.stop();
        this.hooks.onAvailable?.();
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      if (this.abort.signal.aborted) {
        resolve();
        return;
      }
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      timer = setTimeout(done, ms);
      this.abort.signal.addEventListener('abort', done);
    });
  }

  /** Waits for `promise`, at most `ms`, and not past close(). */
  private async within(promise: Promise<void>, ms: number): Promise<void> {
    let done!: () => void;
    const timer = setTimeout(() => done(), ms);
    const onAbort = () => done();
    this.abort.signal.addEventListener('abort', onAbort);
    await Promise.race([promise, new Promise<void>(r => (done = r))]);
    clearTimeout(timer);
    this.abort.signal.removeEventListener('abort', onAbort);
  }
}

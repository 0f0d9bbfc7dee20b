import { LoggerService } from '@backstage/backend-plugin-api';
import { SlipwayEvent } from '@slipway/plugin-slipway-common';
import { Lease } from './Lease';
import { Outbox, OutboxRow } from './Outbox';

/** Where the relay publishes rows: NATS JetStream in production, anything in tests. */
export interface OutboxTransport {
  /**
   * Publishes one row and resolves once the server has stored it, or already had it (a row
   * published again after a crash: `duplicate`). Rejects when it cannot say so.
   */
  publish(row: OutboxRow): Promise<{ duplicate: boolean }>;
}

/** Told about the rows JetStream has taken, before they are marked sent (notifications). */
export type PublishedListener = (events: SlipwayEvent[]) => Promise<void>;

export type OutboxRelayOptions = {
  outbox: Outbox;
  lease: Lease;
  transport: OutboxTransport;
  logger: LoggerService;
  /** Runs after a batch is published and before it is marked sent; a failure retries the batch. */
  onPublished?: PublishedListener;
  /** Called when rows were committed here while another replica relays, to wake that one. */
  wakeLeader?: () => void;
  batchSize?: number;
  backoff?: { initialMs: number; maxMs: number };
};

export const RELAY_LEASE = 'slipway-outbox-relay';
const DEFAULT_BATCH = 500;
const DEFAULT_BACKOFF = { initialMs: 250, maxMs: 5000 };
/** A replica that is not relaying tries the lease at most this often when pokes arrive. */
const ACQUIRE_EVERY_MS = 1000;

/**
 * Publishes the outbox to JetStream: exactly one relaying replica at a time (the holder of the
 * `slipway-outbox-relay` lease), reading unsent rows in id order, publishing each and waiting
 * for its ack, marking them sent in batches.
 *
 * Order: rows of one app (or one host) are published one after the other, each only after the
 * previous one's ack, so a lost or refused message is never overtaken by a later one of its
 * app; rows of different apps go out side by side. With one relay and id order equal to commit
 * order within an app (see Outbox), every app's events reach the stream in the order they were
 * committed. The message id is the event id, so a row published twice (the relay crashed after
 * the ack and before marking it sent, or a lease changed hands) is stored once.
 *
 * While JetStream is unreachable the rows stay in the outbox: the relay retries with a backoff
 * of 250 ms doubling to 5 s, logs once per outage how many events wait, and catches up in
 * order when it is back.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private lastAcquireAttempt = -Infinity;
  private wakeSleep?: () => void;
  /**
   * Rows acknowledged by JetStream whose "sent" mark is still being written. Marking runs
   * beside the next batch instead of before it (it is the slowest step of a cycle); the next
   * reads leave these rows out. A mark that fails puts them back: they are published again and
   * JetStream recognizes them as duplicates.
   */
  private readonly marking = new Set<number>();
  private marks: Promise<void> = Promise.resolve();
  /** Set during an outage: when it began and why, for the one warning and the one recovery line. */
  private outage?: { since: number; error: string };

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** Whether this replica relays now (by its own clock). */
  isRelaying(): boolean {
    return this.options.lease.isHeld();
  }

  /**
   * Rows were committed here: relay them now if this replica relays; otherwise wake the one
   * that does, and try the lease in case nobody holds it. Never waits.
   */
  poke(): void {
    if (this.stopped) return;
    if (this.options.lease.isHeld()) {
      this.run();
      return;
    }
    this.options.wakeLeader?.();
    if (performance.now() - this.lastAcquireAttempt >= ACQUIRE_EVERY_MS)
      this.run();
  }

  /** Another replica committed rows: relay them if this replica relays. */
  wake(): void {
    if (!this.stopped && this.options.lease.isHeld()) this.run();
  }

  /** JetStream is reachable again: skip the rest of the backoff. */
  retryNow(): void {
    this.wakeSleep?.();
    this.poke();
  }

  /**
   * The periodic catch-up (the scheduler calls it every few seconds): takes or renews the lease
   * and relays whatever waits. Returns once the relay loop runs, not when it is done.
   */
  async tick(): Promise<void> {
    this.run();
  }

  /** Runs the relay until the outbox is empty and marked (for tests and the benchmark). */
  async drain(): Promise<void> {
    this.run();
    do {
      while (this.running) await this.running;
      await this.marks;
      // A failed mark starts the relay again for the rows it put back.
    } while (this.running);
  }

  /** Stops relaying, waits for the batch in flight and its marks, and gives the lease up. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleep?.();
    await this.running;
    await this.marks;
    await this.options.lease.release().catch(() => undefined);
  }

  private run(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop()
      .catch(error =>
        this.options.logger.error(`The outbox relay stopped: ${error}`),
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.again = false;
      try {
        if (!this.options.lease.isHeld())
          this.lastAcquireAttempt = performance.now();
        if (!(await this.options.lease.hold())) return;
        // Marks far behind: wait for them rather than exclude ever more ids.
        if (this.marking.size >= this.batchSize * 4) await this.marks;
        const rows = await this.options.outbox.unsent(
          this.batchSize,
          this.marking,
        );
        if (!rows.length) {
          if (this.again) continue;
          this.recovered(0);
          return;
        }
        const waiting = this.outage
          ? await this.options.outbox.countUnsent()
          : 0;
        const { published, error } = await this.publish(rows);
        if (published.length) {
          await this.options.onPublished?.(
            published
              .filter(r => r.type === 'app.state')
              .map(r => JSON.parse(r.payload)),
          );
          this.markSent(published.map(r => r.id));
        }
        if (error) throw error;
        this.recovered(waiting);
        failures = 0;
      } catch (error) {
        failures += 1;
        await this.failed(error);
        await this.sleep(
          Math.min(
            this.backoff.initialMs * 2 ** (failures - 1),
            this.backoff.maxMs,
          ),
        );
      }
    }
  }

  private markSent(ids: number[]): void {
    for (const id of ids) this.marking.add(id);
    this.marks = this.marks.then(async () => {
      try {
        await this.options.outbox.markSent(ids);
        for (const id of ids) this.marking.delete(id);
      } catch (error) {
        for (const id of ids) this.marking.delete(id);
        this.options.logger.warn(
          `Could not mark ${ids.length} published events as sent (${error}); they are published again and de-duplicated`,
        );
        this.run();
      }
    });
  }

  /**
   * Publishes a batch: one chain per app (or host) in id order, chains side by side. A chain
   * stops at its first failure so nothing of its app overtakes the failed row; the other chains
   * go on. Returns what was acknowledged, in id order, and the first error.
   */
  private async publish(
    rows: OutboxRow[],
  ): Promise<{ published: OutboxRow[]; error?: unknown }> {
    const chains = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = row.app ? `app:${row.app}` : row.subject;
      const chain = chains.get(key);
      if (chain) chain.push(row);
      else chains.set(key, [row]);
    }
    const published: OutboxRow[] = [];
    let error: unknown;
    await Promise.all(
      [...chains.values()].map(async chain => {
        for (const row of chain) {
          if (this.stopped) return;
          try {
            await this.options.transport.publish(row);
            published.push(row);
          } catch (e) {
            error ??= e;
            return;
          }
        }
      }),
    );
    published.sort((a, b) => a.id - b.id);
    return { published, error };
  }

  private async failed(error: unknown): Promise<void> {
    if (this.outage) return;
    this.outage = { since: Date.now(), error: String(error) };
    const waiting = await this.options.outbox
      .countUnsent()
      .then(n => `${n} events wait in the outbox`)
      .catch(() => 'the outbox cannot be read either');
    this.options.logger.warn(
      `Slipway events cannot be published (${error}); ${waiting} and go out in order once NATS JetStream takes them again`,
    );
  }

  private recovered(waiting: number): void {
    if (!this.outage) return;
    const seconds = Math.round((Date.now() - this.outage.since) / 1000);
    this.outage = undefined;
    this.options.logger.info(
      `Slipway events are published again after ${seconds} s; the ${waiting} events that waited go out in order`,
    );
  }

  /** The backoff: ends early when the relay stops or JetStream is back. */
  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.wakeSleep = undefined;
        resolve();
      };
      timer = setTimeout(done, ms);
      this.wakeSleep = done;
    });
  }
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { SlipwayEvent } from '@slipway/plugin-slipway-common';

/** Which events a subscriber gets: with `app`, only that app's (infra events have no app). */
export type SlipwayEventFilter = { app?: string };

/**
 * Receives events one at a time, in publishing order. A listener that returns a promise gets
 * the next event only once it settles: that is how a slow consumer (a client's full socket)
 * tells the bus to hold on, and how the bus notices it falls behind.
 */
export type SlipwayEventListener = (
  event: SlipwayEvent,
) => void | Promise<void>;

export type SubscribeOptions = {
  /**
   * Called once if the bus gives up on this subscriber (it fell too far behind, or the bus
   * closed). Events are lost from then on: the subscriber should tell its client to reload.
   */
  onDropped?: (reason: string) => void;
};

/**
 * Where Slipway's live events meet their consumers. Writers publish; the SSE route subscribes.
 * Subscribers do not know how events arrive (straight from the stores' committed changes, or
 * from the JetStream stream when `slipway.nats.servers` is set), so the transport is the
 * publishing side's business only.
 */
export interface SlipwayEventBus {
  /** Never throws and never waits for subscribers. */
  publish(event: SlipwayEvent): void;
  /** Returns the unsubscribe function (safe to call twice). */
  subscribe(
    listener: SlipwayEventListener,
    filter?: SlipwayEventFilter,
    options?: SubscribeOptions,
  ): () => void;
}

type Subscriber = {
  listener: SlipwayEventListener;
  filter: SlipwayEventFilter;
  options: SubscribeOptions;
  queue: SlipwayEvent[];
  delivering: boolean;
  active: boolean;
};

/**
 * Events that may wait for one subscriber before it is dropped. Writers publish after awaiting
 * their write, so deliveries run between publishes and a subscriber that keeps up holds about
 * one event; the bound only has to exceed a burst published without a pause.
 */
export const DEFAULT_MAX_QUEUE = 1000;

/**
 * The in-process bus: a fan-out with one bounded queue per subscriber. Publishing only appends
 * to queues; delivery runs later, so a subscriber never holds up a writer (a job, the health
 * monitor). A subscriber whose queue exceeds `maxQueue` is dropped, not slowed down or given an
 * ever-growing buffer: dropping keeps memory bounded, and an SSE client that is dropped
 * reconnects and reloads, which a silently thinned (coalesced) stream would not make it do.
 */
export class InProcessEventBus implements SlipwayEventBus {
  private readonly subscribers = new Set<Subscriber>();
  private readonly maxQueue: number;
  private readonly logger?: LoggerService;

  constructor(options: { maxQueue?: number; logger?: LoggerService } = {}) {
    this.maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
    this.logger = options.logger;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(event: SlipwayEvent): void {
    for (const subscriber of this.subscribers) {
      if (subscriber.filter.app && subscriber.filter.app !== event.app)
        continue;
      if (subscriber.queue.length >= this.maxQueue) {
        this.drop(
          subscriber,
          `more than ${this.maxQueue} events waiting for delivery`,
        );
        continue;
      }
      subscriber.queue.push(event);
      if (!subscriber.delivering) {
        subscriber.delivering = true;
        queueMicrotask(() => void this.deliver(subscriber));
      }
    }
  }

  subscribe(
    listener: SlipwayEventListener,
    filter: SlipwayEventFilter = {},
    options: SubscribeOptions = {},
  ): () => void {
    const subscriber: Subscriber = {
      listener,
      filter: { ...filter },
      options,
      queue: [],
      delivering: false,
      active: true,
    };
    this.subscribers.add(subscriber);
    return () => {
      subscriber.active = false;
      subscriber.queue.length = 0;
      this.subscribers.delete(subscriber);
    };
  }

  /** Drops every subscriber (at shutdown), so open streams end instead of holding the server. */
  close(): void {
    for (const subscriber of [...this.subscribers])
      this.drop(subscriber, 'the backend is shutting down');
  }

  private async deliver(subscriber: Subscriber): Promise<void> {
    while (subscriber.active && subscriber.queue.length) {
      const event = subscriber.queue.shift()!;
      try {
        await subscriber.listener(event);
      } catch (error) {
        // One event a consumer could not take is no reason to stop its stream.
        this.logger?.warn(
          `A Slipway event subscriber failed on ${event.type} ${event.id}: ${error}`,
        );
      }
    }
    subscriber.delivering = false;
  }

  private drop(subscriber: Subscriber, reason: string): void {
    if (!subscriber.active) return;
    subscriber.active = false;
    subscriber.queue.length = 0;
    this.subscribers.delete(subscriber);
    this.logger?.warn(`Dropped a Slipway event subscriber: ${reason}`);
    try {
      subscriber.options.onDropped?.(reason);
    } catch {
      // The subscriber is gone either way.
    }
  }
}

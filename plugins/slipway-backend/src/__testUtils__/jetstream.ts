import {
  ConsumerMessages,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  parseSlipwayEvent,
  SlipwayEvent,
} from '@slipway/plugin-slipway-common';
import { waitFor } from '@slipway/test-harness';

/** A message as a consumer of the stream sees it. */
export type StreamMessage = {
  seq: number;
  subject: string;
  /** The `Nats-Msg-Id` header. */
  msgId: string | undefined;
  /** The payload parsed with slipway-common's schema; undefined if it is not a valid event. */
  event: SlipwayEvent | undefined;
  raw: string;
};

/**
 * A consumer of the whole stream, as any JetStream client would be: its own connection
 * (reconnecting forever, so it lives through a nats-server restart) and an ordered consumer from
 * the first message.
 */
export class StreamCollector {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly iterator: ConsumerMessages,
    readonly messages: StreamMessage[],
    readonly done: Promise<void>,
  ) {}

  static async start(url: string, stream = 'SLIPWAY') {
    const nc = await connect({
      servers: url,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    const consumer = await jetstream(nc).consumers.get(stream, {
      deliver_policy: DeliverPolicy.All,
    });
    const iterator = await consumer.consume({
      max_messages: 256,
      expires: 2000,
    });
    const messages: StreamMessage[] = [];
    const done = (async () => {
      for await (const m of iterator) {
        const raw = m.string();
        messages.push({
          seq: m.seq,
          subject: m.subject,
          msgId: m.headers?.get('Nats-Msg-Id'),
          event: parseSlipwayEvent(raw),
          raw,
        });
      }
    })();
    return new StreamCollector(nc, iterator, messages, done);
  }

  events(type?: SlipwayEvent['type']): SlipwayEvent[] {
    return this.messages
      .map(m => m.event!)
      .filter(e => e && (!type || e.type === type));
  }

  /** Waits until `count` messages have arrived (then for more that should not come). */
  async waitForCount(count: number, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `${count} messages from the stream (have ${this.messages.length})`,
      async () => (this.messages.length >= count ? true : undefined),
      timeoutMs,
      50,
    );
  }

  async close() {
    this.iterator.stop();
    await this.done.catch(() => undefined);
    await this.nc.close();
  }
}

/** Every message of the stream, read by a new consumer from the first one. */
export async function readStream(
  url: string,
  stream = 'SLIPWAY',
): Promise<StreamMessage[]> {
  const nc = await connect({ servers: url });
  try {
    const { state } = await (await jetstreamManager(nc)).streams.info(stream);
    if (!state.messages) return [];
    const collector = await StreamCollector.start(url, stream);
    try {
      await waitFor(
        `the stream up to sequence ${state.last_seq}`,
        async () =>
          collector.messages.at(-1)?.seq === state.last_seq ? true : undefined,
        30_000,
        25,
      );
      return [...collector.messages];
    } finally {
      await collector.close();
    }
  } finally {
    await nc.close();
  }
}

/** What the stream's server says about it (message count and sequences). */
export async function streamState(url: string, stream = 'SLIPWAY') {
  const nc = await connect({ servers: url });
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state;
  } finally {
    await nc.close();
  }
}

import { SlipwayEvent } from '@slipway/plugin-slipway-common';
import { waitFor } from '@slipway/test-harness';
import { InProcessEventBus } from './SlipwayEventBus';

let seq = 0;
function sample(app?: string): SlipwayEvent {
  seq += 1;
  if (!app) {
    return {
      v: 1,
      id: `test-${seq}`,
      type: 'infra.job',
      host: 'h1',
      at: new Date().toISOString(),
      data: {
        job: {
          id: 'j',
          host: 'h1',
          kind: 'provision',
          status: 'queued',
          diagnosis: null,
        },
      },
    };
  }
  return {
    v: 1,
    id: `test-${seq}`,
    type: 'health.sample',
    app,
    at: new Date().toISOString(),
    data: {
      sample: {
        ok: true,
        latencyMs: 1,
        httpStatus: 200,
        error: null,
        checkedAt: new Date().toISOString(),
      },
    },
  };
}

/** Lets queued deliveries (microtasks and awaited listeners) run. */
const settle = () => new Promise(resolve => setImmediate(resolve));

describe('InProcessEventBus', () => {
  it('fans every event out to every subscriber, in publishing order', async () => {
    const bus = new InProcessEventBus();
    const a: string[] = [];
    const b: string[] = [];
    bus.subscribe(e => {
      a.push(e.id);
    });
    bus.subscribe(e => {
      b.push(e.id);
    });
    const events = [sample('x'), sample('y'), sample()];
    for (const e of events) bus.publish(e);
    await settle();
    expect(a).toEqual(events.map(e => e.id));
    expect(b).toEqual(events.map(e => e.id));
  });

  it("gives a filtered subscriber only its app's events", async () => {
    const bus = new InProcessEventBus();
    const got: SlipwayEvent[] = [];
    bus.subscribe(e => void got.push(e), { app: 'x' });
    bus.publish(sample('x'));
    bus.publish(sample('y'));
    bus.publish(sample());
    bus.publish(sample('x'));
    await settle();
    expect(got.map(e => e.app)).toEqual(['x', 'x']);
  });

  it('returns from publish before any listener runs, and survives a throwing one', async () => {
    const bus = new InProcessEventBus();
    const got: string[] = [];
    bus.subscribe(() => {
      throw new Error('listener bug');
    });
    bus.subscribe(e => void got.push(e.id));
    const event = sample('x');
    expect(() => bus.publish(event)).not.toThrow();
    expect(got).toEqual([]);
    await settle();
    expect(got).toEqual([event.id]);
  });

  it('stops delivering after unsubscribe and counts subscribers', async () => {
    const bus = new InProcessEventBus();
    const got: string[] = [];
    const unsubscribe = bus.subscribe(e => void got.push(e.id));
    expect(bus.subscriberCount).toBe(1);
    bus.publish(sample('x'));
    unsubscribe();
    unsubscribe();
    expect(bus.subscriberCount).toBe(0);
    bus.publish(sample('x'));
    await settle();
    expect(got).toEqual([]);
  });

  it('drops a subscriber that falls more than maxQueue behind, without slowing the others', async () => {
    const bus = new InProcessEventBus({ maxQueue: 5 });
    let release!: () => void;
    const stuck = new Promise<void>(resolve => {
      release = resolve;
    });
    const slow: string[] = [];
    const dropped: string[] = [];
    bus.subscribe(
      async e => {
        slow.push(e.id);
        await stuck;
      },
      {},
      { onDropped: reason => dropped.push(reason) },
    );
    const fast: string[] = [];
    bus.subscribe(e => void fast.push(e.id));

    const events = Array.from({ length: 50 }, () => sample('x'));
    // Writers publish after awaiting their own write, so deliveries run between publishes.
    // The slow one holds its first event; 5 more fit its queue, the 7th publish drops it.
    for (const e of events) {
      bus.publish(e);
      await settle();
    }

    expect(dropped).toEqual(['more than 5 events waiting for delivery']);
    expect(bus.subscriberCount).toBe(1);
    expect(fast).toEqual(events.map(e => e.id));
    release();
    await settle();
    // Nothing queued for a dropped subscriber is delivered later.
    expect(slow).toEqual([events[0].id]);
  });

  it('holds a subscriber that keeps up within its bound, delivering everything in order', async () => {
    const bus = new InProcessEventBus({ maxQueue: 3 });
    const got: string[] = [];
    bus.subscribe(async e => {
      got.push(e.id);
      await new Promise(resolve => setImmediate(resolve));
    });
    const events: SlipwayEvent[] = [];
    for (let i = 0; i < 12; i++) {
      const e = sample('x');
      events.push(e);
      bus.publish(e);
      // Publishing in bursts of 3 never exceeds the bound while the listener drains: the next
      // burst waits until the listener has taken this one, a few turns of the event loop (the
      // bound only names a stuck listener before Jest's 5 s timeout would).
      if (i % 3 === 2) {
        await waitFor(
          `the listener to take ${i + 1} events`,
          async () => (got.length === i + 1 ? true : undefined),
          4_000,
          1,
        );
      }
    }
    expect(got).toEqual(events.map(e => e.id));
    expect(bus.subscriberCount).toBe(1);
  });

  it('drops every subscriber on close, telling each why', () => {
    const bus = new InProcessEventBus();
    const reasons: string[] = [];
    bus.subscribe(() => undefined, {}, { onDropped: r => reasons.push(r) });
    bus.subscribe(
      () => undefined,
      { app: 'x' },
      {
        onDropped: r => reasons.push(r),
      },
    );
    bus.close();
    expect(bus.subscriberCount).toBe(0);
    expect(reasons).toEqual([
      'the backend is shutting down',
      'the backend is shutting down',
    ]);
  });
});

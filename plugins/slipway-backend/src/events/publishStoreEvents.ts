import { ChangeWriter } from '../database/ChangeWriter';
import { eventOfChange } from '../changes/events';
import { SlipwayEventBus } from './SlipwayEventBus';

/**
 * Publishes what the store has committed: app transitions, deployment statuses, deployment log
 * lines and health samples. Jobs, the monitor and the command builders publish nothing
 * themselves; whatever writes through the store is announced, once.
 *
 * This is the in-process wiring (no NATS configured). With NATS, the same events go through
 * the outbox and JetStream instead, and reach the bus from the stream (see OutboxRelay).
 */
export function publishStoreEvents(
  changes: ChangeWriter,
  bus: SlipwayEventBus,
): () => void {
  return changes.onChange(change => bus.publish(eventOfChange(change)));
}

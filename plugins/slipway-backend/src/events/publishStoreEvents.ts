import { SlipwayEvent } from '@slipway/plugin-slipway-common';
import { StoreChange, SlipwayStore } from '../database/SlipwayStore';
import {
  appStateEvent,
  deploymentLogEvent,
  deploymentStatusEvent,
  healthSampleEvent,
} from './events';
import { SlipwayEventBus } from './SlipwayEventBus';

export function eventOfChange(change: StoreChange): SlipwayEvent {
  switch (change.kind) {
    case 'app.transition':
      return appStateEvent(change.transition);
    case 'deployment.status':
      return deploymentStatusEvent(change.deployment);
    case 'deployment.log':
      return deploymentLogEvent(change.app, change.deploymentId, change.line);
    case 'health.sample':
      return healthSampleEvent(change.app, change.sample);
    default:
      throw new Error(
        `unknown store change ${(change as { kind: string }).kind}`,
      );
  }
}

/**
 * Publishes what the store has committed: app transitions, deployment statuses, deployment log
 * lines and health samples. Jobs, the monitor and the command builders publish nothing
 * themselves; whatever writes through the store is announced, once.
 */
export function publishStoreEvents(
  store: SlipwayStore,
  bus: SlipwayEventBus,
): () => void {
  return store.onChange(change => bus.publish(eventOfChange(change)));
}

import {
  AppTransition,
  Deployment,
  DeploymentLogLine,
  HealthSample,
  SlipwayEvent,
} from '@slipway/plugin-slipway-common';
import { Knex } from 'knex';

/** A stored app state change with the app's name: what an `app.state` event is made of. */
export type AppTransitionEvent = AppTransition & { app: string };

/**
 * A write a store has made (committed), announced to its listeners: what the live events are
 * made of. One kind per kind of event, each announced from the one method that writes it.
 */
export type StoreChange =
  | { kind: 'app.transition'; transition: AppTransitionEvent }
  /** A deployment was created (`queued`) or changed status: the record after the change. */
  | { kind: 'deployment.status'; deployment: Deployment }
  | {
      kind: 'deployment.log';
      app: string;
      deploymentId: string;
      line: DeploymentLogLine;
    }
  | { kind: 'health.sample'; app: string; sample: HealthSample };

export type StoreChangeListener = (change: StoreChange) => void;

/** What a store needs of the outbox: a row inside its transaction, a poke after the commit. */
export interface OutboxWriter {
  /**
   * Writes the event's row. The last statement of the write's transaction: on PostgreSQL it
   * takes the order lock of the event's app, which should be held for as short as possible.
   */
  append(trx: Knex.Transaction, event: SlipwayEvent): Promise<void>;
  /** Says that rows were committed; returns at once. */
  committed(): void;
}

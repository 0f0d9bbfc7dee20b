/**
 * Slipway's backend parts for running them outside a Backstage backend: benchmarks and tools.
 * A Backstage backend adds the plugin (the package's default export) instead.
 *
 * - `createSlipwayServices` wires the parts from config and a knex client, exactly as the
 *   plugin does; its `instrumentation` option times what they do (every host connection and
 *   remote command, every event JetStream acknowledged) without patching anything.
 * - `createRouter` is the `/api/slipway` API over those parts. It needs what the plugin gets
 *   from Backstage: a `LoggerService`, an `HttpAuthService` and a `PermissionsService` (plain
 *   objects will do outside a backend). Mount it under `/api/slipway`, followed by Backstage's
 *   error middleware (`MiddlewareFactory.create({ config, logger }).error()` from
 *   `@backstage/backend-defaults/rootHttpRouter`) for Backstage's error bodies.
 * - `createSlipwayStores`, `Outbox` and `eventOfChange` are the stores, the transactional
 *   outbox they write events into, and the event a store change makes, for measuring the
 *   event pipeline's parts on their own. `createSlipwayServices` migrates the database first.
 *
 * These are alpha: they may change in any release.
 *
 * @packageDocumentation
 */
import { createSlipwayServices } from './services';

export { createSlipwayServices } from './services';
export type { SlipwayServicesOptions } from './services';
export type { SlipwayInstrumentation } from './instrumentation';
export { createRouter } from './routes';
export type { RouterOptions } from './routes';
export { createSlipwayStores } from './database/SlipwayStores';
export type { SlipwayStores } from './database/SlipwayStores';
export { Outbox } from './events/Outbox';
export { eventOfChange } from './changes/events';

/**
 * What `createSlipwayServices` returns: the parts `createRouter` serves, the job runners, the
 * health monitor and the event pipeline. Stop them with `events.close()`, `runner.shutdown()`,
 * `infraRunner.shutdown()` and then `pipeline.stop()`, as the plugin does at shutdown.
 *
 * @alpha
 */
export type SlipwayServices = Awaited<ReturnType<typeof createSlipwayServices>>;

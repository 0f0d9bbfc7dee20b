import type { SlipwayEvent } from '@slipway/plugin-slipway-common';
import type { HostConnection } from '@slipway/plugin-slipway-node';

/**
 * Hooks for measuring what Slipway does, e.g. from a benchmark: given to
 * `createSlipwayServices` (`@slipway/plugin-slipway-backend/alpha`). The plugin gives none.
 * They run on Slipway's own path: keep them cheap, and do not throw.
 *
 * @alpha
 */
export interface SlipwayInstrumentation {
  /**
   * Called for every connection Slipway opens to a host (jobs, the health monitor, log
   * reads), with the host's name and the call that opens it. Resolves to the connection
   * Slipway then uses: the one `connect()` resolves to, or a wrapper of it with the same
   * `hostName` whose `exec` and `close` call the original's. Time `connect()` for the SSH
   * handshake and authentication, each `exec` for a remote command.
   */
  wrapConnection?(
    host: string,
    connect: () => Promise<HostConnection>,
  ): Promise<HostConnection>;
  /**
   * Called when JetStream has acknowledged an event the outbox relay published (only with
   * `slipway.nats.servers`), right after the ack and before the row is marked sent. Called
   * again if a row is published again (JetStream then reports a duplicate).
   */
  onEventPublished?(event: SlipwayEvent): void;
}

import { SlipwayEvent } from '@slipway/plugin-slipway-common';
import { Request, Response } from 'express';
import { SlipwayEventBus, SlipwayEventFilter } from './SlipwayEventBus';

/** What the browser waits before reconnecting a dropped stream. */
const RETRY_MS = 3000;
export const DEFAULT_PING_MS = 15_000;

/** One SSE message. JSON never contains a raw line break, so `data:` is always one line. */
export function sseMessage(event: SlipwayEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(
    event,
  )}\n\n`;
}

/**
 * Serves the bus as Server-Sent Events until the client goes away. The caller has checked the
 * credentials and the query; from here on the response is a stream and errors cannot become a
 * JSON error body any more.
 */
export function streamEvents(
  req: Request,
  res: Response,
  bus: SlipwayEventBus,
  filter: SlipwayEventFilter,
  pingMs: number = DEFAULT_PING_MS,
  /** Which events this caller may see; all when undefined. */
  visible?: (event: SlipwayEvent) => Promise<boolean>,
): void {
  res.status(200);
  // SSE is UTF-8 by definition: no charset parameter.
  res.setHeader('Content-Type', 'text/event-stream');
  // no-transform: Backstage's root router gzips responses, and a gzip stream holds small
  // writes back; the compression middleware leaves no-transform responses alone.
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  // nginx (and ingress-nginx) buffer proxied responses unless told not to.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  req.socket.setNoDelay(true);

  res.write(
    `retry: ${RETRY_MS}\nevent: ready\ndata: ${JSON.stringify({
      v: 1,
      app: filter.app ?? null,
    })}\n\n`,
  );

  let open = true;
  // Resolves when the socket takes more again (or the client left): the bus then holds this
  // subscriber's next events in its bounded queue instead of Node buffering them without limit.
  const write = (chunk: string): Promise<void> | void => {
    if (!open || res.write(chunk)) return undefined;
    return new Promise(resolve => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };

  const ping = setInterval(() => {
    // A client that cannot even take the last write gets no pings piled on top.
    if (!res.writableNeedDrain) res.write(': ping\n\n');
  }, pingMs);
  // A check that waits on the database holds this subscriber's next events, as a full socket does.
  const deliver = visible
    ? async (event: SlipwayEvent) => {
        if (await visible(event)) await write(sseMessage(event));
      }
    : (event: SlipwayEvent) => write(sseMessage(event));
  const unsubscribe = bus.subscribe(deliver, filter, {
    onDropped: reason => {
      // The client reconnects after `retry` and reloads what it shows.
      if (open) res.write(`: dropped: ${reason}\n\n`);
      close();
      res.end();
    },
  });

  function close() {
    if (!open) return;
    open = false;
    clearInterval(ping);
    unsubscribe();
  }
  req.on('close', close);
  res.on('close', close);
}

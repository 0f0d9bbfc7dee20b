import {
  parseSlipwayEvent,
  SlipwayEvent,
} from '@slipway/plugin-slipway-common';
import { waitFor } from '@slipway/test-harness';
import express from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';

export type SseMessage = {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
  comments: string[];
};

/** A minimal EventSource: parses the stream by the SSE rules into messages as they arrive. */
export class SseClient {
  readonly messages: SseMessage[] = [];
  body = '';
  private buffer = '';

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    private readonly req: http.ClientRequest,
  ) {}

  static connect(server: http.Server, p: string): Promise<SseClient> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: p }, res => {
        const client = new SseClient(res.statusCode!, res.headers, req);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.receive(chunk));
        res.on('error', () => undefined);
        resolve(client);
      });
      req.on('error', reject);
    });
  }

  private receive(chunk: string) {
    this.body += chunk;
    this.buffer += chunk;
    for (
      let end = this.buffer.indexOf('\n\n');
      end >= 0;
      end = this.buffer.indexOf('\n\n')
    ) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { comments: [] };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          message.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'retry') message.retry = Number(value);
        else if (field === 'id' || field === 'event') message[field] = value;
        else if (field === 'data')
          message.data =
            message.data === undefined ? value : `${message.data}\n${value}`;
      }
      this.messages.push(message);
    }
  }

  /** The Slipway events received, each checked against its SSE `id:` and `event:` lines. */
  events(): SlipwayEvent[] {
    return this.messages
      .filter(m => m.data !== undefined && m.event !== 'ready')
      .map(m => {
        const event = parseSlipwayEvent(m.data!);
        if (!event || event.id !== m.id || event.type !== m.event)
          throw new Error(`not a well-formed event message: ${m.data}`);
        return event;
      });
  }

  until<T>(what: string, fn: (c: SseClient) => T | undefined | false) {
    return waitFor(
      what,
      async () => fn(this) || undefined,
      30_000,
      25,
    ) as Promise<T>;
  }

  close() {
    this.req.destroy();
  }
}

export function listen(app: express.Express): Promise<http.Server> {
  return new Promise(resolve => {
    const server = http
      .createServer(app)
      .listen(0, '127.0.0.1', () => resolve(server));
  });
}

export async function stop(server: http.Server | undefined) {
  if (!server) return;
  server.closeAllConnections();
  await new Promise(resolve => server.close(resolve));
}

import { makeApp, makeDeployment, makeStatus } from '../__testUtils__/fixtures';
import { SlipwayEvent } from './events';
import { SlipwayClient, SlipwayClientOptions } from './SlipwayClient';
import { isNotAllowed, SlipwayApiError } from './SlipwayApiError';
import { SlipwayStreamStatus } from './types';

const BASE = 'http://backend.test/api/slipway';

function json(status: number, body: unknown, statusText = ''): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** A response body the test writes to as the server would. */
function openStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, {
      status: 200,
      headers: { 'Content-Type': 'text/event-stream' },
    }),
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
  };
}

function setup(
  responses: Array<Response | Error | (() => Response)>,
  stream: SlipwayClientOptions['stream'] = {},
) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => {
    const next = responses.shift();
    if (!next) return new Promise<Response>(() => {});
    if (next instanceof Response) return next;
    if (typeof next === 'function') return next();
    throw next;
  });
  const client = new SlipwayClient({
    discoveryApi: {
      getBaseUrl: async (id: string) => `http://backend.test/api/${id}`,
    },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
    stream: { random: () => 0, ...stream },
  });
  return { client, fetch };
}

function event(id: string, type: string, data: object) {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({
    v: 1,
    id,
    type,
    app: 'hello-static',
    at: '2026-11-25T12:00:00.000Z',
    data,
  })}\n\n`;
}

describe('SlipwayClient', () => {
  it('lists apps with the filters as query parameters', async () => {
    const { client, fetch } = setup([json(200, { items: [makeApp()] })]);

    await expect(
      client.listApps({ state: 'failed', owner: 'group:platform-team' }),
    ).resolves.toEqual([makeApp()]);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/apps?state=failed&owner=group%3Aplatform-team`,
    );
  });

  it('reads the status of an app, encoding its name', async () => {
    const status = makeStatus();
    const { client, fetch } = setup([json(200, status)]);

    await expect(client.getAppStatus('hello/static')).resolves.toEqual(status);
    expect(fetch).toHaveBeenCalledWith(`${BASE}/apps/hello%2Fstatic/status`);
  });

  it('fills in an uptime an older backend leaves out', async () => {
    const { uptime24h, ...older } = makeStatus();
    const { client } = setup([json(200, older)]);

    await expect(client.getAppStatus('hello-static')).resolves.toMatchObject({
      uptime24h: { ratio: null, samples: 0 },
    });
  });

  it('calls the other read routes', async () => {
    const { client, fetch } = setup([
      json(200, { items: [makeDeployment()] }),
      json(200, { deployment: makeDeployment(), log: [] }),
      json(200, { container: 'c1', lines: ['a'] }),
      json(200, { items: [] }),
    ]);

    await client.listDeployments('hello-static');
    await client.getDeployment('dep-2');
    await expect(
      client.getAppLogs('hello-static', { tail: 20 }),
    ).resolves.toEqual({ container: 'c1', lines: ['a'] });
    await client.listHosts();

    expect(fetch.mock.calls.map(call => call[0])).toEqual([
      `${BASE}/apps/hello-static/deployments`,
      `${BASE}/deployments/dep-2`,
      `${BASE}/apps/hello-static/logs?tail=20`,
      `${BASE}/hosts`,
    ]);
  });

  it('starts jobs with the right method and body', async () => {
    const started = { deployment: makeDeployment({ id: 'dep-3' }) };
    const { client, fetch } = setup([
      json(202, started),
      json(202, started),
      json(202, started),
      json(202, started),
      json(202, started),
    ]);

    await expect(client.redeploy('hello-static')).resolves.toEqual(
      started.deployment,
    );
    await client.redeploy('hello-static', { ref: 'v2' });
    await client.restart('hello-static');
    await client.rollback('hello-static', 'dep-1');
    await client.destroy('hello-static');

    expect(fetch.mock.calls).toEqual([
      [`${BASE}/apps/hello-static/redeploy`, { method: 'POST' }],
      [
        `${BASE}/apps/hello-static/redeploy`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"ref":"v2"}',
        },
      ],
      [`${BASE}/apps/hello-static/restart`, { method: 'POST' }],
      [
        `${BASE}/apps/hello-static/rollback`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"deploymentId":"dep-1"}',
        },
      ],
      [`${BASE}/apps/hello-static`, { method: 'DELETE' }],
    ]);
  });

  it("throws the backend's message with the status", async () => {
    const { client } = setup([
      json(
        409,
        {
          error: {
            name: 'ConflictError',
            message: 'a deploy of hello-static is running (dep-2)',
          },
        },
        'Conflict',
      ),
    ]);

    const error = await client.restart('hello-static').catch(e => e);

    expect(error).toBeInstanceOf(SlipwayApiError);
    expect(error.message).toBe(
      'a deploy of hello-static is running (dep-2) (HTTP 409 Conflict)',
    );
    expect(error).toMatchObject({
      status: 409,
      errorName: 'ConflictError',
      backendMessage: 'a deploy of hello-static is running (dep-2)',
    });
  });

  it("reads a 403 as the backend's plain sentence, saying whom to ask", async () => {
    const { client } = setup([
      // Backstage's error body for a NotAllowedError, as the backend's `refused` throws it.
      json(
        403,
        {
          error: {
            name: 'NotAllowedError',
            message: 'You are not allowed to app operate "a-app"',
          },
          request: { method: 'POST', url: '/api/slipway/apps/a-app/restart' },
          response: { statusCode: 403 },
        },
        'Forbidden',
      ),
      json(403, {
        error: {
          name: 'NotAllowedError',
          message: 'You are not allowed to app read. Ask platform-team.',
        },
      }),
      new Response('', { status: 403, statusText: 'Forbidden' }),
    ]);

    const error = await client.restart('a-app').catch(e => e);

    expect(error).toBeInstanceOf(SlipwayApiError);
    expect(isNotAllowed(error)).toBe(true);
    expect(error.message).toBe(
      'You are not allowed to app operate "a-app". Ask its owners or a Slipway admin.',
    );
    expect(error).toMatchObject({
      status: 403,
      errorName: 'NotAllowedError',
      backendMessage: 'You are not allowed to app operate "a-app"',
    });
    await expect(client.listApps()).rejects.toThrow(
      /^You are not allowed to app read\. Ask platform-team\.$/,
    );
    await expect(client.listHosts()).rejects.toThrow(
      /^You are not allowed to do this\. Ask a Slipway admin\.$/,
    );
  });

  it('says a 404 is one, and copes with bodies that are not JSON', async () => {
    const { client } = setup([
      json(404, {
        error: { name: 'NotFoundError', message: 'no app named ghost' },
      }),
      new Response('<html>Bad Gateway</html>', {
        status: 502,
        statusText: 'Bad Gateway',
      }),
    ]);

    await expect(client.getAppStatus('ghost')).rejects.toMatchObject({
      status: 404,
      message: 'no app named ghost (HTTP 404)',
    });
    await expect(client.getAppStatus('ghost')).rejects.toMatchObject({
      status: 502,
      message: 'HTTP 502 Bad Gateway',
    });
  });

  it('says when the backend cannot be reached', async () => {
    const { client } = setup([new TypeError('Failed to fetch')]);

    await expect(client.listHosts()).rejects.toMatchObject({
      status: 0,
      message: 'The Slipway backend could not be reached (Failed to fetch)',
    });
  });

  it('refuses a list answer without items', async () => {
    const { client } = setup([json(200, { hosts: [] })]);

    await expect(client.listHosts()).rejects.toThrow(
      'The Slipway backend answered without a list of hosts',
    );
  });

  it('follows a deployment as NDJSON', async () => {
    const deployment = makeDeployment({ status: 'in_progress' });
    const body = [
      { type: 'deployment', deployment },
      {
        type: 'log',
        id: 1,
        stream: 'system',
        line: 'building',
        createdAt: 'x',
      },
      { type: 'end', deployment: { ...deployment, status: 'succeeded' } },
    ]
      .map(line => JSON.stringify(line))
      .join('\n');
    const { client, fetch } = setup([new Response(`${body}\n`)]);
    const messages: unknown[] = [];

    await client.followDeployment('dep-2', m => messages.push(m));

    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/deployments/dep-2?follow=true`,
      expect.objectContaining({
        headers: { Accept: 'application/x-ndjson' },
      }),
    );
    expect(messages.map(m => (m as { type: string }).type)).toEqual([
      'deployment',
      'log',
      'end',
    ]);
  });

  describe('subscribe', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('reads events of one app from the SSE stream', async () => {
      const stream = openStream();
      const { client, fetch } = setup([stream.response]);
      const events: SlipwayEvent[] = [];
      const statuses: SlipwayStreamStatus['state'][] = [];

      const stop = client.subscribe(
        'hello-static',
        e => events.push(e),
        s => statuses.push(s.state),
      );
      stream.write('retry: 3000\nevent: ready\ndata: {}\n\n: ping\n\n');
      const failed = event('1', 'app.state', {
        from: 'running',
        to: 'failed',
        reason: 'the container exited',
        deploymentId: null,
      });
      stream.write(failed.slice(0, 30));
      stream.write(failed.slice(30));
      stream.write(event('2', 'future.kind', {}));
      // Malformed: a known type without its data.
      stream.write(event('3', 'app.state', { to: 'failed' }));
      await new Promise(resolve => setTimeout(resolve, 0));

      expect(fetch).toHaveBeenCalledWith(`${BASE}/events?app=hello-static`, {
        headers: { Accept: 'text/event-stream' },
        signal: expect.any(AbortSignal),
      });
      expect(statuses).toEqual(['connecting', 'open']);
      // Unknown or malformed events are skipped, not passed on half understood.
      expect(events).toEqual([
        expect.objectContaining({
          id: '1',
          type: 'app.state',
          data: {
            from: 'running',
            to: 'failed',
            reason: 'the container exited',
            deploymentId: null,
          },
        }),
      ]);
      stop();
      expect((fetch.mock.calls[0][1] as RequestInit).signal!.aborted).toBe(
        true,
      );
    });

    it('listens to every app without a name', async () => {
      const { client, fetch } = setup([openStream().response]);

      const stop = client.subscribe(undefined, () => {});
      await new Promise(resolve => setTimeout(resolve, 0));

      expect(fetch.mock.calls[0][0]).toBe(`${BASE}/events`);
      stop();
    });

    it('reconnects with a growing delay', async () => {
      jest.useFakeTimers();
      const first = openStream();
      const { client, fetch } = setup(
        [
          first.response,
          json(
            503,
            { error: { message: 'restarting' } },
            'Service Unavailable',
          ),
          new TypeError('Failed to fetch'),
          () => openStream().response,
        ],
        { initialRetryMs: 1000 },
      );
      const statuses: SlipwayStreamStatus[] = [];

      const events: SlipwayEvent[] = [];

      const stop = client.subscribe(
        'hello-static',
        e => events.push(e),
        s => statuses.push(s),
      );
      await jest.advanceTimersByTimeAsync(0);
      first.write(
        event('41', 'app.state', {
          from: 'pending',
          to: 'running',
          reason: 'health checks pass',
          deploymentId: null,
        }),
      );
      first.close();
      await jest.advanceTimersByTimeAsync(0);
      expect(events.map(e => e.id)).toEqual(['41']);

      const closed = statuses.filter(
        (s): s is Extract<SlipwayStreamStatus, { state: 'closed' }> =>
          s.state === 'closed',
      );
      expect(closed).toHaveLength(1);
      expect(closed[0].error.message).toBe('the Slipway event stream ended');
      expect(closed[0].retryInMs).toBe(1000);

      await jest.advanceTimersByTimeAsync(1000);
      expect(fetch).toHaveBeenCalledTimes(2);
      expect(fetch.mock.calls[1][0]).toBe(`${BASE}/events?app=hello-static`);
      expect(statuses.at(-1)).toMatchObject({
        state: 'closed',
        error: { message: 'restarting (HTTP 503 Service Unavailable)' },
        retryInMs: 2000,
      });

      await jest.advanceTimersByTimeAsync(2000);
      expect(fetch).toHaveBeenCalledTimes(3);
      expect(statuses.at(-1)).toMatchObject({
        state: 'closed',
        retryInMs: 4000,
      });

      await jest.advanceTimersByTimeAsync(4000);
      expect(fetch).toHaveBeenCalledTimes(4);
      expect(statuses.at(-1)).toEqual({ state: 'open' });
      stop();
    });

    it('uses the delay the server asks for with retry', async () => {
      jest.useFakeTimers();
      const first = openStream();
      const { client, fetch } = setup([
        first.response,
        () => openStream().response,
      ]);
      const statuses: SlipwayStreamStatus[] = [];

      const stop = client.subscribe(
        'a',
        () => {},
        s => statuses.push(s),
      );
      await jest.advanceTimersByTimeAsync(0);
      first.write('retry: 500\n\n');
      first.close();
      await jest.advanceTimersByTimeAsync(0);

      expect(statuses.at(-1)).toMatchObject({
        state: 'closed',
        retryInMs: 500,
      });
      await jest.advanceTimersByTimeAsync(500);
      expect(fetch).toHaveBeenCalledTimes(2);
      stop();
    });

    it('gives up on a silent stream and connects again', async () => {
      jest.useFakeTimers();
      const { client, fetch } = setup([openStream().response], {
        idleTimeoutMs: 45000,
        initialRetryMs: 1000,
      });
      const statuses: SlipwayStreamStatus[] = [];

      const stop = client.subscribe(
        'a',
        () => {},
        s => statuses.push(s),
      );
      await jest.advanceTimersByTimeAsync(45000);

      expect(statuses.at(-1)).toMatchObject({
        state: 'closed',
        error: {
          message: 'no data from the Slipway event stream for 45 s',
        },
      });
      await jest.advanceTimersByTimeAsync(1000);
      expect(fetch).toHaveBeenCalledTimes(2);
      stop();
    });

    it('stops reconnecting once stopped', async () => {
      jest.useFakeTimers();
      const { client, fetch } = setup([new TypeError('Failed to fetch')]);
      const onStatus = jest.fn();

      const stop = client.subscribe('a', () => {}, onStatus);
      await jest.advanceTimersByTimeAsync(0);
      stop();
      await jest.advanceTimersByTimeAsync(60000);

      expect(fetch).toHaveBeenCalledTimes(1);
    });
  });
});

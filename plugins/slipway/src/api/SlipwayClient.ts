import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { App, Deployment, DeployRequest } from '@slipway/plugin-slipway-common';
import { parseSlipwayEvent, SlipwayEvent } from './events';
import { createNdjsonParser, createSseParser } from './sse';
import { SlipwayApiError } from './SlipwayApiError';
import {
  SlipwayApi,
  SlipwayAppFilter,
  SlipwayAppStatus,
  SlipwayContainerLogs,
  SlipwayDeployCheck,
  SlipwayDeploymentFollowMessage,
  SlipwayDeploymentWithLog,
  SlipwayHost,
  SlipwayStreamStatus,
} from './types';

/**
 * The Slipway API of the frontend.
 *
 * @public
 */
export const slipwayApiRef = createApiRef<SlipwayApi>({
  id: 'plugin.slipway.api',
});

/**
 * Options of {@link SlipwayClient}.
 *
 * @public
 */
export type SlipwayClientOptions = {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
  /** Reconnection of the event stream; the defaults suit a browser. */
  stream?: {
    /** First delay before reconnecting, until the server sends `retry`. Default 3000. */
    initialRetryMs?: number;
    /** The delay doubles after each failed attempt, up to this. Default 30000. */
    maxRetryMs?: number;
    /** How long to wait for the stream's response. Default 15000. */
    connectTimeoutMs?: number;
    /**
     * A stream without a byte (not even a `: ping`) for this long is taken for
     * dead: proxies drop idle connections without closing them. Default 60000.
     */
    idleTimeoutMs?: number;
    /** Spreads reconnections of many tabs after a backend restart; [0, 1). */
    random?: () => number;
  };
};

/**
 * Talks to the Slipway backend as the signed-in user: every request goes
 * through `fetchApi`, which adds the user's token.
 *
 * @public
 */
export class SlipwayClient implements SlipwayApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly stream: Required<
    NonNullable<SlipwayClientOptions['stream']>
  >;

  constructor(options: SlipwayClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.stream = {
      initialRetryMs: 3000,
      maxRetryMs: 30000,
      connectTimeoutMs: 15000,
      idleTimeoutMs: 60000,
      random: Math.random,
      ...options.stream,
    };
  }

  async listApps(filter: SlipwayAppFilter = {}): Promise<App[]> {
    const query = new URLSearchParams();
    for (const key of ['state', 'host', 'owner'] as const) {
      const value = filter[key];
      if (value) query.set(key, value);
    }
    const search = query.toString();
    const body = await this.request<{ items: App[] }>(
      'GET',
      `/apps${search ? `?${search}` : ''}`,
    );
    return requireItems(body, 'apps');
  }

  async getAppStatus(name: string): Promise<SlipwayAppStatus> {
    const body = await this.request<SlipwayAppStatus>(
      'GET',
      `/apps/${encodeURIComponent(name)}/status`,
    );
    return {
      ...body,
      health: body.health ?? [],
      transitions: body.transitions ?? [],
      // Backends before the events release did not compute it.
      uptime24h: body.uptime24h ?? { ratio: null, samples: 0 },
    };
  }

  async listDeployments(name: string): Promise<Deployment[]> {
    const body = await this.request<{ items: Deployment[] }>(
      'GET',
      `/apps/${encodeURIComponent(name)}/deployments`,
    );
    return requireItems(body, 'deployments');
  }

  async getDeployment(id: string): Promise<SlipwayDeploymentWithLog> {
    return this.request('GET', `/deployments/${encodeURIComponent(id)}`);
  }

  async followDeployment(
    id: string,
    onMessage: (message: SlipwayDeploymentFollowMessage) => void,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const url = `${await this.baseUrl()}/deployments/${encodeURIComponent(
      id,
    )}?follow=true`;
    const response = await this.send(url, {
      headers: { Accept: 'application/x-ndjson' },
      signal: options.signal,
    });
    if (!response.ok) throw await SlipwayApiError.fromResponse(response);
    const parser = createNdjsonParser(value => {
      const message = value as SlipwayDeploymentFollowMessage;
      if (message && typeof message.type === 'string') onMessage(message);
    });
    await readText(response, chunk => parser.push(chunk), options.signal);
    if (options.signal?.aborted) return;
    parser.end();
  }

  async getAppLogs(
    name: string,
    options: { tail?: number } = {},
  ): Promise<SlipwayContainerLogs> {
    const tail = options.tail ? `?tail=${options.tail}` : '';
    return this.request('GET', `/apps/${encodeURIComponent(name)}/logs${tail}`);
  }

  async deploy(request: DeployRequest): Promise<Deployment> {
    const body = await this.request<{ deployment: Deployment }>(
      'POST',
      '/apps/deploy',
      request,
    );
    return body.deployment;
  }

  async checkDeploy(request: DeployRequest): Promise<SlipwayDeployCheck> {
    return this.request('POST', '/apps/deploy?dryRun=true', request);
  }

  async redeploy(
    name: string,
    options: { ref?: string } = {},
  ): Promise<Deployment> {
    const body = await this.request<{ deployment: Deployment }>(
      'POST',
      `/apps/${encodeURIComponent(name)}/redeploy`,
      options.ref ? { ref: options.ref } : undefined,
    );
    return body.deployment;
  }

  async restart(name: string): Promise<Deployment> {
    const body = await this.request<{ deployment: Deployment }>(
      'POST',
      `/apps/${encodeURIComponent(name)}/restart`,
    );
    return body.deployment;
  }

  async rollback(name: string, deploymentId: string): Promise<Deployment> {
    const body = await this.request<{ deployment: Deployment }>(
      'POST',
      `/apps/${encodeURIComponent(name)}/rollback`,
      { deploymentId },
    );
    return body.deployment;
  }

  async destroy(name: string): Promise<Deployment> {
    const body = await this.request<{ deployment: Deployment }>(
      'DELETE',
      `/apps/${encodeURIComponent(name)}`,
    );
    return body.deployment;
  }

  async listHosts(): Promise<SlipwayHost[]> {
    const body = await this.request<{ items: SlipwayHost[] }>('GET', '/hosts');
    return requireItems(body, 'hosts');
  }

  subscribe(
    app: string | undefined,
    onEvent: (event: SlipwayEvent) => void,
    onStatus: (status: SlipwayStreamStatus) => void = () => {},
  ): () => void {
    const settings = this.stream;
    let stopped = false;
    let controller: AbortController | undefined;
    let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let retryMs = settings.initialRetryMs;

    const connect = async () => {
      if (stopped) return;
      const attempt = new AbortController();
      controller = attempt;
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      let timedOut: string | undefined;
      const arm = (ms: number, reason: string) => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          timedOut = reason;
          attempt.abort();
        }, ms);
      };
      onStatus({ state: 'connecting' });
      try {
        arm(
          settings.connectTimeoutMs,
          `the Slipway event stream did not answer within ${seconds(
            settings.connectTimeoutMs,
          )}`,
        );
        const query = app ? `?app=${encodeURIComponent(app)}` : '';
        // No Last-Event-ID: the backend does not replay, and a header that a
        // strict CORS setup does not allow would break every reconnection.
        // Views refetch after a reconnection instead.
        const response = await this.send(
          `${await this.baseUrl()}/events${query}`,
          { headers: { Accept: 'text/event-stream' }, signal: attempt.signal },
        );
        if (!response.ok) throw await SlipwayApiError.fromResponse(response);
        failures = 0;
        onStatus({ state: 'open' });
        const idle = `no data from the Slipway event stream for ${seconds(
          settings.idleTimeoutMs,
        )}`;
        arm(settings.idleTimeoutMs, idle);
        const parser = createSseParser({
          onRetry: ms => {
            retryMs = ms;
          },
          onMessage: message => {
            const event = parseSlipwayEvent(message.data);
            if (event && !stopped) onEvent(event);
          },
        });
        await readText(
          response,
          chunk => {
            arm(settings.idleTimeoutMs, idle);
            parser.push(chunk);
          },
          attempt.signal,
        );
        parser.end();
        throw new Error('the Slipway event stream ended');
      } catch (error) {
        clearTimeout(watchdog);
        if (stopped) return;
        const delay =
          Math.min(settings.maxRetryMs, retryMs * 2 ** failures) *
          (1 + settings.random() / 4);
        failures += 1;
        let reason: Error;
        if (timedOut) reason = new Error(timedOut);
        else if (error instanceof Error) reason = error;
        else reason = new Error(String(error));
        onStatus({ state: 'closed', error: reason, retryInMs: delay });
        reconnectTimer = setTimeout(connect, delay);
      }
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(reconnectTimer);
      controller?.abort();
    };
  }

  private async baseUrl(): Promise<string> {
    return this.discoveryApi.getBaseUrl('slipway');
  }

  private async send(url: string, init?: RequestInit): Promise<Response> {
    try {
      return init
        ? await this.fetchApi.fetch(url, init)
        : await this.fetchApi.fetch(url);
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      throw SlipwayApiError.unreachable(error);
    }
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const url = `${await this.baseUrl()}${path}`;
    let init: RequestInit | undefined;
    if (method !== 'GET') {
      init = { method };
      if (body !== undefined) {
        init.headers = { 'Content-Type': 'application/json' };
        init.body = JSON.stringify(body);
      }
    }
    const response = await this.send(url, init);
    if (!response.ok) throw await SlipwayApiError.fromResponse(response);
    return (await response.json()) as T;
  }
}

function requireItems<T>(body: { items: T[] } | undefined, what: string): T[] {
  if (!Array.isArray(body?.items)) {
    throw new Error(`The Slipway backend answered without a list of ${what}`);
  }
  return body!.items;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Reads a response body as text as it arrives. Aborting `signal` ends the
 * read even where fetch does not tie its signal to the body.
 */
async function readText(
  response: Response,
  onChunk: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (!response.body) {
    onChunk(await response.text());
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk(decoder.decode(value, { stream: true }));
    }
    const rest = decoder.decode();
    if (rest) onChunk(rest);
  } finally {
    signal?.removeEventListener('abort', cancel);
    reader.releaseLock();
  }
}

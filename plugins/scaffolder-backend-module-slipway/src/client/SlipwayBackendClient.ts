import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';

/** One line of a followed job: its record first, its log lines, then its final record. */
export type FollowEvent<TJob> =
  | { type: 'log'; id: number; stream: string; line: string; createdAt: string }
  | { type: 'end'; job: TJob }
  | { type: 'start'; job: TJob };

/** The backend's errors keep their kind, so a template shows "port 8080 is taken" as a 409. */
function errorFor(status: number, message: string): Error {
  switch (status) {
    case 400:
      return new InputError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default:
      return new Error(`Slipway backend answered ${status}: ${message}`);
  }
}

/**
 * A thin client of slipway-backend for the scaffolder actions. Every call is made on behalf of
 * the template's initiator, so the backend's permission checks apply to the user who ran the
 * template and not to the scaffolder.
 */
export class SlipwayBackendClient {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  private async headers(credentials: BackstageCredentials) {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'slipway',
    });
    return {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    };
  }

  async request<T>(
    credentials: BackstageCredentials,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const base = await this.discovery.getBaseUrl('slipway');
    const response = await fetch(`${base}${path}`, {
      method,
      headers: await this.headers(credentials),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { error: { message: text.slice(0, 500) } };
    }
    if (!response.ok) {
      throw errorFor(
        response.status,
        parsed?.error?.message ?? response.statusText,
      );
    }
    return parsed as T;
  }

  /**
   * Follows a job's NDJSON stream (`?follow=true`) and calls `onEvent` for each line as it
   * arrives. Resolves with the job's final record. `recordKey` names the record in the stream
   * (`deployment` or `job`).
   */
  async follow<TJob>(
    credentials: BackstageCredentials,
    path: string,
    recordKey: 'deployment' | 'job',
    onEvent: (event: FollowEvent<TJob>) => void,
    signal?: AbortSignal,
  ): Promise<TJob> {
    const base = await this.discovery.getBaseUrl('slipway');
    const response = await fetch(`${base}${path}?follow=true`, {
      headers: {
        ...(await this.headers(credentials)),
        Accept: 'application/x-ndjson',
      },
      signal,
    });
    if (!response.ok || !response.body) {
      const text = await response.text();
      let message = text.slice(0, 500);
      try {
        message = JSON.parse(text)?.error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw errorFor(response.status, message);
    }
    let final: TJob | undefined;
    const handle = (raw: string) => {
      if (!raw.trim()) return;
      const event = JSON.parse(raw);
      if (event.type === 'log') {
        onEvent(event);
      } else if (event.type === 'end') {
        final = event[recordKey];
        onEvent({ type: 'end', job: event[recordKey] });
      } else if (event.type === recordKey) {
        onEvent({ type: 'start', job: event[recordKey] });
      }
    };
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        handle(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    }
    handle(buffered);
    if (final === undefined) {
      throw new Error(
        `The Slipway backend closed the log stream of ${path} before the job ended`,
      );
    }
    return final;
  }
}

import { configApiRef, useApi, useApiHolder } from '@backstage/core-plugin-api';
import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router-dom';
import { slipwayApiRef, SlipwayEvent } from '../api';

/**
 * How a view learns about changes: `streaming` from the event stream, or
 * `polling` (refetching on a timer) while the stream is down or when polling
 * was asked for.
 *
 * @public
 */
export type SlipwayLiveMode = 'streaming' | 'polling';

/** How often views refetch while the event stream is down. */
export const FALLBACK_POLL_INTERVAL_MS = 5000;

/** The URL query parameter that forces polling, e.g. `?slipwayPoll=10000`. */
export const POLL_QUERY_PARAM = 'slipwayPoll';
/** The config key that forces polling for every user. */
export const POLL_CONFIG_KEY = 'slipway.frontend.pollIntervalMs';

const MIN_FORCED_POLL_MS = 1000;
const MAX_FORCED_POLL_MS = 3_600_000;

function validInterval(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Number(value) : value;
  if (
    typeof ms === 'number' &&
    Number.isInteger(ms) &&
    ms >= MIN_FORCED_POLL_MS &&
    ms <= MAX_FORCED_POLL_MS
  ) {
    return ms;
  }
  return undefined;
}

/**
 * The polling interval asked for instead of the event stream, if any: the
 * `slipwayPoll` query parameter wins over `slipway.frontend.pollIntervalMs`,
 * so that one tab can be compared with another (a benchmark of streaming
 * against polling) without a config change.
 */
export function useForcedPollInterval(): number | undefined {
  const location = useLocation();
  const config = useApiHolder().get(configApiRef);
  const fromUrl = validInterval(
    new URLSearchParams(location.search).get(POLL_QUERY_PARAM) ?? undefined,
  );
  if (fromUrl) return fromUrl;
  let fromConfig: number | undefined;
  try {
    fromConfig = config?.getOptionalNumber(POLL_CONFIG_KEY);
  } catch {
    // A value of the wrong type is the admin's to fix; streaming still works.
  }
  return validInterval(fromConfig);
}

/**
 * What {@link useSlipwayLive} reports.
 *
 * @public
 */
export type SlipwayLiveState = {
  live: SlipwayLiveMode;
  /** The refetch interval while polling. */
  pollIntervalMs: number;
  /** Polling because it was asked for, not because the stream dropped. */
  forcedPolling: boolean;
};

/**
 * Keeps a view current: follows the event stream of one app (or all apps),
 * polls with `refresh` while the stream is down, and refreshes once when it
 * is back, since events sent meanwhile are lost.
 */
export function useSlipwayLive(options: {
  /** One app's events; `undefined` for every app's. */
  app: string | undefined;
  enabled: boolean;
  onEvent: (event: SlipwayEvent) => void;
  refresh: () => void;
}): SlipwayLiveState {
  const { app, enabled } = options;
  const api = useApi(slipwayApiRef);
  const forcedPollMs = useForcedPollInterval();
  const [live, setLive] = useState<SlipwayLiveMode>(
    forcedPollMs ? 'polling' : 'streaming',
  );
  // The callbacks change with every render; the subscription must not.
  const onEventRef = useRef(options.onEvent);
  onEventRef.current = options.onEvent;
  const refreshRef = useRef(options.refresh);
  refreshRef.current = options.refresh;

  useEffect(() => {
    if (!enabled) return undefined;
    if (forcedPollMs) {
      setLive('polling');
      return undefined;
    }
    setLive('streaming');
    let dropped = false;
    return api.subscribe(
      app,
      event => onEventRef.current(event),
      status => {
        if (status.state === 'open' && dropped) {
          dropped = false;
          setLive('streaming');
          refreshRef.current();
        } else if (status.state === 'closed' && !dropped) {
          dropped = true;
          setLive('polling');
        }
      },
    );
  }, [api, app, enabled, forcedPollMs]);

  const pollIntervalMs = forcedPollMs ?? FALLBACK_POLL_INTERVAL_MS;
  useEffect(() => {
    if (!enabled || live !== 'polling') return undefined;
    const timer = setInterval(() => refreshRef.current(), pollIntervalMs);
    return () => clearInterval(timer);
  }, [enabled, live, pollIntervalMs]);

  return { live, pollIntervalMs, forcedPolling: Boolean(forcedPollMs) };
}

/**
 * Runs `load` at most once per burst of calls: events that each make a
 * refetch necessary (a deployment ended, the app changed state) come in
 * groups, and one refetch after the group covers them all. A call while a
 * load runs queues exactly one more.
 */
export function useCoalescedLoad(
  load: () => Promise<void>,
  burstMs: number,
): { now: () => void; soon: () => void; cancel: () => void } {
  const loadRef = useRef(load);
  loadRef.current = load;
  const state = useRef<{
    timer?: ReturnType<typeof setTimeout>;
    running: boolean;
    again: boolean;
  }>({ running: false, again: false });

  const handles = useRef<{
    now: () => void;
    soon: () => void;
    cancel: () => void;
  }>();
  if (!handles.current) {
    const now = () => {
      const s = state.current;
      if (s.running) {
        s.again = true;
        return;
      }
      s.running = true;
      loadRef.current().finally(() => {
        s.running = false;
        if (s.again) {
          s.again = false;
          now();
        }
      });
    };
    handles.current = {
      now,
      soon: () => {
        const s = state.current;
        if (s.timer) return;
        s.timer = setTimeout(() => {
          s.timer = undefined;
          now();
        }, burstMs);
      },
      cancel: () => {
        clearTimeout(state.current.timer);
        state.current.timer = undefined;
        state.current.again = false;
      },
    };
  }
  return handles.current;
}

import { useApi } from '@backstage/core-plugin-api';
import {
  Deployment,
  isFinalDeploymentStatus,
} from '@slipway/plugin-slipway-common';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { slipwayApiRef, SlipwayAppStatus, SlipwayEvent } from '../api';
import {
  appViewReducer,
  FollowedDeployment,
  initialAppViewState,
  isAbout,
  needsRefetch,
} from './appState';
import {
  SlipwayLiveState,
  useCoalescedLoad,
  useSlipwayLive,
} from './useSlipwayLive';

/**
 * How long events may keep coming before the one refetch they call for.
 * Under a second, so the card is current within a second of the last one.
 */
export const REFETCH_BURST_MS = 300;

/**
 * What {@link useSlipwayApp} returns.
 *
 * @public
 */
export type SlipwayAppView = SlipwayLiveState & {
  /** True until the first answer. */
  loading: boolean;
  status?: SlipwayAppStatus;
  /** The last failure; `status` keeps the last good answer if there was one. */
  error?: Error;
  /** The backend has no app of this name. */
  notFound: boolean;
  /** The deployment under way (or the one started from here), with its log. */
  followed?: FollowedDeployment;
  /** Shows a deployment started from this view and follows it. */
  follow(deployment: Deployment): void;
  refresh(): void;
};

/**
 * An app's status, kept current: loaded once, then updated from the event
 * stream (state changes, health checks, deployments and their logs) with a
 * refetch only when an event calls for one, at most once per burst. While
 * the stream is down it polls every 5 s.
 *
 * @param name - the app's name; nothing is loaded without one
 * @param options - `onEvent` sees every event of the app, `onRefresh` is
 *   called whenever the status is fetched again (to refresh related data)
 *
 * @public
 */
export function useSlipwayApp(
  name: string | undefined,
  options: {
    onEvent?: (event: SlipwayEvent) => void;
    onRefresh?: () => void;
  } = {},
): SlipwayAppView {
  const api = useApi(slipwayApiRef);
  const [state, dispatch] = useReducer(appViewReducer, initialAppViewState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  // Answers for an earlier name, or after unmount, are dropped.
  const generation = useRef(0);

  const loadFollowed = useCallback(
    async (id: string) => {
      const gen = generation.current;
      try {
        const { deployment, log } = await api.getDeployment(id);
        if (gen === generation.current) {
          dispatch({ type: 'deploymentLoaded', deployment, log });
        }
      } catch {
        // The log still fills from the stream; the status shows what matters.
      }
    },
    [api],
  );

  const loader = useCoalescedLoad(async () => {
    if (!name) return;
    const gen = generation.current;
    const current = stateRef.current;
    // The first load is the caller's own; later ones are refreshes of it.
    if (current.status || current.error) optionsRef.current.onRefresh?.();
    try {
      const status = await api.getAppStatus(name);
      if (gen === generation.current) dispatch({ type: 'loaded', status });
    } catch (error) {
      if (gen === generation.current) {
        dispatch({
          type: 'failed',
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    }
  }, REFETCH_BURST_MS);

  const refresh = useCallback(() => {
    loader.now();
    const followed = stateRef.current.followed?.deployment;
    if (followed && !isFinalDeploymentStatus(followed.status)) {
      loadFollowed(followed.id);
    }
  }, [loader, loadFollowed]);

  const onEvent = useCallback(
    (event: SlipwayEvent) => {
      if (!name || !isAbout(event, name)) return;
      const refetch = needsRefetch(stateRef.current, event);
      dispatch({ type: 'event', event });
      optionsRef.current.onEvent?.(event);
      if (refetch) loader.soon();
    },
    [name, loader],
  );

  useEffect(() => {
    generation.current += 1;
    dispatch({ type: 'reset' });
    loader.cancel();
    if (name) loader.now();
    return () => {
      generation.current += 1;
      loader.cancel();
    };
  }, [name, loader]);

  const followedId = state.followed?.deployment.id;
  useEffect(() => {
    if (followedId) loadFollowed(followedId);
  }, [followedId, loadFollowed]);

  const liveState = useSlipwayLive({
    app: name,
    enabled: Boolean(name),
    onEvent,
    refresh,
  });

  const follow = useCallback(
    (deployment: Deployment) => dispatch({ type: 'follow', deployment }),
    [],
  );

  return {
    ...liveState,
    loading: state.loading,
    status: state.status,
    error: state.error,
    notFound: state.notFound,
    followed: state.followed,
    follow,
    refresh,
  };
}

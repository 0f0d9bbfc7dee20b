import { useApi } from '@backstage/core-plugin-api';
import { App, isFinalDeploymentStatus } from '@slipway/plugin-slipway-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { slipwayApiRef, SlipwayEvent, SlipwayHost } from '../api';
import {
  SlipwayLiveState,
  useCoalescedLoad,
  useSlipwayLive,
} from './useSlipwayLive';
import { REFETCH_BURST_MS } from './useSlipwayApp';

type AppsState = {
  loading: boolean;
  apps?: App[];
  hosts?: SlipwayHost[];
  appsError?: Error;
  hostsError?: Error;
};

/**
 * What {@link useSlipwayApps} returns.
 *
 * @public
 */
export type SlipwayAppsView = SlipwayLiveState & AppsState;

/**
 * Every app and host, kept current from the event stream of all apps: a
 * state change updates its row; a new app or an ended deployment refetches
 * (once per burst). Polls every 5 s while the stream is down.
 *
 * @public
 */
export function useSlipwayApps(): SlipwayAppsView {
  const api = useApi(slipwayApiRef);
  const [state, setState] = useState<AppsState>({ loading: true });
  const appsRef = useRef<App[] | undefined>(undefined);
  appsRef.current = state.apps;
  const mounted = useRef(true);

  const loader = useCoalescedLoad(async () => {
    const [apps, hosts] = await Promise.allSettled([
      api.listApps(),
      api.listHosts(),
    ]);
    if (!mounted.current) return;
    setState(current => ({
      loading: false,
      apps: apps.status === 'fulfilled' ? apps.value : current.apps,
      appsError: apps.status === 'rejected' ? apps.reason : undefined,
      hosts: hosts.status === 'fulfilled' ? hosts.value : current.hosts,
      hostsError: hosts.status === 'rejected' ? hosts.reason : undefined,
    }));
  }, REFETCH_BURST_MS);

  useEffect(() => {
    mounted.current = true;
    loader.now();
    return () => {
      mounted.current = false;
      loader.cancel();
    };
  }, [loader]);

  const onEvent = useCallback(
    (event: SlipwayEvent) => {
      if (event.type === 'app.state' && event.app) {
        const known = appsRef.current?.some(app => app.name === event.app);
        if (!known) {
          loader.soon();
          return;
        }
        const { to, reason } = event.data;
        setState(current => ({
          ...current,
          apps: current.apps?.map(app =>
            app.name === event.app
              ? {
                  ...app,
                  state: to,
                  stateReason: reason,
                  stateChangedAt: event.at,
                }
              : app,
          ),
        }));
      } else if (
        event.type === 'deployment.status' &&
        isFinalDeploymentStatus(event.data.deployment.status)
      ) {
        // A deploy may have created the app; a destroy removed it.
        loader.soon();
      }
    },
    [loader],
  );

  const live = useSlipwayLive({
    app: undefined,
    enabled: true,
    onEvent,
    refresh: loader.now,
  });

  return { ...live, ...state };
}

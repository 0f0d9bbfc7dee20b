import { AppStatusResponse } from '@slipway/plugin-slipway-common';
import { InfraStore } from '../database/InfraStore';
import { SlipwayStores } from '../database/SlipwayStores';
import { appUrlOn } from '../hosts/configuredHosts';
import { HostRegistry } from '../hosts/HostRegistry';

const DAY_MS = 24 * 3600_000;

/** What the status card shows of an app: its record, URL, last deployment, health and history. */
export async function readAppStatus(
  deps: { store: SlipwayStores; hosts: HostRegistry; infra: InfraStore },
  name: string,
): Promise<AppStatusResponse> {
  const { store, hosts } = deps;
  const app = await store.apps.requireApp(name);
  const [deployments, health, transitions, uptime24h] = await Promise.all([
    store.deployments.listDeployments(name, 1),
    store.health.listHealthSamples(name, 50),
    store.apps.listTransitions(name, 20),
    store.health.uptimeSince(name, new Date(Date.now() - DAY_MS)),
  ]);
  await hosts.refresh(deps.infra);
  return {
    app,
    url: hosts.has(app.host) ? appUrlOn(hosts.get(app.host), app.port) : null,
    lastDeployment: deployments[0] ?? null,
    health,
    transitions,
    uptime24h,
  };
}

import { SlipwayEvent } from '@slipway/plugin-slipway-common';
import { InfraStore } from '../database/InfraStore';
import { SlipwayStores } from '../database/SlipwayStores';
import { ListAccess } from '../permissions/ownerFilter';

/** How long a stream trusts what it learned of one app or host; owners can change. */
const REMEMBER_MS = 30_000;

/** Whether a name passes a list's access, asked of the database and remembered a while. */
function visibility(
  access: ListAccess,
  isVisible: (name: string) => Promise<boolean>,
) {
  const known = new Map<string, { visible: boolean; at: number }>();
  return async (name: string): Promise<boolean> => {
    if (access.result !== 'filter') return access.result === 'all';
    const hit = known.get(name);
    if (hit && Date.now() - hit.at < REMEMBER_MS) return hit.visible;
    const visible = await isVisible(name);
    known.set(name, { visible, at: Date.now() });
    return visible;
  };
}

/**
 * Which events of the whole stream a caller may see: an app's events as far as they may read
 * the app, a host's as far as they may read the host, by the same database filter as the
 * lists. Undefined when they may read everything, so a stream of an unrestricted reader costs
 * nothing. An event of neither (none today) is shown only to such a reader.
 */
export function eventReadFilter(
  deps: { store: SlipwayStores; infra: InfraStore },
  access: { apps: ListAccess; hosts: ListAccess },
): ((event: SlipwayEvent) => Promise<boolean>) | undefined {
  if (access.apps.result === 'all' && access.hosts.result === 'all') {
    return undefined;
  }
  const app = visibility(access.apps, name =>
    deps.store.apps.isVisible(name, access.apps),
  );
  const host = visibility(access.hosts, async name =>
    (await deps.infra.hostNamesVisible(access.hosts, [name])).has(name),
  );
  return async event => {
    if (event.app) return app(event.app);
    if (event.host) return host(event.host);
    return false;
  };
}

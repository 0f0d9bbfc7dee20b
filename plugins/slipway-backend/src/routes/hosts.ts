import {
  slipwayAppReadPermission,
  slipwayHostReadPermission,
} from '@slipway/plugin-slipway-common';
import Router from 'express-promise-router';
import { toPublicHost } from '../hosts/configuredHosts';
import { nameParam } from './params';
import { RouteContext } from './RouteContext';

/** `GET /hosts` and `GET /hosts/:name`: the hosts apps can be deployed to. */
export function hostRoutes(ctx: RouteContext) {
  const { access, hosts, infra, store } = ctx;
  const router = Router();

  router.get('/hosts', async (req, res) => {
    const { list } = await access.requireSome(req, slipwayHostReadPermission);
    await hosts.refresh(infra);
    // Every host has a row (configured ones too), so the database decides which the caller
    // sees, by the owner column, as it does for apps.
    const visible =
      list.result === 'all' ? undefined : await infra.hostNamesVisible(list);
    res.json({
      items: hosts
        .list()
        .filter(h => !visible || visible.has(h.name))
        .map(h => toPublicHost(h, hosts.sourceOf(h.name))),
    });
  });

  router.get('/hosts/:name', async (req, res) => {
    const credentials = await access.require(
      req,
      slipwayHostReadPermission,
      nameParam,
    );
    const name = nameParam(req);
    const record = await infra.requireHost(name);
    await hosts.refresh(infra);
    // The host's apps are shown as far as the caller may read apps.
    const apps = await access.listFor(credentials, slipwayAppReadPermission);
    res.json({
      host: {
        ...record,
        hostKey: undefined,
        hostKeyPinned:
          Boolean(record.hostKey) ||
          (hosts.has(name) && Boolean(hosts.get(name).hostKey)),
        usable: hosts.has(name),
      },
      apps: await store.apps.listApps({ host: name, permission: apps.list }),
      jobs: await infra.listJobs(name),
    });
  });
  return router;
}

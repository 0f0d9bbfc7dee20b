import { slipwayAppReadPermission } from '@slipway/plugin-slipway-common';
import Router from 'express-promise-router';
import { toPublicHost } from '../hosts/configuredHosts';
import { nameParam } from './params';
import { RouteContext } from './RouteContext';

/** `GET /hosts` and `GET /hosts/:name`: the hosts apps can be deployed to. */
export function hostRoutes(ctx: RouteContext) {
  const { access, hosts, infra, store } = ctx;
  const router = Router();

  router.get('/hosts', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    await hosts.refresh(infra);
    res.json({
      items: hosts.list().map(h => toPublicHost(h, hosts.sourceOf(h.name))),
    });
  });

  router.get('/hosts/:name', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const name = nameParam(req);
    const record = await infra.requireHost(name);
    await hosts.refresh(infra);
    res.json({
      host: {
        ...record,
        hostKey: undefined,
        hostKeyPinned:
          Boolean(record.hostKey) ||
          (hosts.has(name) && Boolean(hosts.get(name).hostKey)),
        usable: hosts.has(name),
      },
      apps: await store.apps.listApps({ host: name }),
      jobs: await infra.listJobs(name),
    });
  });
  return router;
}

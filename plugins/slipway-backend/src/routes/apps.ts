import { InputError } from '@backstage/errors';
import {
  APP_STATES,
  AppState,
  ownerRef,
  slipwayAppReadPermission,
} from '@slipway/plugin-slipway-common';
import Router from 'express-promise-router';
import { readAppStatus } from '../service/appStatus';
import { readContainerLogs } from '../service/containerLogs';
import { intQuery, nameParam, optionalQuery } from './params';
import { RouteContext } from './RouteContext';

const MAX_LOG_TAIL = 1000;
const ownerQuery = ownerRef('owner');

/** Reading apps: the list, one app's status, its deployments and its container's output. */
export function appRoutes(ctx: RouteContext) {
  const { access, store } = ctx;
  const router = Router();

  router.get('/apps', async (req, res) => {
    const { list } = await access.requireSome(req, slipwayAppReadPermission);
    const state = req.query.state as string | undefined;
    if (
      state !== undefined &&
      !(APP_STATES as readonly string[]).includes(state)
    ) {
      throw new InputError(`state: must be one of ${APP_STATES.join(', ')}`);
    }
    const host = req.query.host as string | undefined;
    const owner = optionalQuery(req, 'owner', ownerQuery);
    res.json({
      items: await store.apps.listApps({
        state: state as AppState | undefined,
        host,
        owner,
        permission: list,
      }),
    });
  });

  router.get('/apps/:name/status', async (req, res) => {
    await access.require(req, slipwayAppReadPermission, nameParam);
    res.json(await readAppStatus(ctx, nameParam(req)));
  });

  router.get('/apps/:name/deployments', async (req, res) => {
    await access.require(req, slipwayAppReadPermission, nameParam);
    const name = nameParam(req);
    await store.apps.requireApp(name);
    res.json({ items: await store.deployments.listDeployments(name) });
  });

  router.get('/apps/:name/logs', async (req, res) => {
    await access.require(req, slipwayAppReadPermission, nameParam);
    const name = nameParam(req);
    const tail = intQuery(req.query.tail, 100);
    if (!Number.isInteger(tail) || tail < 1 || tail > MAX_LOG_TAIL) {
      throw new InputError(
        `tail: must be an integer from 1 to ${MAX_LOG_TAIL}`,
      );
    }
    const app = await store.apps.requireApp(name);
    res.json(await readContainerLogs(ctx.hosts, app, tail));
  });
  return router;
}

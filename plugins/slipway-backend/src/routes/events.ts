import {
  dnsLabel,
  slipwayAppReadPermission,
} from '@slipway/plugin-slipway-common';
import { NotAllowedError } from '@backstage/errors';
import Router from 'express-promise-router';
import { streamEvents } from '../events/sse';
import { optionalQuery } from './params';
import { RouteContext } from './RouteContext';

const appQuery = dnsLabel('app');

/** `GET /events`: the live events as Server-Sent Events, optionally of one app. */
export function eventRoutes(ctx: RouteContext) {
  const router = Router();
  router.get('/events', async (req, res) => {
    const { credentials, list } = await ctx.access.requireSome(
      req,
      slipwayAppReadPermission,
    );
    const app = optionalQuery(req, 'app', appQuery);
    if (app) {
      await ctx.access.requireFor(credentials, slipwayAppReadPermission, app);
    } else if (list.result !== 'all') {
      // Filtering every event by its app's owner is the next slice; until then a reader
      // whose reads are conditional follows one app at a time (`?app=`), never all of them.
      throw new NotAllowedError(
        'You may read only some apps: follow one with ?app=<name>',
      );
    }
    streamEvents(req, res, ctx.events, { app }, ctx.eventsPingMs);
  });
  return router;
}

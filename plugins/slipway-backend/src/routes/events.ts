import {
  dnsLabel,
  slipwayAppReadPermission,
  slipwayHostReadPermission,
} from '@slipway/plugin-slipway-common';
import Router from 'express-promise-router';
import { streamEvents } from '../events/sse';
import { eventReadFilter } from '../service/eventAccess';
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
    }
    // The whole stream carries every app's and host's events: each goes out only if the
    // caller may read its app or host. One app's stream was authorized above.
    const visible = app
      ? undefined
      : eventReadFilter(ctx, {
          apps: list,
          hosts: (
            await ctx.access.listFor(credentials, slipwayHostReadPermission)
          ).list,
        });
    streamEvents(req, res, ctx.events, { app }, ctx.eventsPingMs, visible);
  });
  return router;
}

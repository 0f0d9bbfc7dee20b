import {
  dnsLabel,
  slipwayAppReadPermission,
} from '@slipway/plugin-slipway-common';
import Router from 'express-promise-router';
import { streamEvents } from '../events/sse';
import { optionalQuery } from './params';
import { RouteContext } from './RouteContext';

const appQuery = dnsLabel('app');

/** `GET /events`: the live events as Server-Sent Events, optionally of one app. */
export function eventRoutes(ctx: RouteContext) {
  const router = Router();
  router.get('/events', async (req, res) => {
    await ctx.access.require(req, slipwayAppReadPermission);
    const app = optionalQuery(req, 'app', appQuery);
    streamEvents(req, res, ctx.events, { app }, ctx.eventsPingMs);
  });
  return router;
}

import Router from 'express-promise-router';
import { RouteContext } from './RouteContext';

/** `GET /health`: unauthenticated on purpose (see plugin.ts), for load balancers and tests. */
export function healthRoutes(ctx: RouteContext) {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const database = await ctx.ping();
    res
      .status(database.ok ? 200 : 503)
      .json({ status: database.ok ? 'ok' : 'degraded', database });
  });
  return router;
}

import express from 'express';
import Router from 'express-promise-router';
import { conditionEvaluators } from '../permissions/rulesets';
import { Access } from '../service/access';
import { appRoutes } from './apps';
import { appJobRoutes } from './appJobs';
import { deploymentRoutes } from './deployments';
import { eventRoutes } from './events';
import { healthRoutes } from './health';
import { hostRoutes } from './hosts';
import { infraRoutes } from './infra';
import { RouteContext, RouterOptions } from './RouteContext';

export type { RouterOptions };

/**
 * The `/api/slipway` API: one file per resource. Routes parse, authorize and call services;
 * nothing here talks to a host. Also exported from `@slipway/plugin-slipway-backend/alpha`:
 * mount it under `/api/slipway` with Backstage's error middleware after it.
 *
 * @alpha
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const ctx: RouteContext = {
    ...options,
    access: new Access(
      options.httpAuth,
      options.permissions,
      conditionEvaluators(options.permissionsRegistry),
    ),
    followPollMs: options.followPollMs ?? 250,
  };
  const router = Router();
  router.use(express.json({ limit: '256kb' }));
  for (const routes of [
    healthRoutes,
    hostRoutes,
    infraRoutes,
    appJobRoutes,
    appRoutes,
    eventRoutes,
    deploymentRoutes,
  ]) {
    router.use(routes(ctx));
  }
  return router;
}

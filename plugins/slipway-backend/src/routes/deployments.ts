import {
  isFinalDeploymentStatus,
  slipwayAppOperatePermission,
  slipwayAppReadPermission,
} from '@slipway/plugin-slipway-common';
import Router from 'express-promise-router';
import { sendJob } from './ndjson';
import { idParam } from './params';
import { RouteContext } from './RouteContext';

/** `/deployments/:id`: a deployment with its log (or followed live), and its cancel. */
export function deploymentRoutes(ctx: RouteContext) {
  const { access, runner } = ctx;
  const deployments = ctx.store.deployments;
  const router = Router();

  router.get('/deployments/:id', async (req, res) => {
    const { credentials } = await access.requireSome(
      req,
      slipwayAppReadPermission,
    );
    const id = idParam(req);
    const { app } = await deployments.requireDeployment(id);
    await access.requireFor(credentials, slipwayAppReadPermission, app);
    await sendJob(req, res, {
      type: 'deployment',
      get: () => deployments.requireDeployment(id),
      isFinal: d => isFinalDeploymentStatus(d.status),
      logs: after => deployments.getLogs(id, after),
      pollMs: ctx.followPollMs,
    });
  });

  router.post('/deployments/:id/cancel', async (req, res) => {
    const { credentials } = await access.requireSome(
      req,
      slipwayAppOperatePermission,
    );
    const id = idParam(req);
    const deployment = await deployments.requireDeployment(id);
    await access.requireFor(
      credentials,
      slipwayAppOperatePermission,
      deployment.app,
    );
    const cancelled = runner.cancel(id);
    res.status(cancelled ? 202 : 409).json({
      deployment,
      message: cancelled
        ? 'cancelling'
        : `deployment ${id} is ${deployment.status} and not running in this backend`,
    });
  });
  return router;
}

import { InputError } from '@backstage/errors';
import {
  Deployment,
  deployRequestSchema,
  describeZodError,
  formatViolations,
  gitRef,
  slipwayAppDeployPermission,
  slipwayAppDestroyPermission,
  slipwayAppOperatePermission,
} from '@slipway/plugin-slipway-common';
import { Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { redeployRequest } from '../appJobs/JobRunner';
import { evaluateDeployPolicy, policyErrorBody } from '../policy/policy';
import { initiatorOf } from '../service/access';
import { dryRunDeploy } from '../service/dryRunDeploy';
import { nameParam, UUID } from './params';
import { RouteContext } from './RouteContext';

const redeployBody = z.object({ ref: gitRef.optional() }).strict();

/** The 202 of a job that deploys: the record and where to follow it. */
function accepted(deployment: Deployment) {
  return {
    deployment,
    links: {
      deployment: `/deployments/${deployment.id}`,
      status: `/apps/${deployment.app}/status`,
    },
  };
}

/** `POST /apps/deploy`: validate, check the policy, then start the job (or `?dryRun=true`). */
function deploy(ctx: RouteContext) {
  const { access, runner } = ctx;
  return async (req: Request, res: Response) => {
    const credentials = await access.require(req, slipwayAppDeployPermission);
    const parsed = deployRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid deploy request: ${formatViolations(
          describeZodError(parsed.error, req.body),
        )}`,
      );
    }
    const violations = evaluateDeployPolicy(ctx.policy, parsed.data);
    if (violations.length) {
      res.status(400).json(policyErrorBody(violations));
      return;
    }
    if (req.query.dryRun === 'true') {
      res.status(200).json(await dryRunDeploy(ctx, parsed.data));
      return;
    }
    const deployment = await runner.deploy(
      parsed.data,
      initiatorOf(credentials),
    );
    res.status(202).json(accepted(deployment));
  };
}

/** Jobs on apps: deploy (and its dry run), redeploy, rollback, restart and destroy. */
export function appJobRoutes(ctx: RouteContext) {
  const { access, runner, store } = ctx;
  const router = Router();

  router.post('/apps/deploy', deploy(ctx));

  router.post('/apps/:name/redeploy', async (req, res) => {
    const credentials = await access.require(req, slipwayAppDeployPermission);
    const name = nameParam(req);
    const body = redeployBody.safeParse(req.body ?? {});
    if (!body.success) {
      throw new InputError(
        formatViolations(describeZodError(body.error, req.body)),
      );
    }
    // The policy may have changed since the app was deployed: judge the settings again.
    const violations = evaluateDeployPolicy(
      ctx.policy,
      redeployRequest(await store.apps.requireApp(name), body.data.ref),
    );
    if (violations.length) {
      res.status(400).json(policyErrorBody(violations));
      return;
    }
    const deployment = await runner.redeploy(name, initiatorOf(credentials), {
      ref: body.data.ref,
    });
    res.status(202).json(accepted(deployment));
  });

  router.post('/apps/:name/rollback', async (req, res) => {
    const credentials = await access.require(req, slipwayAppOperatePermission);
    const to = req.body?.deploymentId;
    if (to !== undefined && (typeof to !== 'string' || !UUID.test(to))) {
      throw new InputError('deploymentId: a deployment id is a UUID');
    }
    const deployment = await runner.rollback(
      nameParam(req),
      initiatorOf(credentials),
      to,
    );
    res.status(202).json({ deployment });
  });

  router.post('/apps/:name/restart', async (req, res) => {
    const credentials = await access.require(req, slipwayAppOperatePermission);
    const deployment = await runner.restart(
      nameParam(req),
      initiatorOf(credentials),
    );
    res.status(202).json({ deployment });
  });

  router.delete('/apps/:name', async (req, res) => {
    const credentials = await access.require(req, slipwayAppDestroyPermission);
    const deployment = await runner.destroy(
      nameParam(req),
      initiatorOf(credentials),
    );
    res.status(202).json({ deployment });
  });
  return router;
}

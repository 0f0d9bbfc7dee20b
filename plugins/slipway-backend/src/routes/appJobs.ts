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
  slipwayHostDeployPermission,
} from '@slipway/plugin-slipway-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import { Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { redeployRequest } from '../appJobs/JobRunner';
import { evaluateDeployPolicy, policyErrorBody } from '../policy/policy';
import { initiatorOf, userEntityRefOf } from '../service/access';
import { dryRunDeploy } from '../service/dryRunDeploy';
import { nameParam, optionalBoolean, UUID } from './params';
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

/**
 * Who may deploy under a name, and the owner the deploy records. Over an existing app it is
 * the deploy permission on that app, decided by the permission framework with the app as
 * stored (its owner), so a request that names another owner cannot take the app over. A new
 * name has no resource the framework could load (getResources finds nothing, and a
 * conditional decision on nothing is a denial), so the policy's decision is judged here
 * against the app the request would create: its name and owner, the request's `owner` or else
 * the calling user, who is then recorded as its owner. A policy of "owners may deploy" thus
 * lets a user create apps only for owners they belong to, and no app starts out ownerless.
 */
async function authorizeDeploy(
  ctx: RouteContext,
  credentials: BackstageCredentials,
  decision: PolicyDecision,
  request: { name: string; owner?: string },
): Promise<string | undefined> {
  const existing = await ctx.store.apps.getApp(request.name);
  if (existing) {
    await ctx.access.requireFor(
      credentials,
      slipwayAppDeployPermission,
      request.name,
    );
    // Handing the app to another owner is judged as creating it for that owner.
    if (request.owner === undefined || request.owner === existing.owner) {
      return request.owner;
    }
  }
  const owner =
    request.owner ?? (existing ? undefined : userEntityRefOf(credentials));
  ctx.access.requireNew(slipwayAppDeployPermission, decision, {
    name: request.name,
    owner: owner ?? initiatorOf(credentials),
  });
  return owner;
}

/** `POST /apps/deploy`: validate, check the policy, then start the job (or `?dryRun=true`). */
function deploy(ctx: RouteContext) {
  const { access, runner } = ctx;
  return async (req: Request, res: Response) => {
    // A caller denied every deploy gets a 403 whatever the body; the app comes after it.
    const { credentials, decision } = await access.requireSome(
      req,
      slipwayAppDeployPermission,
    );
    // A mistyped `?dryRun` is a 400, never read as false: it must not start a real deploy.
    const dryRun = optionalBoolean('dryRun', req.query.dryRun, 'query');
    const parsed = deployRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid deploy request: ${formatViolations(
          describeZodError(parsed.error, req.body),
        )}`,
      );
    }
    const owner = await authorizeDeploy(ctx, credentials, decision, {
      name: parsed.data.name,
      owner: parsed.data.owner,
    });
    const request = { ...parsed.data, owner };
    // The host is a resource too: a team's host runs its own apps. An unknown host name is left
    // to the checks below, which answer 400 naming it.
    if (await ctx.infra.getHost(request.host)) {
      await ctx.access.requireFor(
        credentials,
        slipwayHostDeployPermission,
        request.host,
      );
    }
    const violations = evaluateDeployPolicy(ctx.policy, request);
    if (violations.length) {
      res.status(400).json(policyErrorBody(violations));
      return;
    }
    if (dryRun) {
      res.status(200).json(await dryRunDeploy(ctx, request));
      return;
    }
    const deployment = await runner.deploy(request, initiatorOf(credentials));
    res.status(202).json(accepted(deployment));
  };
}

/** `POST /apps/:name/redeploy`: the app's settings again, at its ref or another. */
function redeploy(ctx: RouteContext) {
  const { access, runner, store } = ctx;
  return async (req: Request, res: Response) => {
    // Redeploying is operating the app; moving it to another ref changes what it runs, which
    // is deploying (checked below, once the body says so).
    const credentials = await access.require(
      req,
      slipwayAppOperatePermission,
      nameParam,
    );
    const name = nameParam(req);
    const body = redeployBody.safeParse(req.body ?? {});
    if (!body.success) {
      throw new InputError(
        formatViolations(describeZodError(body.error, req.body)),
      );
    }
    const app = await store.apps.requireApp(name);
    if (body.data.ref !== undefined && body.data.ref !== app.ref) {
      await access.requireFor(credentials, slipwayAppDeployPermission, name);
    }
    // The policy may have changed since the app was deployed: judge the settings again.
    const violations = evaluateDeployPolicy(
      ctx.policy,
      redeployRequest(app, body.data.ref),
    );
    if (violations.length) {
      res.status(400).json(policyErrorBody(violations));
      return;
    }
    const deployment = await runner.redeploy(name, initiatorOf(credentials), {
      ref: body.data.ref,
    });
    res.status(202).json(accepted(deployment));
  };
}

/** Jobs on apps: deploy (and its dry run), redeploy, rollback, restart and destroy. */
export function appJobRoutes(ctx: RouteContext) {
  const { access, runner } = ctx;
  const router = Router();

  router.post('/apps/deploy', deploy(ctx));

  router.post('/apps/:name/redeploy', redeploy(ctx));

  router.post('/apps/:name/rollback', async (req, res) => {
    const credentials = await access.require(
      req,
      slipwayAppOperatePermission,
      nameParam,
    );
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
    const credentials = await access.require(
      req,
      slipwayAppOperatePermission,
      nameParam,
    );
    const deployment = await runner.restart(
      nameParam(req),
      initiatorOf(credentials),
    );
    res.status(202).json({ deployment });
  });

  router.delete('/apps/:name', async (req, res) => {
    const credentials = await access.require(
      req,
      slipwayAppDestroyPermission,
      nameParam,
    );
    const deployment = await runner.destroy(
      nameParam(req),
      initiatorOf(credentials),
    );
    res.status(202).json({ deployment });
  });
  return router;
}

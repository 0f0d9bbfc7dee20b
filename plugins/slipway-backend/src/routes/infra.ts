import { ConflictError, InputError } from '@backstage/errors';
import {
  describeZodError,
  dnsLabel,
  formatViolations,
  provisionRequestSchema,
  slipwayHostDestroyPermission,
  slipwayHostProvisionPermission,
  slipwayHostReadPermission,
} from '@slipway/plugin-slipway-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import { Request, Response } from 'express';
import Router from 'express-promise-router';
import { evaluateProvisionPolicy, policyErrorBody } from '../policy/policy';
import { initiatorOf } from '../service/access';
import { sendJob } from './ndjson';
import { idParam, optionalBoolean, parseField, wantsStream } from './params';
import { RouteContext } from './RouteContext';

const hostName = dnsLabel('name');
const JOB_ID = 'a job id';
const destroyName = (req: Request) =>
  parseField('name', hostName, req.body?.name);

/**
 * Who may provision a name. A host that has a row and is not destroyed is authorized as itself
 * by the framework (provisioning would be refused as a name in use anyway, but never after
 * telling someone else's name is free). A new or destroyed name has no resource the framework
 * can judge as the request means it, so the decision's conditions are applied here to the host
 * the request would create, with the owner it names: "owners may provision" then means a
 * caller provisions only for owners they belong to.
 */
async function authorizeProvision(
  ctx: RouteContext,
  credentials: BackstageCredentials,
  decision: PolicyDecision,
  request: { name: string; owner: string },
): Promise<void> {
  const existing = await ctx.infra.getHost(request.name);
  if (existing && existing.state !== 'destroyed') {
    await ctx.access.requireFor(
      credentials,
      slipwayHostProvisionPermission,
      request.name,
    );
    return;
  }
  ctx.access.requireNew(slipwayHostProvisionPermission, decision, {
    name: request.name,
    owner: request.owner,
  });
}

/**
 * `POST /infra/provision`: validate, check the policy (with the owner's host count), then
 * start the job, or with `dryRun` say that it would start.
 */
function provision(ctx: RouteContext) {
  const { access, infra, infraRunner } = ctx;
  return async (req: Request, res: Response) => {
    // A caller denied every provision gets a 403 whatever the body; the host comes after it.
    const { credentials, decision } = await access.requireSome(
      req,
      slipwayHostProvisionPermission,
    );
    const dryRun =
      optionalBoolean('dryRun', req.query.dryRun, 'query') ||
      optionalBoolean('dryRun', req.body?.dryRun, 'body') ||
      false;
    const { dryRun: _ignored, ...body } = req.body ?? {};
    const parsed = provisionRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid provision request: ${formatViolations(
          describeZodError(parsed.error, body),
        )}`,
      );
    }
    await authorizeProvision(ctx, credentials, decision, parsed.data);
    const violations = evaluateProvisionPolicy(ctx.policy, parsed.data, {
      hostsOwnedByOwner: await infra.countHostsOfOwner(parsed.data.owner),
    });
    if (violations.length) {
      res.status(400).json(policyErrorBody(violations));
      return;
    }
    if (dryRun) {
      infraRunner.assertMayProvision();
      res
        .status(200)
        .json({ dryRun: true, policy: 'passed', request: parsed.data });
      return;
    }
    const job = await infraRunner.provision(
      parsed.data,
      initiatorOf(credentials),
    );
    res.status(202).json({
      job,
      links: { job: `/infra/jobs/${job.id}`, host: `/hosts/${job.host}` },
    });
  };
}

/** `/infra/*`: provisioning and destroying hosts, and following those jobs. */
export function infraRoutes(ctx: RouteContext) {
  const { access, infra, infraRunner } = ctx;
  const router = Router();

  router.post('/infra/provision', provision(ctx));

  router.post('/infra/destroy', async (req, res) => {
    const credentials = await access.require(
      req,
      slipwayHostDestroyPermission,
      destroyName,
    );
    const name = destroyName(req);
    const force = optionalBoolean('force', req.body?.force, 'body') ?? false;
    const job = await infraRunner.destroy(
      name,
      { force },
      initiatorOf(credentials),
    );
    res.status(202).json({ job });
  });

  router.get('/infra/jobs/:id', async (req, res) => {
    const { credentials } = await access.requireSome(
      req,
      slipwayHostReadPermission,
    );
    const id = idParam(req, JOB_ID);
    // The query is checked before the job is looked up, so a bad one is a 400 either way.
    wantsStream(req);
    const { host } = await infra.requireJob(id);
    await access.requireFor(credentials, slipwayHostReadPermission, host);
    await sendJob(req, res, {
      type: 'job',
      get: () => infra.requireJob(id),
      isFinal: j => !['queued', 'in_progress'].includes(j.status),
      logs: after => infra.getLogs(id, after),
      pollMs: ctx.followPollMs,
    });
  });

  router.post('/infra/jobs/:id/cancel', async (req, res) => {
    const { credentials } = await access.requireSome(
      req,
      slipwayHostProvisionPermission,
    );
    const id = idParam(req, JOB_ID);
    const job = await infra.requireJob(id);
    // Stopping a job is as much as the job itself: a destroy's by who may destroy the host.
    await access.requireFor(
      credentials,
      job.kind === 'destroy'
        ? slipwayHostDestroyPermission
        : slipwayHostProvisionPermission,
      job.host,
    );
    if (!infraRunner.cancel(id)) {
      throw new ConflictError(
        `Provisioning job ${id} is ${job.status} and not running in this backend`,
      );
    }
    // The tool gets SIGINT (Terraform's graceful stop), then SIGKILL after the grace period.
    res.status(202).json({ job, message: 'cancelling' });
  });
  return router;
}

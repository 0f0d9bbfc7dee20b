import { ConflictError, InputError } from '@backstage/errors';
import {
  describeZodError,
  dnsLabel,
  formatViolations,
  provisionRequestSchema,
  slipwayAppReadPermission,
  slipwayHostDestroyPermission,
  slipwayHostProvisionPermission,
} from '@slipway/plugin-slipway-common';
import { Request, Response } from 'express';
import Router from 'express-promise-router';
import { evaluateProvisionPolicy, policyErrorBody } from '../policy/policy';
import { initiatorOf } from '../service/access';
import { sendJob } from './ndjson';
import { idParam, parseField } from './params';
import { RouteContext } from './RouteContext';

const hostName = dnsLabel('name');

/**
 * `POST /infra/provision`: validate, check the policy (with the owner's host count), then
 * start the job, or with `dryRun` say that it would start.
 */
function provision(ctx: RouteContext) {
  const { access, infra, infraRunner } = ctx;
  return async (req: Request, res: Response) => {
    const credentials = await access.require(
      req,
      slipwayHostProvisionPermission,
    );
    const dryRun = req.query.dryRun === 'true' || req.body?.dryRun === true;
    const { dryRun: _ignored, ...body } = req.body ?? {};
    const parsed = provisionRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid provision request: ${formatViolations(
          describeZodError(parsed.error, body),
        )}`,
      );
    }
    const violations = evaluateProvisionPolicy(ctx.policy, parsed.data, {
      hostsOwnedByOwner: await infra.countHostsOfOwner(parsed.data.owner),
    });
    if (violations.length) {
      res.status(400).json(policyErrorBody(violations));
      return;
    }
    if (dryRun) {
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
    const credentials = await access.require(req, slipwayHostDestroyPermission);
    const name = parseField('name', hostName, req.body?.name);
    const force = req.body?.force ?? false;
    if (typeof force !== 'boolean')
      throw new InputError('force: must be true or false');
    const job = await infraRunner.destroy(
      name,
      { force },
      initiatorOf(credentials),
    );
    res.status(202).json({ job });
  });

  router.get('/infra/jobs/:id', async (req, res) => {
    await access.require(req, slipwayAppReadPermission);
    const id = idParam(req);
    await sendJob(req, res, {
      type: 'job',
      get: () => infra.requireJob(id),
      isFinal: j => !['queued', 'in_progress'].includes(j.status),
      logs: after => infra.getLogs(id, after),
      pollMs: ctx.followPollMs,
    });
  });

  router.post('/infra/jobs/:id/cancel', async (req, res) => {
    await access.require(req, slipwayHostProvisionPermission);
    const id = idParam(req);
    const job = await infra.requireJob(id);
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

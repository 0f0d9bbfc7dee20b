import { ValidDeployRequest } from '@slipway/plugin-slipway-common';
import { buildStep } from './build';
import { removeLeftovers } from './cleanup';
import {
  cloneAtCommit,
  cloneDir,
  cloneOnHost,
  gitAuthInput,
  removeClone,
} from './clone';
import { gateNewContainer } from './healthGate';
import { imageRef, JobContext, JobOutcome } from './JobContext';
import { restorePrevious } from './rollback';
import { swapContainers, SwapOptions } from './swap';

/**
 * A deploy, step by step: clone the repo at the ref on the host (recording the commit), build
 * the image while the old container keeps serving, then release it (swap, health gate, rollback
 * or cleanup). Steps that always go together share one SSH session, since each session costs
 * the host a login shell: with a known commit, clone, build, stop and run are one session.
 */
export async function deployApp(
  ctx: JobContext,
  request: ValidDeployRequest,
  /** The commit the ref names, when the backend could ask the repo (see resolveCommit). */
  knownCommit: Promise<string | undefined> = Promise.resolve(undefined),
): Promise<JobOutcome> {
  const dir = cloneDir(ctx);
  const image = imageRef(ctx.app.name, ctx.deployment.id);
  // The build's session removes the clone; until it has, `finally` does.
  let cloneRemoved = false;
  const onBuilt = () => {
    cloneRemoved = true;
  };
  try {
    const known = await knownCommit;
    if (known) {
      const clone = await cloneAtCommit(ctx, request, dir, known);
      return await releaseImage(ctx, {
        image,
        commit: known,
        env: request.env,
        stopByLabel: true,
        stdinPrefix: gitAuthInput(ctx),
        build: buildStep(ctx, { dir, image, commit: known, clone, onBuilt }),
      });
    }
    const { commit, running } = await cloneOnHost(ctx, request, dir);
    return await releaseImage(ctx, {
      image,
      commit,
      env: request.env,
      running,
      build: buildStep(ctx, { dir, image, commit, onBuilt }),
    });
  } finally {
    if (!cloneRemoved) await removeClone(ctx, dir);
  }
}

/**
 * Puts an image in service and proves it healthy: swap, health gate, then the automatic
 * rollback when it fails, or the cleanup once the outcome is recorded (`afterwards`). A deploy
 * releases the image it built; a rollback on request, a kept one.
 */
export async function releaseImage(
  ctx: JobContext,
  opts: SwapOptions,
): Promise<JobOutcome> {
  const { container, previous, notStarted } = await swapContainers(ctx, opts);
  if (notStarted) return restorePrevious(ctx, container, previous, notStarted);
  let gate;
  try {
    gate = await gateNewContainer(ctx, container);
  } catch (error) {
    if (ctx.signal.aborted) {
      const outcome = await restorePrevious(
        ctx,
        container,
        previous,
        'cancelled during the health gate',
      );
      return { ...outcome, status: 'cancelled' } as JobOutcome;
    }
    throw error;
  }
  if (!gate.ok) {
    return restorePrevious(ctx, container, previous, gate.diagnosis);
  }
  const { healthPath } = ctx.app;
  const { httpStatus, latencyMs } = gate.probe;
  await ctx.log.step(
    `Healthy after ${gate.attempts} probe(s): GET ${healthPath} returned ${httpStatus} in ${latencyMs} ms`,
  );
  return {
    status: 'succeeded',
    summary: `GET ${healthPath} returned ${httpStatus} in ${latencyMs} ms`,
    afterwards: () => removeLeftovers(ctx, container, opts.image),
  };
}

import { ConflictError } from '@backstage/errors';
import { App, Deployment } from '@slipway/plugin-slipway-common';
import { listAppContainers, readContainerEnv } from '../hosts/containers';
import { imageExists } from '../hosts/images';
import { releaseImage } from '../deploy/deployApp';
import { JobContext, JobOutcome } from '../deploy/JobContext';

export type RollbackTarget = {
  image: string;
  commit: string;
  fromDeployment: string;
};

/**
 * The deployment a rollback returns to: the one asked for, by default the newest earlier
 * successful one. It must have succeeded with an image (whether the image is still kept on the
 * host is the job's to find out).
 */
export function rollbackTarget(
  app: App,
  history: Deployment[],
  toDeploymentId?: string,
): RollbackTarget {
  const target = toDeploymentId
    ? history.find(d => d.id === toDeploymentId)
    : history.find(
        d =>
          d.status === 'succeeded' &&
          d.image &&
          d.id !== app.currentDeploymentId &&
          d.kind !== 'destroy',
      );
  if (!target) {
    throw new ConflictError(
      toDeploymentId
        ? `App "${app.name}" has no deployment ${toDeploymentId}`
        : `App "${app.name}" has no earlier successful deployment to roll back to`,
    );
  }
  if (!target.image || !target.commitSha || target.status !== 'succeeded') {
    throw new ConflictError(
      `Deployment ${target.id} did not succeed with an image, so it cannot be rolled back to`,
    );
  }
  return {
    image: target.image,
    commit: target.commitSha,
    fromDeployment: target.id,
  };
}

/**
 * Rollback on request: run a kept image again through the same swap and health gate as a
 * deploy. The env values come from the running container (Slipway never stores them).
 */
export async function rollbackApp(
  ctx: JobContext,
  target: RollbackTarget,
): Promise<JobOutcome> {
  const { conn, log, app } = ctx;
  if (!(await imageExists(conn, target.image))) {
    throw new ConflictError(
      `The image ${target.image} of deployment ${target.fromDeployment} is no longer on host ${app.host}`,
    );
  }
  const running = (await listAppContainers(conn, app.name)).find(
    c => c.running,
  );
  const env = running
    ? await readContainerEnv(conn, running.id, app.envNames)
    : {};
  // Masked before anything can print them (a failing gate's container output, an error).
  log.addSecrets(Object.values(env));
  if (app.envNames.length && !running) {
    await log.step(
      `No running container to carry env vars over from: starting without ${app.envNames.join(
        ', ',
      )}`,
    );
  }
  await log.step(
    `Rolling back to deployment ${target.fromDeployment} (image ${target.image}, commit ${target.commit})`,
  );
  return releaseImage(ctx, { image: target.image, commit: target.commit, env });
}

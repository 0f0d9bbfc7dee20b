import {
  dockerRemoveContainer,
  dockerRemoveImages,
  HostConnection,
} from '@slipway/plugin-slipway-node';
import { SlipwayStores } from '../database/SlipwayStores';
import { listAppContainers } from '../hosts/containers';
import { listAppImages } from '../hosts/images';
import { JobLog } from '../jobs/JobLog';
import { imageRef, JobContext } from './JobContext';

/**
 * After a successful swap, once the outcome is recorded: the previous containers go (their
 * images stay for rollback), and images outside the retention window are pruned. Stopped
 * leftovers of failed versions go too: a stale one would confuse reading the host's state back.
 */
export async function removeLeftovers(
  ctx: JobContext,
  current: string,
  currentImage: string,
): Promise<void> {
  const stale = (await listAppContainers(ctx.conn, ctx.app.name)).filter(
    c => c.name !== current,
  );
  for (const old of stale) {
    await ctx.log.step(
      `Cleanup: removing the previous container ${old.name} (its image is kept for rollback)`,
    );
  }
  if (stale.length) {
    await ctx.conn.exec(dockerRemoveContainer(...stale.map(c => c.id)), {
      allowFailure: true,
    });
  }
  await pruneImages(ctx, currentImage);
}

/**
 * Keeps the images of the newest `keepImages` succeeded releases (the running one always) and
 * removes the app's other images. The window counts succeeded releases, not images on the host,
 * so failed deploys in between can never push a good rollback target out of it.
 */
export async function pruneImages(
  ctx: JobContext,
  currentImage: string,
): Promise<void> {
  const images = await listAppImages(ctx.conn, ctx.app.name);
  const keep = await imagesToKeep(ctx, currentImage);
  const remove = images.filter(i => !keep.has(i.ref)).map(i => i.ref);
  if (remove.length) {
    await ctx.log.step(
      `Cleanup: removing ${remove.length} image(s) outside the newest ${
        ctx.settings.keepImages
      } successful release(s): ${remove.join(', ')}`,
    );
    await ctx.conn.exec(dockerRemoveImages(remove), { allowFailure: true });
  }
}

async function imagesToKeep(
  ctx: JobContext,
  currentImage: string,
): Promise<Set<string>> {
  const { deployments } = ctx.store;
  const app = ctx.app.name;
  const released = await deployments.listReleasedImages(
    app,
    ctx.settings.keepImages,
  );
  // Cleanup runs after the app's lock is freed, so the next job may already be building or
  // gating its image (recorded only once built, hence the ref from its id too).
  const active = (await deployments.listDeployments(app, 5))
    .filter(d => d.status === 'queued' || d.status === 'in_progress')
    .flatMap(d => [d.image, imageRef(app, d.id)]);
  return new Set(
    [currentImage, ...released, ...active].filter((i): i is string => !!i),
  );
}

/**
 * After a job that did not succeed: the image it put in service is removed, since nothing will
 * roll back to a release that never passed; unless a succeeded deployment (a rollback's target,
 * a redeploy of a commit already built) or a running job has that very image.
 */
export async function removeFailedImage(
  deps: { store: SlipwayStores; conn: HostConnection; log: JobLog },
  deploymentId: string,
): Promise<void> {
  const { deployments } = deps.store;
  const deployment = await deployments.getDeployment(deploymentId);
  const image = deployment?.image;
  if (!deployment || !image) return;
  const user = await deployments.otherDeploymentWithImage(
    deployment.app,
    image,
    deployment.id,
  );
  if (user) {
    await deps.log.step(
      `Cleanup: keeping the image ${image}: deployment ${user.id} (${user.status}) has it too`,
    );
    return;
  }
  await deps.log.step(
    `Cleanup: removing the image ${image} of this failed release`,
  );
  await deps.conn.exec(dockerRemoveImages([image]), { allowFailure: true });
}

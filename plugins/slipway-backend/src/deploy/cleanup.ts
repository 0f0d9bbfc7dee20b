import {
  dockerRemoveContainer,
  dockerRemoveImages,
} from '@slipway/plugin-slipway-node';
import { listAppContainers } from '../hosts/containers';
import { listAppImages } from '../hosts/images';
import { JobContext } from './JobContext';

/**
 * After a successful swap, once the outcome is recorded: the previous containers go (their
 * images stay for rollback), and images beyond the newest `keepImages` are pruned. Stopped
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

/** Keeps the newest `keepImages` images of the app (the running one always), removes the rest. */
export async function pruneImages(
  ctx: JobContext,
  currentImage: string,
): Promise<void> {
  const images = await listAppImages(ctx.conn, ctx.app.name);
  const keep = new Set([
    currentImage,
    ...images.slice(0, ctx.settings.keepImages).map(i => i.ref),
  ]);
  const remove = images.filter(i => !keep.has(i.ref)).map(i => i.ref);
  if (remove.length) {
    await ctx.log.step(
      `Cleanup: removing ${remove.length} old image(s) beyond the ${
        ctx.settings.keepImages
      } kept: ${remove.join(', ')}`,
    );
    await ctx.conn.exec(dockerRemoveImages(remove), { allowFailure: true });
  }
}

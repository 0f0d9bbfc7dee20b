import {
  dockerRemoveContainer,
  dockerRemoveImages,
} from '@slipway/plugin-slipway-node';
import { listAppContainers } from '../hosts/containers';
import { listAppImages } from '../hosts/images';
import { JobContext, JobOutcome } from '../deploy/JobContext';

/** Destroy: remove the app's containers and images; the history stays in the database. */
export async function destroyApp(ctx: JobContext): Promise<JobOutcome> {
  const { conn, log, app } = ctx;
  for (const container of await listAppContainers(conn, app.name)) {
    await log.step(`Removing container ${container.name}`);
    await conn.exec(dockerRemoveContainer(container.id), {
      signal: ctx.signal,
    });
  }
  const images = await listAppImages(conn, app.name);
  if (images.length) {
    await log.step(
      `Removing ${images.length} image(s): ${images
        .map(i => i.ref)
        .join(', ')}`,
    );
    await conn.exec(dockerRemoveImages(images.map(i => i.ref)), {
      signal: ctx.signal,
    });
  }
  return {
    status: 'succeeded',
    summary: `destroyed; port ${app.port} on ${app.host} is free`,
  };
}

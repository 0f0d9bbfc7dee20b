import { ConflictError } from '@backstage/errors';
import {
  dockerRemoveContainer,
  dockerRemoveImages,
  dockerRestart,
} from '@slipway/plugin-slipway-node';
import { imageExists } from './imageExists';
import { JobContext, JobOutcome } from './JobContext';
import { waitUntilHealthy } from './healthGate';
import {
  inspectContainerState,
  listAppContainers,
  listAppImages,
  readContainerEnv,
} from './hostState';
import { swapAndGate } from './swap';

/**
 * Rollback: run a kept image again through the same swap and health gate as a deploy. The env
 * values come from the running container (Slipway never stores them).
 */
export async function runRollbackJob(
  ctx: JobContext,
  target: { image: string; commit: string; fromDeployment: string },
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
  return swapAndGate(ctx, { image: target.image, commit: target.commit, env });
}

/** Restart: `docker restart` of the app's container, then the health gate. */
export async function runRestartJob(ctx: JobContext): Promise<JobOutcome> {
  const { conn, log, app, settings } = ctx;
  const containers = await listAppContainers(conn, app.name);
  const current =
    containers.find(c => c.deployment === app.currentDeploymentId) ??
    containers[0];
  if (!current) {
    return {
      status: 'failed',
      diagnosis: `no container of app ${app.name} on host ${app.host}`,
    };
  }
  await log.step(`Restarting container ${current.name}`);
  await conn.exec(dockerRestart(current.id), { signal: ctx.signal });
  const gate = await waitUntilHealthy({
    target: {
      address: ctx.hosts.probeAddress(app.host),
      port: app.port,
      path: app.healthPath,
    },
    settings: settings.healthGate,
    signal: ctx.signal,
    inspect: () => inspectContainerState(conn, current.id),
    onAttempt: (attempt, result) => {
      if (!result.ok) void log.step(`Probe ${attempt}: ${result.error}`);
    },
  });
  if (!gate.ok) return { status: 'failed', diagnosis: gate.diagnosis };
  return {
    status: 'succeeded',
    summary: `restarted; GET ${app.healthPath} returned ${gate.probe.httpStatus}`,
  };
}

/** Destroy: remove the app's containers and images; the history stays in the database. */
export async function runDestroyJob(ctx: JobContext): Promise<JobOutcome> {
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

import { ConflictError } from '@backstage/errors';
import { ValidDeployRequest } from '@slipway/plugin-slipway-common';
import {
  dockerRemoveContainer,
  dockerRemoveImages,
  dockerRestart,
} from '@slipway/plugin-slipway-node';
import { imageExists, listAppImages } from '../hosts/images';
import { JobContext, JobOutcome } from './JobContext';
import { waitUntilHealthy } from './healthGate';
import {
  inspectContainerState,
  listAppContainers,
  readContainerEnv,
} from '../hosts/containers';
import { swapAndGate } from './swap';
import { runDeployJob } from './deployJob';

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

/**
 * Redeploy: the deploy pipeline for the app's recorded settings, with the env values read from
 * its current container (the one of its current deployment, running or stopped, else any
 * running one). Without such a container an app that has env vars is not redeployed: starting
 * it without them would replace a working configuration with a broken one.
 */
export async function runRedeployJob(
  ctx: JobContext,
  request: ValidDeployRequest,
  knownCommit: Promise<string | undefined>,
): Promise<JobOutcome> {
  const { conn, log, app } = ctx;
  let env: Record<string, string> = {};
  if (app.envNames.length) {
    const containers = await listAppContainers(conn, app.name);
    const source =
      containers.find(c => c.deployment === app.currentDeploymentId) ??
      containers.find(c => c.running);
    if (!source) {
      throw new ConflictError(
        `no container of app ${app.name} on host ${
          app.host
        } to carry its env vars (${app.envNames.join(
          ', ',
        )}) over from; deploy it with its env instead`,
      );
    }
    env = await readContainerEnv(conn, source.id, app.envNames);
    // Masked before anything can print them (a build echoing its environment, an error).
    log.addSecrets(Object.values(env));
    const missing = app.envNames.filter(n => !(n in env));
    await log.step(
      `Carrying ${Object.keys(env).length} env var(s) over from container ${
        source.name
      }${missing.length ? `; not set there: ${missing.join(', ')}` : ''}`,
    );
  }
  return runDeployJob(ctx, { ...request, env }, knownCommit);
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

import { ConflictError } from '@backstage/errors';
import { ValidDeployRequest } from '@slipway/plugin-slipway-common';
import { listAppContainers, readContainerEnv } from '../hosts/containers';
import { deployApp } from '../deploy/deployApp';
import { JobContext, JobOutcome } from '../deploy/JobContext';

/**
 * Redeploy: the deploy pipeline for the app's recorded settings, with the env values read from
 * its current container (the one of its current deployment, running or stopped, else any
 * running one). Without such a container an app that has env vars is not redeployed: starting
 * it without them would replace a working configuration with a broken one.
 */
export async function redeployApp(
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
  return deployApp(ctx, { ...request, env }, knownCommit);
}

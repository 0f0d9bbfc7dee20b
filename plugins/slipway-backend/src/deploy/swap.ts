import {
  Command,
  dockerRun,
  dockerStopAll,
  dockerStopRunningOfApp,
  envFileContent,
  inOneSession,
} from '@slipway/plugin-slipway-node';
import { AppContainer, listAppContainers } from '../hosts/containers';
import { imageExists } from '../hosts/images';
import { BuildStep } from './build';
import { containerName, JobContext } from './JobContext';
import { stepFailure } from './stepError';

/** A container the swap stopped: started again by a rollback, removed by the cleanup. */
export type PreviousContainer = Pick<AppContainer, 'id' | 'name'>;

export type SwapOptions = {
  image: string;
  commit: string;
  env: Record<string, string>;
  /** The app's containers, when the job has just read them. */
  running?: AppContainer[];
  /** A build to run first in the same session (the old version serves until it is done). */
  build?: BuildStep;
  /** Written to stdin before the env file (a git credential line the build chain reads). */
  stdinPrefix?: string;
  /**
   * Stop whatever of the app runs, found by label on the host in the same session, instead
   * of reading it first: one session less. The stopped ids come back in the output.
   */
  stopByLabel?: boolean;
};

export type SwapResult = {
  /** The new container's name. */
  container: string;
  previous: PreviousContainer[];
  /** Why the new container did not start; undefined when it runs. */
  notStarted?: string;
};

/**
 * Replaces the app's running container with one from the image: the old one is stopped (it
 * holds the host port) but kept until the new one passes the health gate. A failed build
 * throws (nothing was stopped: the current version still serves); a container that does not
 * start comes back as `notStarted`, for the rollback.
 */
export async function swapContainers(
  ctx: JobContext,
  opts: SwapOptions,
): Promise<SwapResult> {
  const { conn, log, app, deployment } = ctx;
  const container = containerName(app.name, deployment.id);
  let previous: PreviousContainer[] = opts.stopByLabel
    ? []
    : (opts.running ?? (await listAppContainers(conn, app.name))).filter(
        c => c.running && c.name !== container,
      );
  const printedIds: string[] = [];
  const stoppedByLabel = (sessionSucceeded: boolean) =>
    // `docker stop` echoes each stopped id; `docker run -d` prints the new one last.
    (sessionSucceeded ? printedIds.slice(0, -1) : printedIds).map(id => ({
      id,
      name: id.slice(0, 12),
    }));
  await opts.build?.begin();
  try {
    await conn.exec(
      inOneSession(
        ...(opts.build?.commands ?? []),
        ...stopAndRun(ctx, opts, container, previous),
      ),
      {
        stdin: `${opts.stdinPrefix ?? ''}${envFileContent(opts.env)}`,
        signal: ctx.signal,
        timeoutMs: opts.build ? ctx.settings.buildTimeoutMs : undefined,
        onLine: (stream, line) => {
          if (stream === 'stdout' && /^[0-9a-f]{64}$/.test(line))
            printedIds.push(line);
          log.output(stream, line);
        },
      },
    );
    if (opts.stopByLabel) previous = stoppedByLabel(true);
  } catch (error) {
    if (opts.stopByLabel) previous = stoppedByLabel(false);
    if (opts.build && !(await imageExists(conn, opts.image))) {
      // The build failed: nothing was stopped, the current version still serves.
      throw stepFailure(opts.build.step, app.host, error);
    }
    const why = stepFailure('docker run', app.host, error).message;
    return {
      container,
      previous,
      notStarted: `the container did not start: ${why}`,
    };
  }
  await opts.build?.built();
  await logSwapped(ctx, opts.image, container, previous);
  return { container, previous };
}

function stopAndRun(
  ctx: JobContext,
  opts: SwapOptions,
  container: string,
  previous: PreviousContainer[],
): Command[] {
  const { app, deployment } = ctx;
  const run = dockerRun({
    name: container,
    image: opts.image,
    hostPort: app.port,
    containerPort: app.containerPort,
    labels: { app: app.name, deployment: deployment.id, commit: opts.commit },
    envFromStdin: true,
    memory: app.memory ?? undefined,
    cpus: app.cpus ?? undefined,
  });
  if (opts.stopByLabel) return [dockerStopRunningOfApp(app.name), run];
  return previous.length
    ? [dockerStopAll(previous.map(c => c.id)), run]
    : [run];
}

async function logSwapped(
  ctx: JobContext,
  image: string,
  container: string,
  previous: PreviousContainer[],
): Promise<void> {
  const { log, app } = ctx;
  for (const old of previous) {
    await log.step(
      `Stopped the previous container ${old.name} (it held port ${app.port})`,
    );
  }
  const limits = [
    app.memory && `memory ${app.memory}`,
    app.cpus && `cpus ${app.cpus}`,
  ].filter(Boolean);
  await log.step(
    `Started ${container} from ${image} on port ${app.port} -> ${
      app.containerPort
    } (restart policy unless-stopped${
      limits.length ? `; limits: ${limits.join(', ')}` : ''
    })`,
  );
  await ctx.store.deployments.updateDeployment(ctx.deployment.id, {
    container,
  });
}

import {
  dockerLogsTail,
  dockerRemoveContainer,
  dockerRemoveImages,
  dockerRun,
  dockerStart,
  dockerStopAll,
  dockerStopRunningOfApp,
  envFileContent,
  inOneSession,
  Command,
} from '@slipway/plugin-slipway-node';
import {
  AppContainer,
  inspectContainerState,
  listAppContainers,
} from '../hosts/containers';
import { imageExists, listAppImages } from '../hosts/images';
import { stepFailure } from './stepError';
import { waitUntilHealthy } from './healthGate';
import { containerName, JobContext, JobOutcome } from './JobContext';

/** How many of the new container's last log lines go into a failed deployment's log. */
const LOG_TAIL_LINES = 20;

/**
 * Replaces the app's running container with one from `image` and proves it healthy. The old
 * container is stopped (it holds the host port) but kept until the new one passes the health
 * gate; on failure the new one is removed and the old one started again. Removing the old
 * container and pruning images happen after the outcome is recorded (`afterwards`).
 */
export async function swapAndGate(
  ctx: JobContext,
  opts: {
    image: string;
    commit: string;
    env: Record<string, string>;
    running?: AppContainer[];
    /** A build to run first in the same session (the old version serves until it is done). */
    build?: { command: Command; onBuilt: () => Promise<void>; step?: string };
    /** Written to stdin before the env file (a git credential line the build chain reads). */
    stdinPrefix?: string;
    /**
     * Stop whatever of the app runs, found by label on the host in the same session, instead
     * of reading it first: one session less. The stopped ids come back in the output.
     */
    stopByLabel?: boolean;
  },
): Promise<JobOutcome> {
  const { conn, log, app, deployment, settings } = ctx;
  const name = containerName(app.name, deployment.id);
  let previous: Pick<AppContainer, 'id' | 'name'>[] = opts.stopByLabel
    ? []
    : (opts.running ?? (await listAppContainers(conn, app.name))).filter(
        c => c.running && c.name !== name,
      );
  const fullIds: string[] = [];
  const stoppedByLabel = (sessionSucceeded: boolean) =>
    // `docker stop` echoes each stopped id; `docker run -d` prints the new one last.
    (sessionSucceeded ? fullIds.slice(0, -1) : fullIds).map(id => ({
      id,
      name: id.slice(0, 12),
    }));

  const restorePrevious = async (why: string): Promise<JobOutcome> => {
    await log.step(`Removing the new container ${name}`);
    await conn.exec(dockerRemoveContainer(name), { allowFailure: true });
    if (previous.length === 0) {
      return { status: 'failed', diagnosis: why, nothingServing: true };
    }
    for (const old of previous) {
      await log.step(
        `Rolling back: starting the previous container ${old.name} again`,
      );
      await conn.exec(dockerStart(old.id), { allowFailure: true });
    }
    return {
      status: 'rolled_back',
      diagnosis: `${why}; the previous version (${previous[0].name}) is serving again`,
    };
  };

  const run = dockerRun({
    name,
    image: opts.image,
    hostPort: app.port,
    containerPort: app.containerPort,
    labels: { app: app.name, deployment: deployment.id, commit: opts.commit },
    envFromStdin: true,
  });
  let stopAndRun = previous.length
    ? [dockerStopAll(previous.map(c => c.id)), run]
    : [run];
  if (opts.stopByLabel) stopAndRun = [dockerStopRunningOfApp(app.name), run];
  const started = Date.now();
  if (opts.build) {
    await log.step(
      `Building image ${opts.image} (the current version keeps serving meanwhile)`,
    );
  }
  try {
    await conn.exec(
      opts.build
        ? inOneSession(opts.build.command, ...stopAndRun)
        : inOneSession(...stopAndRun),
      {
        stdin: `${opts.stdinPrefix ?? ''}${envFileContent(opts.env)}`,
        signal: ctx.signal,
        timeoutMs: opts.build ? settings.buildTimeoutMs : undefined,
        onLine: (stream, line) => {
          if (stream === 'stdout' && /^[0-9a-f]{64}$/.test(line))
            fullIds.push(line);
          log.output(stream, line);
        },
      },
    );
    if (opts.stopByLabel) previous = stoppedByLabel(true);
  } catch (error) {
    if (opts.stopByLabel) previous = stoppedByLabel(false);
    if (opts.build && !(await imageExists(conn, opts.image))) {
      // The build failed: nothing was stopped, the current version still serves.
      throw stepFailure(opts.build.step ?? 'docker build', app.host, error);
    }
    return restorePrevious(
      `the container did not start: ${
        stepFailure('docker run', app.host, error).message
      }`,
    );
  }
  if (opts.build) {
    await opts.build.onBuilt();
    await log.step(
      `Built ${opts.image} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  for (const old of previous) {
    await log.step(
      `Stopped the previous container ${old.name} (it held port ${app.port})`,
    );
  }
  await log.step(
    `Started ${name} from ${opts.image} on port ${app.port} -> ${app.containerPort} (restart policy unless-stopped)`,
  );
  await ctx.store.deployments.updateDeployment(deployment.id, {
    container: name,
  });

  const address = ctx.hosts.probeAddress(app.host);
  await log.step(
    `Health gate: GET http://${address}:${app.port}${app.healthPath}, up to ${
      settings.healthGate.deadlineMs / 1000
    } s, ${settings.healthGate.probeTimeoutMs / 1000} s per probe`,
  );
  let gate;
  try {
    gate = await waitUntilHealthy({
      target: { address, port: app.port, path: app.healthPath },
      settings: settings.healthGate,
      signal: ctx.signal,
      inspect: () => inspectContainerState(conn, name),
      onAttempt: (attempt, result) => {
        if (!result.ok) void log.step(`Probe ${attempt}: ${result.error}`);
      },
    });
  } catch (error) {
    if (ctx.signal.aborted) {
      const outcome = await restorePrevious('cancelled during the health gate');
      return { ...outcome, status: 'cancelled' } as JobOutcome;
    }
    throw error;
  }

  if (!gate.ok) {
    await log.step(
      `Unhealthy: ${gate.diagnosis}. Last ${LOG_TAIL_LINES} lines of the container's output:`,
    );
    const tail = await conn.exec(dockerLogsTail(name, LOG_TAIL_LINES), {
      allowFailure: true,
    });
    const lines = `${tail.stdout}${tail.stderr}`.split('\n').filter(Boolean);
    for (const line of lines) log.output('stdout', line);
    const withLogs = lines.length
      ? `${gate.diagnosis}\nlast output:\n${lines
          .slice(-LOG_TAIL_LINES)
          .join('\n')}`
      : gate.diagnosis;
    return restorePrevious(log.redact(withLogs));
  }

  await log.step(
    `Healthy after ${gate.attempts} probe(s): GET ${app.healthPath} returned ${gate.probe.httpStatus} in ${gate.probe.latencyMs} ms`,
  );
  return {
    status: 'succeeded',
    summary: `GET ${app.healthPath} returned ${gate.probe.httpStatus} in ${gate.probe.latencyMs} ms`,
    afterwards: () => removeLeftovers(ctx, name, opts.image),
  };
}

/**
 * After a successful swap: the previous containers go (their images stay for rollback), and
 * images beyond the newest `keepImages` are pruned. Stopped leftovers of failed versions go
 * too: a stale one would confuse reading the host's state back.
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

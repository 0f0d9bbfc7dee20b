import path from 'node:path';
import {
  checkInsideDir,
  Command,
  dockerBuild,
  removeDirectory,
} from '@slipway/plugin-slipway-node';
import { JobContext } from './JobContext';

/**
 * The build, run at the start of the swap's session: the running version keeps serving until it
 * is done, and the session saves the host a login shell.
 */
export type BuildStep = {
  /** The clone's commands when they share the session, then `docker build` and the clone's removal. */
  commands: Command[];
  /** How a failure is reported ("docker build failed on host ..."). */
  step: string;
  /** Logged before the session starts. */
  begin(): Promise<void>;
  /** After the session: the image is recorded on the deployment. */
  built(): Promise<void>;
};

export function buildStep(
  ctx: JobContext,
  opts: {
    dir: string;
    image: string;
    commit: string;
    /** The clone's commands, when the clone shares the build's session. */
    clone?: Command[];
    /** Called once the session has built the image and removed the clone. */
    onBuilt: () => void;
  },
): BuildStep {
  const { app, deployment, log } = ctx;
  const inRepo = [app.context, app.dockerfile].filter((p): p is string => !!p);
  let started = 0;
  return {
    commands: [
      ...(opts.clone ?? []),
      // The schema keeps these paths in the repo by their text; symlinks are checked here.
      ...(inRepo.length ? [checkInsideDir(opts.dir, inRepo)] : []),
      dockerBuild({
        tag: opts.image,
        contextDir: app.context
          ? path.posix.join(opts.dir, app.context)
          : opts.dir,
        // Relative to the repo's root, as `docker build -f` run from there reads it.
        dockerfile: app.dockerfile
          ? path.posix.join(opts.dir, app.dockerfile)
          : undefined,
        labels: {
          app: app.name,
          deployment: deployment.id,
          commit: opts.commit,
        },
      }),
      removeDirectory(opts.dir),
    ],
    step: opts.clone ? 'git clone and docker build' : 'docker build',
    begin: async () => {
      started = Date.now();
      const where = [
        app.context && `context ${app.context}`,
        app.dockerfile && `Dockerfile ${app.dockerfile}`,
      ].filter(Boolean);
      await log.step(
        `Building image ${opts.image}${
          where.length ? ` (${where.join(', ')})` : ''
        } (the current version keeps serving meanwhile)`,
      );
    },
    built: async () => {
      opts.onBuilt();
      await ctx.store.deployments.updateDeployment(deployment.id, {
        image: opts.image,
      });
      await log.step(
        `Built ${opts.image} in ${((Date.now() - started) / 1000).toFixed(
          1,
        )} s`,
      );
    },
  };
}

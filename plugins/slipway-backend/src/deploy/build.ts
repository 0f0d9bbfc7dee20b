import {
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
  let started = 0;
  return {
    commands: [
      ...(opts.clone ?? []),
      dockerBuild({
        tag: opts.image,
        contextDir: opts.dir,
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
      await log.step(
        `Building image ${opts.image} (the current version keeps serving meanwhile)`,
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

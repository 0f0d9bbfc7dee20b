import { ValidDeployRequest } from '@slipway/plugin-slipway-common';
import {
  dockerBuild,
  gitClone,
  gitRevParseHead,
  inOneSession,
  makeDirectory,
  removeDirectory,
  withGitAuthFromStdin,
} from '@slipway/plugin-slipway-node';
import path from 'node:path';
import { listAppContainers } from './hostState';
import { imageRef, JobContext, JobOutcome, shortId } from './JobContext';
import { stepFailure } from './stepError';
import { swapAndGate } from './swap';

/**
 * Deploy: clone the repo at the ref on the host (recording the commit), build the image while
 * the old container keeps serving, then swap and gate. Steps that always go together share one
 * SSH session, since each session costs the host a login shell.
 */
export async function runDeployJob(
  ctx: JobContext,
  request: ValidDeployRequest,
): Promise<JobOutcome> {
  const { conn, log, app, deployment, settings } = ctx;
  const root = ctx.hosts.workRoot(app.host, settings.workDir);
  const dir = path.posix.join(
    root,
    'builds',
    `${app.name}-${shortId(deployment.id)}`,
  );
  const streamed = {
    onLine: (stream: 'stdout' | 'stderr', line: string) =>
      log.output(stream, line),
    signal: ctx.signal,
  };
  let cloneRemoved = false;

  try {
    await log.step(
      `Cloning ${request.repo}${
        request.ref ? ` at ${request.ref}` : ''
      } on host ${app.host}`,
    );
    // What runs now is read while the repo is cloned, off the critical path.
    const running = listAppContainers(conn, app.name);
    running.catch(() => undefined);
    const clone = gitClone({ repo: request.repo, dir, ref: request.ref });
    // The last line of output is the commit: `rev-parse` runs last in the session.
    const cloned = await conn
      .exec(
        inOneSession(
          makeDirectory(path.posix.dirname(dir)),
          removeDirectory(dir),
          ctx.gitAuth ? withGitAuthFromStdin(clone) : clone,
          gitRevParseHead(dir),
        ),
        ctx.gitAuth
          ? { ...streamed, stdin: `${ctx.gitAuth.header}\n` }
          : streamed,
      )
      .catch(error => {
        throw stepFailure('git clone', app.host, error);
      });
    const commit = cloned.stdout.trim().split('\n').pop() ?? '';
    if (!/^[0-9a-f]{40,64}$/.test(commit))
      throw new Error(`git did not report a commit (got "${commit}")`);
    await ctx.store.updateDeployment(deployment.id, { commitSha: commit });
    await log.step(`Checked out commit ${commit}`);

    const image = imageRef(app.name, deployment.id);
    // From here the build session removes the clone; a failed build leaves it to `finally`.
    return await swapAndGate(ctx, {
      image,
      commit,
      env: request.env,
      running: await running,
      // The build shares the swap's session: one login shell less on the host.
      build: {
        command: inOneSession(
          dockerBuild({
            tag: image,
            contextDir: dir,
            labels: { app: app.name, deployment: deployment.id, commit },
          }),
          removeDirectory(dir),
        ),
        onBuilt: async () => {
          cloneRemoved = true;
          await ctx.store.updateDeployment(deployment.id, { image });
        },
      },
    });
  } finally {
    if (!cloneRemoved) {
      await conn
        .exec(removeDirectory(dir), { allowFailure: true })
        .catch(() => undefined);
    }
  }
}

import { ValidDeployRequest } from '@slipway/plugin-slipway-common';
import {
  dockerBuild,
  gitClone,
  gitRevParseHead,
  makeDirectory,
  removeDirectory,
  withGitAuthFromStdin,
} from '@slipway/plugin-slipway-node';
import path from 'node:path';
import { imageRef, JobContext, JobOutcome, shortId } from './JobContext';
import { swapAndGate } from './swap';

/**
 * Deploy: clone the repo at the ref on the host (recording the commit), build the image while
 * the old container keeps serving, then swap and gate. The clone is removed after the build.
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

  try {
    await log.step(
      `Cloning ${request.repo}${
        request.ref ? ` at ${request.ref}` : ''
      } on host ${app.host}`,
    );
    await conn.exec(makeDirectory(path.posix.dirname(dir)), {
      signal: ctx.signal,
    });
    await conn.exec(removeDirectory(dir), { signal: ctx.signal });
    const clone = gitClone({ repo: request.repo, dir, ref: request.ref });
    await conn.exec(
      ctx.gitAuth ? withGitAuthFromStdin(clone) : clone,
      ctx.gitAuth
        ? { ...streamed, stdin: `${ctx.gitAuth.header}\n` }
        : streamed,
    );
    const commit = (
      await conn.exec(gitRevParseHead(dir), { signal: ctx.signal })
    ).stdout.trim();
    await ctx.store.updateDeployment(deployment.id, { commitSha: commit });
    await log.step(`Checked out commit ${commit}`);

    const image = imageRef(app.name, deployment.id);
    await log.step(
      `Building image ${image} (the current version keeps serving meanwhile)`,
    );
    const started = Date.now();
    await conn.exec(
      dockerBuild({
        tag: image,
        contextDir: dir,
        labels: { app: app.name, deployment: deployment.id, commit },
      }),
      { ...streamed, timeoutMs: settings.buildTimeoutMs },
    );
    await ctx.store.updateDeployment(deployment.id, { image });
    await log.step(
      `Built ${image} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    return await swapAndGate(ctx, { image, commit, env: request.env });
  } finally {
    await conn
      .exec(removeDirectory(dir), { allowFailure: true })
      .catch(() => undefined);
  }
}

import { ValidDeployRequest } from '@slipway/plugin-slipway-common';
import {
  dockerBuild,
  dockerPsByApp,
  gitCheckoutDetached,
  gitClone,
  gitRevParseHead,
  inOneSession,
  makeDirectory,
  removeDirectory,
  withGitAuthFromStdin,
} from '@slipway/plugin-slipway-node';
import path from 'node:path';
import { parseAppContainers } from '../hosts/containers';
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
  /** The commit the ref names, when the backend could ask the repo (see resolveCommit). */
  knownCommit: Promise<string | undefined> = Promise.resolve(undefined),
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
    const known = await knownCommit;
    if (known) {
      // The whole deploy in one session: clone at the known commit, build, stop, run.
      await log.step(
        `Resolved ${request.ref ?? 'the default branch'} of ${
          request.repo
        } to commit ${known}`,
      );
      await ctx.store.deployments.updateDeployment(deployment.id, {
        commitSha: known,
      });
      await log.step(`Cloning at commit ${known} on host ${app.host}`);
      const image = imageRef(app.name, deployment.id);
      const clone = gitClone({ repo: request.repo, dir, ref: request.ref });
      return await swapAndGate(ctx, {
        image,
        commit: known,
        env: request.env,
        stopByLabel: true,
        stdinPrefix: ctx.gitAuth ? `${ctx.gitAuth.header}\n` : undefined,
        build: {
          step: 'git clone and docker build',
          command: inOneSession(
            makeDirectory(path.posix.dirname(dir)),
            removeDirectory(dir),
            ctx.gitAuth ? withGitAuthFromStdin(clone) : clone,
            gitCheckoutDetached(dir, known),
            dockerBuild({
              tag: image,
              contextDir: dir,
              labels: {
                app: app.name,
                deployment: deployment.id,
                commit: known,
              },
            }),
            removeDirectory(dir),
          ),
          onBuilt: async () => {
            cloneRemoved = true;
            await ctx.store.deployments.updateDeployment(deployment.id, {
              image,
            });
          },
        },
      });
    }

    await log.step(
      `Cloning ${request.repo}${
        request.ref ? ` at ${request.ref}` : ''
      } on host ${app.host}`,
    );
    const clone = gitClone({ repo: request.repo, dir, ref: request.ref });
    // One session: the clone, its commit (a line of its own), and what runs now (JSON lines).
    const cloned = await conn
      .exec(
        inOneSession(
          makeDirectory(path.posix.dirname(dir)),
          removeDirectory(dir),
          ctx.gitAuth ? withGitAuthFromStdin(clone) : clone,
          gitRevParseHead(dir),
          dockerPsByApp(app.name),
        ),
        {
          ...streamed,
          // git's progress and errors go to the log; the commit and docker's JSON are data.
          onLine: (stream, line) => {
            if (stream === 'stderr' || !/^(\{|[0-9a-f]{40})/.test(line))
              log.output(stream, line);
          },
          ...(ctx.gitAuth ? { stdin: `${ctx.gitAuth.header}\n` } : {}),
        },
      )
      .catch(error => {
        throw stepFailure('git clone', app.host, error);
      });
    const lines = cloned.stdout.trim().split('\n');
    const commit =
      lines.find(line => /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(line)) ?? '';
    if (!commit)
      throw new Error(`git did not report a commit (got "${lines[0] ?? ''}")`);
    const running = parseAppContainers(cloned.stdout);
    await ctx.store.deployments.updateDeployment(deployment.id, {
      commitSha: commit,
    });
    await log.step(`Checked out commit ${commit}`);

    const image = imageRef(app.name, deployment.id);
    // From here the build session removes the clone; a failed build leaves it to `finally`.
    return await swapAndGate(ctx, {
      image,
      commit,
      env: request.env,
      running,
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
          await ctx.store.deployments.updateDeployment(deployment.id, {
            image,
          });
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

import { ValidDeployRequest } from '@slipway/plugin-slipway-common';
import {
  Command,
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
import { AppContainer, parseAppContainers } from '../hosts/containers';
import { JobContext, shortId } from './JobContext';
import { stepFailure } from './stepError';

/** The job's clone on the host: `<workDir>/builds/<app>-<id>`. */
export function cloneDir(ctx: JobContext): string {
  const root = ctx.hosts.workRoot(ctx.app.host, ctx.settings.workDir);
  return path.posix.join(
    root,
    'builds',
    `${ctx.app.name}-${shortId(ctx.deployment.id)}`,
  );
}

/** What the clone's session reads on stdin first: a private repo's credential line. */
export function gitAuthInput(ctx: JobContext): string | undefined {
  return ctx.gitAuth ? `${ctx.gitAuth.header}\n` : undefined;
}

function cloneCommands(
  ctx: JobContext,
  request: ValidDeployRequest,
  dir: string,
): Command[] {
  const clone = gitClone({ repo: request.repo, dir, ref: request.ref });
  return [
    makeDirectory(path.posix.dirname(dir)),
    removeDirectory(dir),
    ctx.gitAuth ? withGitAuthFromStdin(clone) : clone,
  ];
}

/**
 * The clone at a commit the backend already knows (see resolveCommit), as commands for the
 * build's session: nothing has to come back from the host before the build, so the whole
 * deploy runs in one session.
 */
export async function cloneAtCommit(
  ctx: JobContext,
  request: ValidDeployRequest,
  dir: string,
  commit: string,
): Promise<Command[]> {
  const { log, app, deployment } = ctx;
  await log.step(
    `Resolved ${request.ref ?? 'the default branch'} of ${
      request.repo
    } to commit ${commit}`,
  );
  await ctx.store.deployments.updateDeployment(deployment.id, {
    commitSha: commit,
  });
  await log.step(`Cloning at commit ${commit} on host ${app.host}`);
  return [
    ...cloneCommands(ctx, request, dir),
    gitCheckoutDetached(dir, commit),
  ];
}

/**
 * The clone in a session of its own, the host resolving the ref: one session for the clone, its
 * commit (a line of its own), and the app's containers (JSON lines) the swap will stop.
 */
export async function cloneOnHost(
  ctx: JobContext,
  request: ValidDeployRequest,
  dir: string,
): Promise<{ commit: string; running: AppContainer[] }> {
  const { conn, log, app, deployment } = ctx;
  await log.step(
    `Cloning ${request.repo}${
      request.ref ? ` at ${request.ref}` : ''
    } on host ${app.host}`,
  );
  const auth = gitAuthInput(ctx);
  const cloned = await conn
    .exec(
      inOneSession(
        ...cloneCommands(ctx, request, dir),
        gitRevParseHead(dir),
        dockerPsByApp(app.name),
      ),
      {
        signal: ctx.signal,
        // git's progress and errors go to the log; the commit and docker's JSON are data.
        onLine: (stream, line) => {
          if (stream === 'stderr' || !/^(\{|[0-9a-f]{40})/.test(line))
            log.output(stream, line);
        },
        ...(auth ? { stdin: auth } : {}),
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
  await ctx.store.deployments.updateDeployment(deployment.id, {
    commitSha: commit,
  });
  await log.step(`Checked out commit ${commit}`);
  return { commit, running: parseAppContainers(cloned.stdout) };
}

/** Removes the clone when the build's session did not get to it. */
export async function removeClone(ctx: JobContext, dir: string): Promise<void> {
  await ctx.conn
    .exec(removeDirectory(dir), { allowFailure: true })
    .catch(() => undefined);
}

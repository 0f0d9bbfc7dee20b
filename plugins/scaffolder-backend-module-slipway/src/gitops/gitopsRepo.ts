import { ConflictError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, SimpleGit } from 'simple-git';
import type { GitOpsCredentials } from './target';
import type { RenderedFile } from './renderIac';
import {
  CONFIG_PATH_ENV,
  gitEnvironment,
  type GitIdentity,
  scrubSecrets,
  secretsOf,
} from './gitEnv';

// The environment, identity and secret helpers live in gitEnv.ts; re-exported for importers.
export type { GitIdentity } from './gitEnv';
export { gitEnvironment, gitIdentity, scrubSecrets, secretsOf } from './gitEnv';

/** A change staged under the IaC folder, as `git diff --name-status` reports it. */
export type FileChange = { status: string; path: string };

class GitCommandError extends Error {
  constructor(message: string, readonly output: string) {
    super(message);
    this.name = 'GitCommandError';
  }
}

/** The lines of git's output that say why a push failed (hook output and ref status). */
function pushFailureDetail(output: string): string {
  const lines = output
    .split('\n')
    .map(l => l.trimEnd())
    .filter(l =>
      /^(remote:|\s*!|error:|fatal:|hint: Updates were rejected)/.test(l),
    );
  return (lines.length ? lines : output.split('\n').slice(-5))
    .map(l => l.trim())
    .filter(Boolean)
    .join('\n');
}

/** A non-fast-forward rejection: someone pushed to the branch after we cloned. */
function isStaleRejection(output: string): boolean {
  return /!\s+\[rejected\].*\((fetch first|non-fast-forward)\)/.test(output);
}

/**
 * A shallow clone of the GitOps repository in a temporary folder, driven through simple-git.
 * Every git error is rethrown with the credentials scrubbed from its text.
 */
export class GitOpsRepo {
  private cloned = '';

  private constructor(
    readonly dir: string,
    private readonly git: SimpleGit,
    private readonly secrets: string[],
  ) {}

  /** Clones `branch` (or the remote's default branch) of `remoteUrl` into the empty folder `dir`. */
  static async clone(options: {
    dir: string;
    remoteUrl: string;
    branch?: string;
    credentials?: GitOpsCredentials;
    author: GitIdentity;
    committer: GitIdentity;
    env?: NodeJS.ProcessEnv;
  }): Promise<GitOpsRepo> {
    const base = options.env ?? process.env;
    const env = gitEnvironment({
      base,
      credentials: options.credentials,
      author: options.author,
      committer: options.committer,
    });
    const git = simpleGit({
      baseDir: options.dir,
      maxConcurrentProcesses: 1,
      timeout: { block: 5 * 60_000 },
      unsafe: {
        // Our own GIT_CONFIG_* entries carry the auth header; the paths below are the
        // operator's, inherited from the backend's environment.
        allowUnsafeConfigEnvCount: true,
        allowUnsafeConfigPaths: CONFIG_PATH_ENV.some(k => env[k] !== undefined),
      },
      // simple-git only fails a command that wrote to stderr; a non-zero exit is a failure.
      errors: (error, result) => {
        if (error) return error;
        if (result.exitCode) {
          return Buffer.concat([...result.stdOut, ...result.stdErr]);
        }
        return undefined;
      },
    }).env(env);
    const repo = new GitOpsRepo(
      options.dir,
      git,
      secretsOf(options.credentials),
    );
    await repo.run(
      [
        'clone',
        '--quiet',
        '--depth',
        '1',
        '--no-tags',
        ...(options.branch ? ['--branch', options.branch] : []),
        '--',
        options.remoteUrl,
        '.',
      ],
      `Cannot clone ${options.remoteUrl}${
        options.branch ? ` (branch ${options.branch})` : ''
      }`,
    );
    repo.cloned = (
      await repo.run(
        ['symbolic-ref', '--quiet', '--short', 'HEAD'],
        'Cannot read the default branch of the clone',
      )
    ).trim();
    try {
      await repo.head();
    } catch {
      throw new Error(
        `${options.remoteUrl} has no commits on ${repo.cloned}; push an initial commit first`,
      );
    }
    return repo;
  }

  /** The branch that was cloned: the requested one, or the remote's default branch. */
  get branch(): string {
    return this.cloned;
  }

  private async run(args: string[], what: string): Promise<string> {
    try {
      return await this.git.raw(args);
    } catch (e) {
      const output = scrubSecrets(
        String((e as Error)?.message ?? e),
        this.secrets,
      );
      throw new GitCommandError(`${what}: ${output.trim()}`, output);
    }
  }

  async head(): Promise<string> {
    return (
      await this.run(['rev-parse', '--verify', 'HEAD'], 'Cannot read HEAD')
    ).trim();
  }

  /**
   * Writes the files below the clone. Each path component is checked with lstat, so a symbolic
   * link committed to the GitOps repository cannot redirect a write outside the clone.
   */
  async writeFiles(files: RenderedFile[]): Promise<void> {
    for (const file of files) {
      const segments = file.path.split('/');
      let current = this.dir;
      for (const [index, segment] of segments.entries()) {
        current = path.join(current, segment);
        const shown = segments.slice(0, index + 1).join('/');
        const stat = await fs.lstat(current).catch(() => undefined);
        const last = index === segments.length - 1;
        if (!last) {
          if (!stat) await fs.mkdir(current);
          else if (!stat.isDirectory()) {
            throw new Error(
              `${shown} exists in the GitOps repository and is not a folder (symbolic links are not followed)`,
            );
          }
        } else if (stat && !stat.isFile()) {
          throw new Error(
            `${shown} exists in the GitOps repository and is not a regular file (symbolic links are not followed)`,
          );
        }
      }
      await fs.writeFile(current, file.content, 'utf8');
    }
  }

  /** Stages the files and returns what differs from HEAD below `folder`. */
  async stage(files: RenderedFile[], folder: string): Promise<FileChange[]> {
    await this.run(['add', '--', ...files.map(f => f.path)], 'git add failed');
    const out = await this.run(
      ['diff', '--cached', '--name-status', '--no-renames', '--', folder],
      'git diff failed',
    );
    return out
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [status, ...rest] = line.split('\t');
        return { status, path: rest.join('\t') };
      });
  }

  async createBranch(name: string): Promise<void> {
    await this.run(
      ['checkout', '--quiet', '-b', name],
      `Cannot create branch ${name}`,
    );
  }

  /** Commits what is staged; author and committer come from the environment. */
  async commit(message: string): Promise<string> {
    await this.run(
      ['commit', '--quiet', '--no-verify', '--cleanup=strip', '-m', message],
      'git commit failed',
    );
    return this.head();
  }

  /**
   * Pushes HEAD to `branch`. With `rebaseOnce`, a non-fast-forward rejection (someone pushed
   * since the clone) fetches the branch, rebases onto it and pushes again; a rebase conflict
   * is aborted and reported with the conflicting files. A push is atomic per ref, so a
   * rejected push leaves the remote as it was.
   */
  async push(branch: string, options: { rebaseOnce?: boolean } = {}) {
    const refspec = `HEAD:refs/heads/${branch}`;
    try {
      await this.run(['push', '--quiet', 'origin', refspec], 'git push failed');
      return;
    } catch (e) {
      const output = e instanceof GitCommandError ? e.output : String(e);
      if (!(options.rebaseOnce && isStaleRejection(output))) {
        throw this.pushError(branch, output);
      }
    }

    await this.run(
      ['fetch', '--quiet', '--no-tags', 'origin', branch],
      `Cannot fetch ${branch} after the push was rejected`,
    );
    try {
      await this.run(
        ['rebase', '--quiet', 'FETCH_HEAD'],
        `Cannot rebase onto ${branch}`,
      );
    } catch (e) {
      const conflicted = (
        await this.run(
          ['diff', '--name-only', '--diff-filter=U'],
          'git diff failed',
        ).catch(() => '')
      )
        .split('\n')
        .filter(Boolean);
      await this.run(['rebase', '--abort'], 'git rebase --abort failed').catch(
        () => undefined,
      );
      if (conflicted.length) {
        throw new ConflictError(
          `Someone pushed to ${branch} while this change was being made, and it conflicts: merge conflict in ${conflicted.join(
            ', ',
          )}. Nothing was pushed; run the template again on the new ${branch}.`,
        );
      }
      throw e;
    }
    try {
      await this.run(['push', '--quiet', 'origin', refspec], 'git push failed');
    } catch (e) {
      const output = e instanceof GitCommandError ? e.output : String(e);
      if (isStaleRejection(output)) {
        throw new ConflictError(
          `${branch} kept moving while this change was pushed (rejected twice); nothing was pushed, run the template again`,
        );
      }
      throw this.pushError(branch, output);
    }
  }

  private pushError(branch: string, output: string): Error {
    if (isStaleRejection(output)) {
      return new ConflictError(
        `The push to ${branch} was rejected because ${branch} already exists with other commits:\n${pushFailureDetail(
          output,
        )}`,
      );
    }
    return new Error(
      `The push to ${branch} was rejected by the remote; nothing was pushed:\n${pushFailureDetail(
        output,
      )}`,
    );
  }

  async deleteRemoteBranch(branch: string): Promise<void> {
    await this.run(
      ['push', '--quiet', 'origin', '--delete', `refs/heads/${branch}`],
      `Cannot delete branch ${branch}`,
    );
  }
}

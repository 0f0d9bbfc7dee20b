import { commitFromLsRemote, gitLsRemote } from '@slipway/plugin-slipway-node';
import { execFile } from 'node:child_process';
import { GitAuth } from './gitCredentials';

/**
 * Asks the repo, from the backend, which commit the ref names (`git ls-remote`). Knowing the
 * commit up front lets the whole deploy run in one SSH session on the host. Any failure (no git
 * here, a repo only the host can reach, an ssh URL without keys) returns undefined and the
 * deploy resolves the ref on the host instead.
 */
export function resolveCommit(
  repo: string,
  ref: string | undefined,
  auth?: GitAuth,
): Promise<string | undefined> {
  const [file, ...args] = gitLsRemote(repo, ref);
  return new Promise(resolve => {
    execFile(
      file,
      args,
      {
        timeout: 10_000,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
          // The credential reaches git through its environment, never argv.
          ...(auth
            ? {
                GIT_CONFIG_COUNT: '1',
                GIT_CONFIG_KEY_0: 'http.extraHeader',
                GIT_CONFIG_VALUE_0: auth.header,
              }
            : {}),
        },
      },
      (error, stdout) =>
        resolve(error ? undefined : commitFromLsRemote(String(stdout), ref)),
    );
  });
}

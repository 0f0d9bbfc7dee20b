import { Command } from './quote';

/**
 * Git commands run on a host. `--` ends option parsing before every user-supplied value, and
 * `protocol.allow` limits transports so a repo URL can never name `ext::` or `file::`.
 */
const SAFE_GIT = [
  'git',
  '-c',
  'protocol.allow=never',
  '-c',
  'protocol.https.allow=always',
  '-c',
  'protocol.http.allow=always',
  '-c',
  'protocol.ssh.allow=always',
];

export function gitClone(opts: {
  repo: string;
  dir: string;
  ref?: string;
}): Command {
  return [
    ...SAFE_GIT,
    'clone',
    '--quiet',
    '--no-tags',
    '--single-branch',
    ...(opts.ref ? ['--branch', opts.ref] : []),
    '--',
    opts.repo,
    opts.dir,
  ];
}

export function gitRevParseHead(dir: string): Command {
  return ['git', '-C', dir, 'rev-parse', '--verify', 'HEAD^{commit}'];
}

/**
 * Runs a git command with an HTTP `Authorization` header read from stdin and handed to git
 * through GIT_CONFIG_* environment variables (git 2.31+): the credential never appears in argv,
 * so not in `ps` on the host, nor in any log. The script text is constant; the command travels
 * as positional parameters.
 */
export const GIT_AUTH_FROM_STDIN =
  'IFS= read -r h; GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader GIT_CONFIG_VALUE_0="$h" exec "$@"';

export function withGitAuthFromStdin(command: Command): Command {
  return ['sh', '-c', GIT_AUTH_FROM_STDIN, 'sh', ...command];
}

/** Asks the remote which commit a branch or tag (or HEAD) points at, without cloning. */
export function gitLsRemote(repo: string, ref?: string): Command {
  return [...SAFE_GIT, 'ls-remote', '--', repo, ref ?? 'HEAD'];
}

/**
 * The commit `ref` names in `git ls-remote` output: the branch, else the (peeled) tag, else
 * HEAD when no ref is given. Undefined when the output does not name it.
 */
export function commitFromLsRemote(
  output: string,
  ref?: string,
): string | undefined {
  const refs = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [sha, name] = line.trim().split('\t');
    if (sha && name && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha))
      refs.set(name, sha);
  }
  const candidates = ref
    ? [`refs/heads/${ref}`, `refs/tags/${ref}^{}`, `refs/tags/${ref}`, ref]
    : ['HEAD'];
  for (const name of candidates) {
    const sha = refs.get(name);
    if (sha) return sha;
  }
  return undefined;
}

/** Puts the clone at exactly the commit that was resolved before, whatever the branch did since. */
export function gitCheckoutDetached(dir: string, commit: string): Command {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit))
    throw new Error(`not a commit id: ${commit}`);
  return ['git', '-C', dir, 'checkout', '--quiet', '--detach', commit];
}

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

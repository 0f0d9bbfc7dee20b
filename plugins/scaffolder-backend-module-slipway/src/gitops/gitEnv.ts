/**
 * How git is run for the GitOps repository: its environment (credentials, identities, nothing
 * interactive) and scrubbing the credentials from any text that leaves the action.
 */
import type { GitOpsCredentials } from './target';

export type GitIdentity = { name: string; email: string };

/**
 * Variables that make git wait for a human (editors, pagers, password prompts). The action runs
 * unattended, and simple-git refuses to run with most of them set.
 */
const INTERACTIVE_ENV = [
  'EDITOR',
  'VISUAL',
  'PAGER',
  'GIT_EDITOR',
  'GIT_SEQUENCE_EDITOR',
  'GIT_PAGER',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
];

/**
 * Programs git would run for transports and diffs this action never uses (ssh, git://,
 * external diff), and a template folder that could install hooks into the clone.
 */
const UNUSED_PROGRAM_ENV = [
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_PROXY_COMMAND',
  'GIT_EXTERNAL_DIFF',
  'GIT_TEMPLATE_DIR',
];

/** Operator-set paths simple-git only accepts when told to (they come from our own environment). */
export const CONFIG_PATH_ENV = [
  'GIT_CONFIG',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_EXEC_PATH',
  'PREFIX',
];

/** Replaces every secret in a text with `***`. */
export function scrubSecrets(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret) result = result.split(secret).join('***');
  }
  return result;
}

/**
 * Git's ident rules: no angle brackets or line breaks, which would let a display name forge the
 * email part or add header lines to the commit object.
 */
export function gitIdentity(
  name: string | undefined,
  email: string | undefined,
  fallbackName = 'Slipway',
): GitIdentity {
  const clean = (name ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>]/g, '')
    .trim()
    .slice(0, 200);
  const finalName = clean || fallbackName;
  const validEmail =
    email && email.length <= 254 && /^[^\s<>@]+@[^\s<>@]+$/.test(email)
      ? email
      : undefined;
  const localPart =
    finalName
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'slipway';
  return {
    name: finalName,
    email: validEmail ?? `${localPart}@users.noreply.slipway`,
  };
}

/**
 * The environment git runs with. The token travels only here, as an `http.extraHeader` set
 * through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`: never in the URL (it would
 * be stored in `.git/config` and shown in errors), never in argv (visible in `ps`). Entries
 * already in the environment are kept and ours are appended after them, so an operator's (or a
 * test's) `url.<base>.insteadOf` still applies.
 */
export function gitEnvironment(options: {
  base: NodeJS.ProcessEnv;
  credentials?: GitOpsCredentials;
  author: GitIdentity;
  committer: GitIdentity;
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.base)) {
    if (
      value !== undefined &&
      !INTERACTIVE_ENV.includes(key) &&
      !UNUSED_PROGRAM_ENV.includes(key)
    ) {
      env[key] = value;
    }
  }
  const existing = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10);
  let count = Number.isInteger(existing) && existing > 0 ? existing : 0;
  const add = (key: string, value: string) => {
    env[`GIT_CONFIG_KEY_${count}`] = key;
    env[`GIT_CONFIG_VALUE_${count}`] = value;
    count += 1;
  };
  if (options.credentials) {
    const basic = Buffer.from(
      `${options.credentials.username}:${options.credentials.token}`,
    ).toString('base64');
    add('http.extraHeader', `Authorization: Basic ${basic}`);
  }
  // A signing setup in the operator's global config would fail without its agent or key.
  add('commit.gpgSign', 'false');
  env.GIT_CONFIG_COUNT = String(count);
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_AUTHOR_NAME = options.author.name;
  env.GIT_AUTHOR_EMAIL = options.author.email;
  env.GIT_COMMITTER_NAME = options.committer.name;
  env.GIT_COMMITTER_EMAIL = options.committer.email;
  return env;
}

/** What has to be hidden from error messages for these credentials. */
export function secretsOf(credentials?: GitOpsCredentials): string[] {
  if (!credentials) return [];
  const pair = `${credentials.username}:${credentials.token}`;
  return [
    Buffer.from(pair).toString('base64'),
    pair,
    credentials.token,
    encodeURIComponent(credentials.token),
  ];
}

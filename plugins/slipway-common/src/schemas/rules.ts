import { z } from 'zod/v3';

/**
 * The validation rules shared by every Slipway request. Each rule has a message that names
 * the rule, so a 400 tells the user what to change. Values that pass these rules are still
 * quoted when they reach a shell; the rules are the first of two fences, not the only one.
 */

/** RFC 1123 label: what Docker, DNS and our container names all accept. */
export const dnsLabel = (what: string) =>
  z
    .string({ invalid_type_error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(63, `${what} must be at most 63 characters (a DNS label)`)
    .regex(
      /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
      `${what} must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );

export const port = (what: string, min: number) =>
  z
    .number({ invalid_type_error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(min, `${what} must be between ${min} and 65535`)
    .max(65535, `${what} must be between ${min} and 65535`);

export const REPO_URL_SCHEMES = ['https:', 'ssh:', 'http:'] as const;

/** scheme://[user@]host[:port]/path: a strict subset of URLs that every Git host uses. */
const REPO_URL_SHAPE =
  /^(https?|ssh):\/\/(?:([A-Za-z0-9._-]+)@)?([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?(\/)((?:[A-Za-z0-9._~+-]+\/?)*)$/;

/**
 * A Git repository URL. Only https, http and ssh URLs (no scp-like `host:path`, no `file:`,
 * `ext::` or `fd::` transports, which run programs or read the host's disk). Credentials in
 * the URL are refused: they come from Backstage's integrations config.
 */
export const repoUrl = z
  .string({ invalid_type_error: 'repo must be a string' })
  .min(1, 'repo must not be empty')
  .max(2048, 'repo must be at most 2048 characters')
  .refine(v => !v.startsWith('-'), 'repo must not start with "-"')
  .superRefine((value, ctx) => {
    // The scheme first, for the clearest message about the most common mistake.
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/
      .exec(value)?.[1]
      ?.toLowerCase();
    if (
      !scheme ||
      !(REPO_URL_SCHEMES as readonly string[]).includes(`${scheme}:`)
    ) {
      ctx.addIssue({
        code: 'custom',
        message: scheme
          ? `repo must use one of the schemes ${REPO_URL_SCHEMES.map(s =>
              s.slice(0, -1),
            ).join(', ')} (got "${scheme}")`
          : 'repo must be a URL such as https://github.com/org/repo.git',
      });
      return;
    }
    const authority = value.slice(value.indexOf('://') + 3).split('/')[0];
    const userinfo = authority.includes('@')
      ? authority.slice(0, authority.lastIndexOf('@'))
      : undefined;
    if (
      userinfo !== undefined &&
      (scheme !== 'ssh' || userinfo.includes(':'))
    ) {
      ctx.addIssue({
        code: 'custom',
        message:
          'repo must not contain credentials; configure them in Backstage integrations',
      });
      return;
    }
    // The raw text is checked, not what a URL parser makes of it: parsers and git disagree
    // on backslashes, dot segments and percent-escapes, and git receives the raw text.
    const match = REPO_URL_SHAPE.exec(value);
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message:
          'repo must look like https://host[:port]/path or ssh://[user@]host[:port]/path, with only letters, digits and . _ ~ + - in user, host and path segments',
      });
      return;
    }
    const [, , user, , portPart, , path] = match;
    if (portPart !== undefined && Number(portPart.slice(1)) > 65535) {
      ctx.addIssue({
        code: 'custom',
        message: 'repo port must be at most 65535',
      });
    }
    if (user !== undefined && user.startsWith('-')) {
      ctx.addIssue({
        code: 'custom',
        message: 'repo user must not start with "-"',
      });
    }
    if (
      (path ?? '')
        .split('/')
        .some(segment => segment === '..' || segment === '.')
    ) {
      ctx.addIssue({
        code: 'custom',
        message: 'repo path must not contain "." or ".." segments',
      });
    }
  });

/**
 * A branch, tag or commit, following git-check-ref-format, plus: no leading '-' (it would be
 * read as an option), printable ASCII only.
 */
export const gitRef = z
  .string({ invalid_type_error: 'ref must be a string' })
  .min(1, 'ref must not be empty')
  .max(255, 'ref must be at most 255 characters')
  .refine(v => !v.startsWith('-'), 'ref must not start with "-"')
  .refine(
    v => /^[A-Za-z0-9._/@+-]+$/.test(v),
    'ref may contain only letters, digits and . _ / @ + -',
  )
  .refine(
    v =>
      !v.includes('..') &&
      !v.includes('//') &&
      !v.includes('@{') &&
      !v.startsWith('/') &&
      !v.endsWith('/') &&
      !v.endsWith('.') &&
      !v.endsWith('.lock') &&
      !v.split('/').some(part => part.startsWith('.')),
    'ref must be a valid Git ref name (see git check-ref-format)',
  );

export const healthPath = z
  .string({ invalid_type_error: 'health_path must be a string' })
  .max(512, 'health_path must be at most 512 characters')
  .regex(
    /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$/,
    'health_path must be an absolute URL path such as /health (printable URL characters only)',
  )
  .refine(
    v => !v.split(/[/?]/).includes('..'),
    'health_path must not contain ".."',
  );

export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
export const MAX_ENV_VARS = 100;
export const MAX_ENV_VALUE_LENGTH = 8192;

export const envVars = z
  .record(
    z
      .string()
      .max(128, 'env names must be at most 128 characters')
      .regex(ENV_NAME, 'env names must match [A-Z_][A-Z0-9_]*'),
    z
      .string({ invalid_type_error: 'env values must be strings' })
      .max(
        MAX_ENV_VALUE_LENGTH,
        `env values must be at most ${MAX_ENV_VALUE_LENGTH} characters`,
      )
      // Values reach Docker as an env file on stdin: one NAME=value per line.
      .refine(
        v => !v.includes('\0') && !v.includes('\n') && !v.includes('\r'),
        'env values must be a single line without NUL characters',
      ),
  )
  .refine(
    env => Object.keys(env).length <= MAX_ENV_VARS,
    `env may have at most ${MAX_ENV_VARS} variables`,
  );

/** A catalog entity reference of an owner: `group:platform-team`, `user:default/jane`. */
export const ownerRef = (what: string) =>
  z
    .string({ invalid_type_error: `${what} must be a string` })
    .regex(
      /^(group|user):([a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]{0,62}$/i,
      `${what} must be an entity reference such as group:platform-team`,
    );

/** One line of plain text for people to read (descriptions, titles): no control characters. */
export const singleLine = (what: string, max: number) =>
  z
    .string({ invalid_type_error: `${what} must be a string` })
    .max(max, `${what} must be at most ${max} characters`)
    .regex(
      // eslint-disable-next-line no-control-regex
      /^[^\u0000-\u001f\u007f-\u009f]*$/,
      `${what} must be a single line of text without control characters`,
    );

export const MAX_REPO_PATH_LENGTH = 255;

/**
 * A path inside the cloned repository (a build context, a Dockerfile). It is joined to the
 * clone's directory on the host, so it must not climb out of it or read as an option; the
 * build also checks on the host that it does not lead outside through a symlink.
 */
export const repoPath = (what: string) =>
  z
    .string({ invalid_type_error: `${what} must be a string` })
    .min(1, `${what} must not be empty (leave it out for the repository root)`)
    .max(
      MAX_REPO_PATH_LENGTH,
      `${what} must be at most ${MAX_REPO_PATH_LENGTH} characters`,
    )
    .superRefine((value, ctx) => {
      const problem = repoPathProblem(what, value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** The most telling problem of a repo path, one per value; undefined when it has none. */
function repoPathProblem(what: string, value: string): string | undefined {
  if (value.startsWith('-')) return `${what} must not start with "-"`;
  if (value.startsWith('/'))
    return `${what} must be relative to the repository root, not absolute`;
  if (!/^[A-Za-z0-9._/-]+$/.test(value))
    return `${what} may contain only letters, digits and . _ / -`;
  const segments = value.replace(/\/$/, '').split('/');
  if (segments.some(s => s === '..' || s === '.' || s === ''))
    return `${what} must not contain "..", "." or empty segments`;
  return undefined;
}

/** Docker refuses memory limits below 6 MiB. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
const MEMORY_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
};
/** A number and one of Docker's units: what `docker run --memory` takes, minus its oddities. */
const MEMORY_SHAPE = /^([1-9][0-9]{0,12})([bkmg])$/i;

/** The bytes of a memory limit such as `256m` or `1g`; undefined when it is not one. */
export function memoryBytes(value: string): number | undefined {
  const match = MEMORY_SHAPE.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * MEMORY_UNITS[match[2].toLowerCase()];
}

/** The most any one container may ask for, whatever the policy says: 1 TiB. */
export const MAX_MEMORY_BYTES = 1024 ** 4;

export const memoryLimit = z
  .string({ invalid_type_error: 'memory must be a string such as "256m"' })
  .superRefine((value, ctx) => {
    const problem = memoryProblem(memoryBytes(value));
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

function memoryProblem(bytes: number | undefined): string | undefined {
  if (bytes === undefined)
    return 'memory must be a whole number followed by b, k, m or g, such as 256m or 1g';
  if (bytes < MIN_MEMORY_BYTES)
    return 'memory must be at least 6m (the least Docker accepts)';
  if (bytes > MAX_MEMORY_BYTES) return 'memory must be at most 1024g';
  return undefined;
}

export const MAX_CPUS = 512;

/** `docker run --cpus`: a share of the host's CPUs in hundredths, such as 0.5 or 2. */
export const cpusLimit = z
  .number({ invalid_type_error: 'cpus must be a number such as 0.5 or 2' })
  .min(0.01, `cpus must be between 0.01 and ${MAX_CPUS}`)
  .max(MAX_CPUS, `cpus must be between 0.01 and ${MAX_CPUS}`)
  .refine(
    v => Math.abs(Math.round(v * 100) - v * 100) < 1e-6,
    'cpus must have at most two decimals (hundredths of a CPU)',
  );

import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  DefaultGitlabCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';

/** Where the GitOps repository lives and how to talk to its host. */
export type GitOpsTarget = {
  provider: 'github' | 'gitlab';
  host: string;
  /** GitHub owner, or GitLab namespace (may contain '/' for subgroups). */
  owner: string;
  repo: string;
  /** `https://<host>/<owner>/<repo>.git`: what is cloned; never carries credentials. */
  remoteUrl: string;
  /** The repository's page, e.g. `https://github.com/acme/infra`. */
  webUrl: string;
  /** REST API root from the integration config, without a trailing slash. */
  apiBaseUrl?: string;
};

/** The credentials git and the PR/MR API use; `username` is what goes before the token in Basic auth. */
export type GitOpsCredentials = { username: string; token: string };

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

function checkSegments(value: string, what: string, allowSlash: boolean) {
  const segments = value.split('/');
  if (!allowSlash && segments.length > 1) {
    throw new InputError(
      `repoUrl: ${what} must not contain "/" (got "${value}")`,
    );
  }
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      throw new InputError(
        `repoUrl: ${what} must be made of letters, digits, '.', '_' and '-' (not starting with '.' or '-')${
          allowSlash ? ", separated by '/'" : ''
        } (got "${value}")`,
      );
    }
  }
}

/**
 * Parses Backstage's RepoUrlPicker format (`github.com?owner=acme&repo=infra`). Only `owner`
 * and `repo` are accepted: the other parameters belong to providers this action does not
 * support, and silently ignoring one would commit somewhere the user did not choose.
 */
export function parseRepoUrl(repoUrl: string): {
  host: string;
  owner: string;
  repo: string;
} {
  const example = 'github.com?owner=acme&repo=platform-infra';
  if (typeof repoUrl !== 'string' || repoUrl.length > 1024) {
    throw new InputError(`repoUrl must be a string such as ${example}`);
  }
  const q = repoUrl.indexOf('?');
  if (q <= 0) {
    throw new InputError(
      `repoUrl must look like ${example} (host?owner=...&repo=...), got "${repoUrl}"`,
    );
  }
  const host = repoUrl.slice(0, q);
  if (!HOST.test(host)) {
    throw new InputError(
      `repoUrl host must be a host name such as github.com, got "${host}"`,
    );
  }
  const params = new URLSearchParams(repoUrl.slice(q + 1));
  const keys = [...params.keys()];
  const unknown = keys.filter(k => k !== 'owner' && k !== 'repo');
  if (unknown.length) {
    throw new InputError(
      `repoUrl has unsupported parameter(s) ${unknown.join(
        ', ',
      )}: only owner and repo are used for GitHub and GitLab`,
    );
  }
  const owners = params.getAll('owner');
  const repos = params.getAll('repo');
  if (owners.length !== 1 || repos.length !== 1 || !owners[0] || !repos[0]) {
    throw new InputError(
      `repoUrl must name exactly one owner and one repo, e.g. ${example}`,
    );
  }
  const owner = owners[0];
  const repo = repos[0].replace(/\.git$/, '');
  checkSegments(owner, 'owner', true);
  checkSegments(repo, 'repo', false);
  return { host, owner, repo };
}

/** Resolves the repository against Backstage's `integrations` config (GitHub or GitLab only). */
export function resolveTarget(
  integrations: ScmIntegrations,
  repoUrl: string,
): GitOpsTarget {
  const { host, owner, repo } = parseRepoUrl(repoUrl);
  const github = integrations.github.byHost(host);
  if (github) {
    if (owner.includes('/')) {
      throw new InputError(
        `repoUrl: a GitHub owner cannot contain "/" (got "${owner}")`,
      );
    }
    const webUrl = `https://${host}/${owner}/${repo}`;
    return {
      provider: 'github',
      host,
      owner,
      repo,
      remoteUrl: `${webUrl}.git`,
      webUrl,
      apiBaseUrl: github.config.apiBaseUrl?.replace(/\/+$/, ''),
    };
  }
  const gitlab = integrations.gitlab.byHost(host);
  if (gitlab) {
    // Self-hosted GitLab may live under a path (https://example.com/gitlab): baseUrl knows.
    const base = (gitlab.config.baseUrl || `https://${host}`).replace(
      /\/+$/,
      '',
    );
    const webUrl = `${base}/${owner}/${repo}`;
    return {
      provider: 'gitlab',
      host,
      owner,
      repo,
      remoteUrl: `${webUrl}.git`,
      webUrl,
      apiBaseUrl: gitlab.config.apiBaseUrl?.replace(/\/+$/, ''),
    };
  }
  const other = integrations.byHost(host);
  throw new InputError(
    other
      ? `repoUrl host ${host} is a ${other.type} integration; slipway:commit-iac supports GitHub and GitLab only`
      : `repoUrl host ${host} is not configured in Backstage's integrations (add it under integrations.github or integrations.gitlab)`,
  );
}

/**
 * The token for git and the API. GitHub goes through the credentials provider so GitHub Apps
 * work as well as personal tokens; both use `x-access-token` as the Basic auth user.
 */
export async function getCredentials(
  integrations: ScmIntegrations,
  target: GitOpsTarget,
): Promise<GitOpsCredentials> {
  if (target.provider === 'github') {
    const { token } = await DefaultGithubCredentialsProvider.fromIntegrations(
      integrations,
    ).getCredentials({ url: target.webUrl });
    if (!token) {
      throw new InputError(
        `No token or GitHub App is configured for ${target.host} in integrations.github; slipway:commit-iac needs one to push`,
      );
    }
    return { username: 'x-access-token', token };
  }
  const { token } = await DefaultGitlabCredentialsProvider.fromIntegrations(
    integrations,
  ).getCredentials({ url: target.webUrl });
  if (!token) {
    throw new InputError(
      `No token is configured for ${target.host} in integrations.gitlab; slipway:commit-iac needs one to push`,
    );
  }
  return { username: 'oauth2', token };
}

/** Where the pull/merge request for `branch` would be, for dry runs. */
export function pullRequestPlaceholderUrl(target: GitOpsTarget): string {
  return target.provider === 'github'
    ? `${target.webUrl}/pull/0`
    : `${target.webUrl}/-/merge_requests/0`;
}

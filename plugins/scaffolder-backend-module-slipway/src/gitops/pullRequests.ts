import type { GitOpsTarget } from './target';
import { scrubSecrets } from './gitEnv';

export type PullRequestRequest = {
  target: GitOpsTarget;
  token: string;
  /** The pushed branch with the change. */
  head: string;
  /** The branch to merge into. */
  base: string;
  title: string;
  body: string;
  /** Milliseconds before the API call is abandoned. */
  timeoutMs?: number;
};

export type PullRequest = { url: string; number: number };

/** Thrown when the API refuses or fails; carries the HTTP status for callers and tests. */
export class PullRequestError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'PullRequestError';
  }
}

/** The API's own words: GitHub's `message` + `errors[].message`, GitLab's `message`/`error`. */
function apiMessage(body: unknown, fallback: string): string {
  if (!body || typeof body !== 'object') return fallback;
  const b = body as Record<string, unknown>;
  const parts: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v) parts.push(v);
    else if (Array.isArray(v)) v.forEach(add);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.message === 'string') parts.push(o.message);
      else
        Object.entries(o).forEach(([k, x]) =>
          add(typeof x === 'string' ? `${k} ${x}` : x),
        );
    }
  };
  add(b.message);
  add(b.error);
  add(b.errors);
  return parts.length ? parts.join('; ') : fallback;
}

async function post(
  url: string,
  headers: Record<string, string>,
  payload: object,
  request: PullRequestRequest,
  what: string,
): Promise<Record<string, unknown>> {
  const secrets = [request.token, encodeURIComponent(request.token)];
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
    });
  } catch (e) {
    throw new PullRequestError(
      scrubSecrets(
        `Cannot open the ${what}: ${url} did not answer (${
          (e as Error)?.message ?? e
        })`,
        secrets,
      ),
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message = apiMessage(body, text.slice(0, 500) || response.statusText);
    throw new PullRequestError(
      scrubSecrets(
        `Cannot open the ${what}: ${url} answered ${response.status} ${response.statusText}: ${message}`,
        secrets,
      ),
      response.status,
    );
  }
  if (!body || typeof body !== 'object') {
    throw new PullRequestError(
      `Cannot open the ${what}: ${url} answered ${response.status} without a JSON body`,
      response.status,
    );
  }
  return body as Record<string, unknown>;
}

/**
 * Opens a GitHub pull request or a GitLab merge request from `head` into `base`, through the
 * REST API at the integration's `apiBaseUrl` (so GitHub Enterprise and self-hosted GitLab work).
 */
export async function openPullRequest(
  request: PullRequestRequest,
): Promise<PullRequest> {
  const { target } = request;
  if (!target.apiBaseUrl) {
    throw new PullRequestError(
      `integrations.${target.provider} for ${
        target.host
      } has no apiBaseUrl; it is needed to open a ${
        target.provider === 'github' ? 'pull request' : 'merge request'
      }`,
    );
  }
  if (target.provider === 'github') {
    const body = await post(
      `${target.apiBaseUrl}/repos/${encodeURIComponent(
        target.owner,
      )}/${encodeURIComponent(target.repo)}/pulls`,
      {
        Authorization: `Bearer ${request.token}`,
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
      },
      {
        title: request.title,
        head: request.head,
        base: request.base,
        body: request.body,
      },
      request,
      'pull request',
    );
    if (typeof body.html_url !== 'string' || typeof body.number !== 'number') {
      throw new PullRequestError(
        'GitHub answered without html_url and number for the new pull request',
      );
    }
    return { url: body.html_url, number: body.number };
  }

  const body = await post(
    `${target.apiBaseUrl}/projects/${encodeURIComponent(
      `${target.owner}/${target.repo}`,
    )}/merge_requests`,
    { 'PRIVATE-TOKEN': request.token },
    {
      source_branch: request.head,
      target_branch: request.base,
      title: request.title,
      description: request.body,
      remove_source_branch: true,
    },
    request,
    'merge request',
  );
  if (typeof body.web_url !== 'string' || typeof body.iid !== 'number') {
    throw new PullRequestError(
      'GitLab answered without web_url and iid for the new merge request',
    );
  }
  return { url: body.web_url, number: body.iid };
}

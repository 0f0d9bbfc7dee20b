import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { openPullRequest, PullRequestError } from './pullRequests';
import { GitOpsTarget } from './target';

const github: GitOpsTarget = {
  provider: 'github',
  host: 'github.com',
  owner: 'acme',
  repo: 'infra',
  remoteUrl: 'https://github.com/acme/infra.git',
  webUrl: 'https://github.com/acme/infra',
  apiBaseUrl: 'https://api.github.com',
};

const gitlab: GitOpsTarget = {
  provider: 'gitlab',
  host: 'gitlab.com',
  owner: 'platform/gitops',
  repo: 'infra',
  remoteUrl: 'https://gitlab.com/platform/gitops/infra.git',
  webUrl: 'https://gitlab.com/platform/gitops/infra',
  apiBaseUrl: 'https://gitlab.com/api/v4',
};

const pr = {
  head: 'slipway/host-docker-1-abc12345',
  base: 'main',
  title: 'slipway: provision host docker-1',
  body: 'Host docker-1',
};

describe('openPullRequest', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('opens a GitHub pull request with the documented headers and body', async () => {
    const seen: { headers: Headers; body: unknown }[] = [];
    server.use(
      http.post(
        'https://api.github.com/repos/acme/infra/pulls',
        async ({ request }) => {
          seen.push({ headers: request.headers, body: await request.json() });
          return HttpResponse.json(
            {
              number: 42,
              html_url: 'https://github.com/acme/infra/pull/42',
            },
            { status: 201 },
          );
        },
      ),
    );
    const result = await openPullRequest({
      target: github,
      token: 'ghp_secret',
      ...pr,
    });
    expect(result).toEqual({
      url: 'https://github.com/acme/infra/pull/42',
      number: 42,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0].headers.get('authorization')).toBe('Bearer ghp_secret');
    expect(seen[0].headers.get('accept')).toBe('application/vnd.github+json');
    expect(seen[0].headers.get('x-github-api-version')).toBe('2022-11-28');
    expect(seen[0].body).toEqual({
      title: pr.title,
      head: pr.head,
      base: pr.base,
      body: pr.body,
    });
  });

  it('uses the apiBaseUrl of a GitHub Enterprise integration', async () => {
    server.use(
      http.post('https://ghe.example.com/api/v3/repos/acme/infra/pulls', () =>
        HttpResponse.json(
          { number: 7, html_url: 'https://ghe.example.com/acme/infra/pull/7' },
          { status: 201 },
        ),
      ),
    );
    await expect(
      openPullRequest({
        target: { ...github, apiBaseUrl: 'https://ghe.example.com/api/v3' },
        token: 'glpat-xyz-secret-token',
        ...pr,
      }),
    ).resolves.toEqual({
      url: 'https://ghe.example.com/acme/infra/pull/7',
      number: 7,
    });
  });

  it('opens a GitLab merge request on the URL-encoded project path', async () => {
    const seen: { url: string; headers: Headers; body: unknown }[] = [];
    server.use(
      http.post(
        'https://gitlab.com/api/v4/projects/:project/merge_requests',
        async ({ request, params }) => {
          seen.push({
            url: String(params.project),
            headers: request.headers,
            body: await request.json(),
          });
          return HttpResponse.json(
            {
              iid: 5,
              web_url:
                'https://gitlab.com/platform/gitops/infra/-/merge_requests/5',
            },
            { status: 201 },
          );
        },
      ),
    );
    const result = await openPullRequest({
      target: gitlab,
      token: 'glpat-secret',
      ...pr,
    });
    expect(result).toEqual({
      url: 'https://gitlab.com/platform/gitops/infra/-/merge_requests/5',
      number: 5,
    });
    expect(seen[0].url).toBe('platform/gitops/infra');
    expect(seen[0].headers.get('private-token')).toBe('glpat-secret');
    expect(seen[0].headers.get('authorization')).toBeNull();
    expect(seen[0].body).toEqual({
      source_branch: pr.head,
      target_branch: pr.base,
      title: pr.title,
      description: pr.body,
      remove_source_branch: true,
    });
  });

  it('checks the raw request path: the namespace slash is encoded', async () => {
    const paths: string[] = [];
    server.use(
      http.post('https://gitlab.com/api/v4/*', ({ request }) => {
        paths.push(new URL(request.url).pathname);
        return HttpResponse.json(
          { iid: 1, web_url: 'https://gitlab.com/x/-/merge_requests/1' },
          { status: 201 },
        );
      }),
    );
    await openPullRequest({
      target: gitlab,
      token: 'glpat-xyz-secret-token',
      ...pr,
    });
    expect(paths).toEqual([
      '/api/v4/projects/platform%2Fgitops%2Finfra/merge_requests',
    ]);
  });

  it("reports GitHub's status and message, never the token", async () => {
    server.use(
      http.post('https://api.github.com/repos/acme/infra/pulls', () =>
        HttpResponse.json(
          {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message:
                  'A pull request already exists for acme:slipway/host-docker-1 (token ghp_secret).',
              },
            ],
            documentation_url: 'https://docs.github.com/rest',
          },
          { status: 422 },
        ),
      ),
    );
    const failure = openPullRequest({
      target: github,
      token: 'ghp_secret',
      ...pr,
    });
    await expect(failure).rejects.toBeInstanceOf(PullRequestError);
    await expect(failure).rejects.toMatchObject({ status: 422 });
    await expect(failure).rejects.toThrow(
      /422.*Validation Failed; A pull request already exists/,
    );
    await expect(failure).rejects.not.toThrow(/ghp_secret/);
  });

  it("reports GitLab's message list", async () => {
    server.use(
      http.post(
        'https://gitlab.com/api/v4/projects/:project/merge_requests',
        () =>
          HttpResponse.json(
            {
              message: [
                'Another open merge request already exists for this source branch: !4',
              ],
            },
            { status: 409 },
          ),
      ),
    );
    await expect(
      openPullRequest({
        target: gitlab,
        token: 'glpat-xyz-secret-token',
        ...pr,
      }),
    ).rejects.toThrow(/409.*Another open merge request already exists/);
  });

  it('fails clearly on an answer without the fields of a created PR', async () => {
    server.use(
      http.post('https://api.github.com/repos/acme/infra/pulls', () =>
        HttpResponse.json({ ok: true }, { status: 201 }),
      ),
    );
    await expect(
      openPullRequest({
        target: github,
        token: 'glpat-xyz-secret-token',
        ...pr,
      }),
    ).rejects.toThrow(/without html_url and number/);
  });

  it('needs an apiBaseUrl', async () => {
    await expect(
      openPullRequest({
        target: { ...github, host: 'ghe.example.com', apiBaseUrl: undefined },
        token: 'glpat-xyz-secret-token',
        ...pr,
      }),
    ).rejects.toThrow(
      /integrations.github for ghe.example.com has no apiBaseUrl/,
    );
  });
});

import {
  createMockDirectory,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject } from '@backstage/types';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  allObjectText,
  commitTo,
  createBareRepo,
  git,
  installHook,
  redirectGit,
  refs,
  startSmartHttpServer,
  tempDir,
} from '../gitops/__testUtils__/gitRemotes';
import { createCommitIacAction } from './commitIac';
import { examples } from './commitIac.examples';

jest.setTimeout(60_000);

/**
 * The action with push mode allowed: these tests are about Git. Who may push is judged by the
 * real permission backend and Slipway policy in commitIac.permissions.test.ts.
 */
function commitIacAction(
  options: Omit<Parameters<typeof createCommitIacAction>[0], 'permissions'>,
) {
  return createCommitIacAction({
    ...options,
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
  });
}

const GITHUB_TOKEN = 'ghp_test_token_value';
const GITLAB_TOKEN = 'glpat-test-token';
const SECRETS = [
  GITHUB_TOKEN,
  GITLAB_TOKEN,
  Buffer.from(`x-access-token:${GITHUB_TOKEN}`).toString('base64'),
  Buffer.from(`oauth2:${GITLAB_TOKEN}`).toString('base64'),
];

function integrationsWith(githubToken = GITHUB_TOKEN) {
  return ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        github: [
          {
            host: 'github.com',
            token: githubToken,
            apiBaseUrl: 'https://api.github.com',
          },
        ],
        gitlab: [
          {
            host: 'gitlab.com',
            token: GITLAB_TOKEN,
            apiBaseUrl: 'https://gitlab.com/api/v4',
          },
        ],
      },
    }),
  );
}

const user = {
  ref: 'user:default/jane',
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User' as const,
    metadata: { name: 'jane' },
    spec: {
      profile: { displayName: 'Jane Doe', email: 'jane@acme.example' },
      memberOf: [],
    },
  },
};

const hostRequest = {
  name: 'docker-1',
  owner: 'group:platform-team',
  region: 'eu-west-1',
  instance_type: 't3.small',
  ssh_cidrs: ['203.0.113.0/24'],
  tags: { CostCenter: 'cc-42' },
};

const appRequest = {
  name: 'hello',
  repo: 'https://github.com/acme/hello.git',
  ref: 'main',
  port: 8080,
  container_port: 8080,
  health_path: '/health',
  host: 'docker-1',
  env: { API_TOKEN: 'super-secret-value', LOG_LEVEL: 'info' },
};

describe('slipway:commit-iac', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const workspace = createMockDirectory();
  let apiRequests: string[];
  let root: string;
  let github: string;
  let gitlab: string;
  let restoreEnv: () => void;

  beforeAll(() => {
    server.events.on('request:start', ({ request }) => {
      apiRequests.push(`${request.method} ${request.url}`);
    });
  });

  beforeEach(() => {
    apiRequests = [];
    workspace.clear();
    root = tempDir('slipway-gitops-remotes-');
    github = createBareRepo(root, 'github/acme/infra');
    gitlab = createBareRepo(root, 'gitlab/platform/gitops/infra');
    restoreEnv = redirectGit({
      'https://github.com/acme/infra.git': `file://${github}`,
      'https://gitlab.com/platform/gitops/infra.git': `file://${gitlab}`,
    });
  });

  afterEach(() => {
    restoreEnv();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function context(
    input: JsonObject,
    extra: { user?: typeof user | { ref: string }; isDryRun?: boolean } = {
      user,
    },
  ) {
    const ctx = createMockActionContext({
      input,
      workspacePath: workspace.path,
      user: extra.user as any,
    });
    const logs: string[] = [];
    for (const level of ['info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(ctx.logger, level).mockImplementation(((m: unknown) => {
        logs.push(String(m));
        return ctx.logger;
      }) as any);
    }
    return Object.assign(ctx, { isDryRun: extra.isDryRun, logs });
  }

  function outputs(ctx: { output: unknown }): Record<string, unknown> {
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  function expectNoSecrets(text: string) {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  }

  function leftoverClones(): string[] {
    return fs
      .readdirSync(workspace.path)
      .filter(f => f.startsWith('slipway-gitops-'));
  }

  /** A GitHub API that records the pull requests it is asked for. */
  function githubApi(status = 201) {
    const calls: { headers: Headers; body: any }[] = [];
    server.use(
      http.post(
        'https://api.github.com/repos/acme/infra/pulls',
        async ({ request }) => {
          const body = await request.json();
          calls.push({ headers: request.headers, body });
          if (status !== 201) {
            return HttpResponse.json(
              {
                message: 'Validation Failed',
                errors: [
                  {
                    resource: 'PullRequest',
                    code: 'custom',
                    message: 'A pull request already exists for acme:x.',
                  },
                ],
              },
              { status },
            );
          }
          return HttpResponse.json(
            {
              number: 17,
              html_url: 'https://github.com/acme/infra/pull/17',
              head: { ref: (body as any).head },
            },
            { status: 201 },
          );
        },
      ),
    );
    return calls;
  }

  function gitlabApi() {
    const calls: { pathname: string; headers: Headers; body: any }[] = [];
    server.use(
      http.post(
        'https://gitlab.com/api/v4/projects/:project/merge_requests',
        async ({ request }) => {
          calls.push({
            pathname: new URL(request.url).pathname,
            headers: request.headers,
            body: await request.json(),
          });
          return HttpResponse.json(
            {
              iid: 3,
              web_url:
                'https://gitlab.com/platform/gitops/infra/-/merge_requests/3',
            },
            { status: 201 },
          );
        },
      ),
    );
    return calls;
  }

  it.each(examples.map(e => [e.description, e]))(
    'runs the example: %s',
    async (_d, example) => {
      const step = yaml.parse(example.example).steps[0];
      const githubCalls = githubApi();
      const gitlabCalls = gitlabApi();
      const action = commitIacAction({
        integrations: integrationsWith(),
        // The GitLab example's module lives in another repository, as an admin would allow.
        config: new ConfigReader({
          slipway: {
            gitops: {
              allowedModuleSources: [
                'git::https://gitlab.com/platform/slipway.git//terraform/modules/docker-host?ref=*',
              ],
            },
          },
        }),
      });
      const ctx = context(step.input);
      await action.handler(ctx as any);

      const out = outputs(ctx);
      const bare = step.input.repoUrl.startsWith('gitlab') ? gitlab : github;
      expect(git(bare, 'rev-parse', String(out.branch))).toBe(out.commitSha);
      const files = git(
        bare,
        'ls-tree',
        '-r',
        '--name-only',
        String(out.commitSha),
      ).split('\n');
      expect(files).toContain(`${out.path}/slipway.yaml`);
      expect(files.includes(`${out.path}/main.tf.json`)).toBe(
        step.input.kind === 'host',
      );
      const pullRequest =
        (step.input.mode ?? 'pull-request') === 'pull-request';
      expect(githubCalls.length + gitlabCalls.length).toBe(pullRequest ? 1 : 0);
      expect(apiRequests).toHaveLength(pullRequest ? 1 : 0);
      expect(out.pullRequestUrl).toMatch(
        pullRequest ? /\/(pull|merge_requests)\/\d+$/ : /^$/,
      );
      expect(leftoverClones()).toEqual([]);
    },
  );

  it('opens a GitHub pull request with the rendered host, authored by the initiator', async () => {
    const calls = githubApi();
    const mainBefore = git(github, 'rev-parse', 'main');
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'host',
      request: hostRequest,
    });
    await action.handler(ctx as any);

    const branch = 'slipway/host-docker-1-mocktask';
    const out = outputs(ctx);
    expect(out).toEqual({
      commitSha: git(github, 'rev-parse', branch),
      branch,
      path: 'slipway/hosts/docker-1',
      pullRequestUrl: 'https://github.com/acme/infra/pull/17',
      remoteUrl: 'https://github.com/acme/infra.git',
    });
    // main is untouched: the change waits in the pull request.
    expect(git(github, 'rev-parse', 'main')).toBe(mainBefore);
    expect(git(github, 'rev-parse', `${branch}^`)).toBe(mainBefore);

    expect(
      git(github, 'ls-tree', '-r', '--name-only', branch).split('\n'),
    ).toEqual([
      'README.md',
      'slipway/hosts/docker-1/main.tf.json',
      'slipway/hosts/docker-1/slipway.yaml',
    ]);
    const tf = JSON.parse(
      git(github, 'show', `${branch}:slipway/hosts/docker-1/main.tf.json`),
    );
    expect(tf.module.docker_host).toMatchObject({
      source: '../../../terraform/modules/docker-host',
      name: 'docker-1',
      instance_type: 't3.small',
      ssh_cidrs: ['203.0.113.0/24'],
      app_port_range: { from: 8000, to: 8999 },
      tags: { CostCenter: 'cc-42', Owner: 'group:platform-team' },
    });
    expect(tf.provider.aws.region).toBe('eu-west-1');
    const manifest = yaml.parse(
      git(github, 'show', `${branch}:slipway/hosts/docker-1/slipway.yaml`),
    );
    expect(manifest).toMatchObject({
      apiVersion: 'slipway.dev/v1alpha1',
      kind: 'Host',
      metadata: { name: 'docker-1' },
    });

    expect(
      git(github, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', branch),
    ).toBe('Jane Doe <jane@acme.example>|Slipway <slipway@noreply>');
    const message = git(github, 'log', '-1', '--format=%B', branch);
    expect(message).toMatch(/^slipway: provision host docker-1\n/);
    expect(message).toContain('A slipway/hosts/docker-1/main.tf.json');
    expect(message).toContain('Scaffolder task: mock-task-id');
    expect(message).toContain('Requested by: user:default/jane');

    expect(calls).toHaveLength(1);
    expect(calls[0].headers.get('authorization')).toBe(
      `Bearer ${GITHUB_TOKEN}`,
    );
    expect(calls[0].headers.get('accept')).toBe('application/vnd.github+json');
    expect(calls[0].headers.get('x-github-api-version')).toBe('2022-11-28');
    expect(calls[0].body).toEqual({
      title: 'slipway: provision host docker-1',
      head: branch,
      base: 'main',
      body: expect.stringContaining('Scaffolder task: mock-task-id'),
    });

    expect(ctx.logs.join('\n')).toMatch(
      /Cloning https:\/\/github.com\/acme\/infra.git/,
    );
    expect(ctx.logs.join('\n')).toMatch(
      /Rendered slipway\/hosts\/docker-1\/main.tf.json \(\d+ bytes\)/,
    );
    expect(ctx.logs.join('\n')).toContain(`Pushed branch ${branch}`);
    expect(ctx.logs.join('\n')).toContain(
      'Opened https://github.com/acme/infra/pull/17',
    );
    expect(leftoverClones()).toEqual([]);
  });

  it('opens a GitLab merge request in a subgroup project', async () => {
    const calls = gitlabApi();
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'gitlab.com?owner=platform/gitops&repo=infra',
      kind: 'app',
      request: appRequest,
      title: 'Deploy hello',
      description: 'Please review',
    });
    await action.handler(ctx as any);

    const branch = 'slipway/app-hello-mocktask';
    expect(outputs(ctx)).toMatchObject({
      branch,
      pullRequestUrl:
        'https://gitlab.com/platform/gitops/infra/-/merge_requests/3',
      remoteUrl: 'https://gitlab.com/platform/gitops/infra.git',
      commitSha: git(gitlab, 'rev-parse', branch),
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].pathname).toBe(
      '/api/v4/projects/platform%2Fgitops%2Finfra/merge_requests',
    );
    expect(calls[0].headers.get('private-token')).toBe(GITLAB_TOKEN);
    expect(calls[0].body).toEqual({
      source_branch: branch,
      target_branch: 'main',
      title: 'Deploy hello',
      description: 'Please review',
      remove_source_branch: true,
    });
  });

  it('deletes the pushed branch when the pull request cannot be opened', async () => {
    const calls = githubApi(422);
    const before = refs(github);
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'host',
      request: hostRequest,
    });
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toThrow(
      /answered 422 .*Validation Failed; A pull request already exists/,
    );
    const error = await failure.catch(e => e);
    expectNoSecrets(`${error.message}\n${error.stack}`);
    expect(calls).toHaveLength(1);
    expect(refs(github)).toEqual(before);
    expect(ctx.logs.join('\n')).toContain(
      'Deleted branch slipway/host-docker-1-mocktask again',
    );
    expect(ctx.output).not.toHaveBeenCalled();
    expect(leftoverClones()).toEqual([]);
  });

  it('pushes an app manifest straight to main with env names only', async () => {
    const mainBefore = git(github, 'rev-parse', 'main');
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'app',
      mode: 'push',
      request: appRequest,
    });
    await action.handler(ctx as any);

    const head = git(github, 'rev-parse', 'main');
    expect(git(github, 'rev-parse', 'main^')).toBe(mainBefore);
    expect(outputs(ctx)).toEqual({
      commitSha: head,
      branch: 'main',
      path: 'slipway/apps/hello',
      pullRequestUrl: '',
      remoteUrl: 'https://github.com/acme/infra.git',
    });
    expect(Object.keys(refs(github))).toEqual(['refs/heads/main']);
    const manifest = yaml.parse(
      git(github, 'show', 'main:slipway/apps/hello/slipway.yaml'),
    );
    expect(manifest).toEqual({
      apiVersion: 'slipway.dev/v1alpha1',
      kind: 'App',
      metadata: { name: 'hello' },
      spec: {
        containerPort: 8080,
        envNames: ['API_TOKEN', 'LOG_LEVEL'],
        healthPath: '/health',
        host: 'docker-1',
        port: 8080,
        ref: 'main',
        repo: 'https://github.com/acme/hello.git',
      },
    });
    const everything = allObjectText(github);
    expect(everything).toContain('API_TOKEN');
    expect(everything).not.toContain('super-secret-value');
    expect(ctx.logs.join('\n')).not.toContain('super-secret-value');
    expect(apiRequests).toEqual([]);
  });

  it('reports nothing to commit when the request is already in the repository', async () => {
    const action = commitIacAction({ integrations: integrationsWith() });
    const input = {
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'host',
      mode: 'push',
      request: hostRequest,
    };
    await action.handler(context(input) as any);
    const before = refs(github);

    // Same request, keys in another order, now in pull-request mode: still no change, no PR.
    const again = context({
      ...input,
      mode: 'pull-request',
      request: Object.fromEntries(Object.entries(hostRequest).reverse()),
    });
    await action.handler(again as any);
    expect(refs(github)).toEqual(before);
    expect(apiRequests).toEqual([]);
    expect(outputs(again)).toEqual({
      commitSha: before['refs/heads/main'],
      branch: 'main',
      path: 'slipway/hosts/docker-1',
      pullRequestUrl: '',
      remoteUrl: 'https://github.com/acme/infra.git',
    });
    expect(again.logs.join('\n')).toMatch(/Nothing to commit/);
  });

  it('fails with the hook message when a pre-receive hook rejects the push', async () => {
    installHook(
      github,
      'pre-receive',
      '#!/bin/sh\necho "main is frozen for the release" >&2\nexit 1\n',
    );
    const before = refs(github);
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'app',
      mode: 'push',
      request: appRequest,
    });
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toThrow(
      /push to main was rejected by the remote; nothing was pushed/,
    );
    await expect(failure).rejects.toThrow(/main is frozen for the release/);
    await expect(failure).rejects.toThrow(/pre-receive hook declined/);
    expect(refs(github)).toEqual(before);
    expect(ctx.output).not.toHaveBeenCalled();
    expect(leftoverClones()).toEqual([]);
  });

  it('does not open a pull request when the branch push is rejected', async () => {
    installHook(
      github,
      'pre-receive',
      '#!/bin/sh\necho "branches must be named feature/*" >&2\nexit 1\n',
    );
    const before = refs(github);
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'host',
      request: hostRequest,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /branches must be named feature/,
    );
    expect(apiRequests).toEqual([]);
    expect(refs(github)).toEqual(before);
  });

  /** Runs `fn` the moment the action has committed locally, i.e. between clone and push. */
  function onCommitted(ctx: ReturnType<typeof context>, fn: () => void) {
    const info = ctx.logger.info as unknown as jest.Mock;
    const record = info.getMockImplementation()!;
    info.mockImplementation((m: unknown, ...rest: unknown[]) => {
      if (String(m).startsWith('Committed ')) fn();
      return record(m, ...rest);
    });
  }

  it('reports a merge conflict when someone changed the same file meanwhile', async () => {
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'app',
      mode: 'push',
      request: appRequest,
    });
    let other = '';
    onCommitted(ctx, () => {
      other = commitTo(
        github,
        'main',
        { 'slipway/apps/hello/slipway.yaml': 'edited by hand\n' },
        'hand edit',
      );
    });
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toThrow(
      /merge conflict in slipway\/apps\/hello\/slipway.yaml/,
    );
    await expect(failure).rejects.toMatchObject({ name: 'ConflictError' });
    expect(refs(github)).toEqual({ 'refs/heads/main': other });
    expect(git(github, 'show', 'main:slipway/apps/hello/slipway.yaml')).toBe(
      'edited by hand',
    );
    expect(leftoverClones()).toEqual([]);
  });

  it('rebases onto a concurrent commit that does not conflict', async () => {
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'app',
      mode: 'push',
      request: appRequest,
    });
    let other = '';
    onCommitted(ctx, () => {
      other = commitTo(github, 'main', { 'docs/notes.md': 'notes\n' }, 'notes');
    });
    await action.handler(ctx as any);
    const head = git(github, 'rev-parse', 'main');
    expect(git(github, 'rev-parse', 'main^')).toBe(other);
    expect(outputs(ctx).commitSha).toBe(head);
    expect(
      git(github, 'ls-tree', '-r', '--name-only', 'main').split('\n'),
    ).toEqual([
      'README.md',
      'docs/notes.md',
      'slipway/apps/hello/slipway.yaml',
    ]);
    expect(git(github, 'log', '-1', '--format=%an', 'main')).toBe('Jane Doe');
    expect(ctx.logs.join('\n')).toMatch(/rebased the commit onto it/);
  });

  it('keeps the token out of the repository, the clone config, logs and errors', async () => {
    githubApi();
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'host',
      request: hostRequest,
    });
    let cloneConfig = '';
    onCommitted(ctx, () => {
      const [clone] = leftoverClones();
      cloneConfig = fs.readFileSync(
        path.join(workspace.path, clone, '.git', 'config'),
        'utf8',
      );
    });
    await action.handler(ctx as any);
    expect(cloneConfig).toContain('url = https://github.com/acme/infra.git');
    expectNoSecrets(cloneConfig);

    const push = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'app',
      mode: 'push',
      request: appRequest,
    });
    await action.handler(push as any);

    expectNoSecrets(allObjectText(github));
    expectNoSecrets(ctx.logs.join('\n'));
    expectNoSecrets(push.logs.join('\n'));
    expectNoSecrets(JSON.stringify(outputs(ctx)));
  });

  it('authenticates over HTTP with the token only in an Authorization header', async () => {
    const expected = `Basic ${Buffer.from(
      `x-access-token:${GITHUB_TOKEN}`,
    ).toString('base64')}`;
    const remote = await startSmartHttpServer(
      path.join(root, 'github'),
      expected,
    );
    restoreEnv();
    restoreEnv = redirectGit({
      'https://github.com/acme/infra.git': `${remote.url}/acme/infra.git`,
    });
    try {
      const action = commitIacAction({
        integrations: integrationsWith(),
      });
      const ctx = context({
        repoUrl: 'github.com?owner=acme&repo=infra',
        kind: 'app',
        mode: 'push',
        request: appRequest,
      });
      await action.handler(ctx as any);
      expect(git(github, 'rev-parse', 'main')).toBe(outputs(ctx).commitSha);
      expect(remote.requests.length).toBeGreaterThan(0);
      expect(
        remote.requests.some(r => r.url.includes('git-receive-pack')),
      ).toBe(true);
      for (const r of remote.requests) {
        expect(r.authorization).toBe(expected);
        expectNoSecrets(r.url);
      }

      // A wrong token: git is refused, and the error does not show the token.
      const before = refs(github);
      const wrong = commitIacAction({
        integrations: integrationsWith('ghp_wrong_token_value'),
      });
      const failed = context({
        repoUrl: 'github.com?owner=acme&repo=infra',
        kind: 'host',
        mode: 'push',
        request: hostRequest,
      });
      const error = await wrong.handler(failed as any).catch(e => e);
      expect(error.message).toMatch(
        /Cannot clone https:\/\/github.com\/acme\/infra.git/,
      );
      expect(`${error.message}${error.stack}`).not.toContain(
        'ghp_wrong_token_value',
      );
      expect(refs(github)).toEqual(before);
    } finally {
      await remote.close();
    }
  });

  it('refuses an invalid request before cloning, naming field and rule', async () => {
    const before = refs(github);
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'host',
      request: {
        ...hostRequest,
        region: 'mars-north-9x',
        ssh_cidrs: ['10.0.0.0/33'],
      },
    });
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toMatchObject({ name: 'InputError' });
    await expect(failure).rejects.toThrow(
      /Invalid provision request: region: region must be an AWS region/,
    );
    await expect(failure).rejects.toThrow(
      /ssh_cidrs.0: ssh_cidrs entries must be IPv4 CIDR/,
    );
    expect(ctx.createTemporaryDirectory).not.toHaveBeenCalled();
    expect(refs(github)).toEqual(before);

    // A deploy request given as a host: the provision schema names what does not belong.
    const mixed = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'host',
      request: appRequest,
    });
    await expect(action.handler(mixed as any)).rejects.toThrow(
      /unknown field\(s\): repo/,
    );
  });

  it.each([
    [
      'a shell-breaking name',
      { kind: 'app', request: { ...appRequest, name: 'x"; rm -rf /' } },
      /name: name must be a DNS label/,
    ],
    [
      'a Terraform expression in a tag',
      {
        kind: 'host',
        request: {
          ...hostRequest,
          tags: { CostCenter: '${file("/etc/passwd")}' },
        },
      },
      /tags.CostCenter: tag values may contain/,
    ],
    [
      'a path that leaves the repository',
      { kind: 'app', request: appRequest, path: '../../etc' },
      /path: path must not contain "\." or "\.\." segments/,
    ],
    [
      'an absolute path',
      { kind: 'app', request: appRequest, path: '/etc/cron.d' },
      /path: path must be relative/,
    ],
    [
      'a module source that breaks out of a string',
      {
        kind: 'host',
        request: hostRequest,
        moduleSource: './m" } resource "x" "y',
      },
      /moduleSource: moduleSource may contain only/,
    ],
    [
      'a target branch that is an option',
      { kind: 'app', request: appRequest, targetBranch: '--upload-pack=touch' },
      /targetBranch: targetBranch must not start with "-"/,
    ],
    [
      'an unconfigured host',
      {
        kind: 'app',
        request: appRequest,
        repoUrl: 'example.com?owner=a&repo=b',
      },
      /repoUrl host example.com is not configured/,
    ],
    [
      'a repoUrl that is not in RepoUrlPicker format',
      {
        kind: 'app',
        request: appRequest,
        repoUrl: 'https://github.com/acme/infra.git',
      },
      /repoUrl/,
    ],
    [
      'an unknown kind',
      { kind: 'database', request: appRequest },
      /kind must be one of host, app/,
    ],
    [
      'an unknown mode',
      { kind: 'app', request: appRequest, mode: 'force-push' },
      /mode must be one of pull-request, push/,
    ],
    [
      'a multi-line title',
      { kind: 'app', request: appRequest, title: 'a\nb' },
      /title must be one line/,
    ],
  ])('refuses %s before cloning', async (_what, input, message) => {
    const before = refs(github);
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      ...(input as JsonObject),
    });
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toMatchObject({ name: 'InputError' });
    await expect(failure).rejects.toThrow(message);
    expect(ctx.createTemporaryDirectory).not.toHaveBeenCalled();
    expect(refs(github)).toEqual(before);
    expect(apiRequests).toEqual([]);
  });

  it('dry-run renders only: no clone, no push, no API call', async () => {
    expect(
      commitIacAction({ integrations: integrationsWith() }).supportsDryRun,
    ).toBe(true);
    const before = refs(github);
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context(
      {
        repoUrl: 'github.com?owner=acme&repo=infra',
        kind: 'host',
        request: hostRequest,
      },
      { user, isDryRun: true },
    );
    await action.handler(ctx as any);
    expect(outputs(ctx)).toEqual({
      commitSha: '0'.repeat(40),
      branch: 'slipway/host-docker-1-mocktask',
      path: 'slipway/hosts/docker-1',
      pullRequestUrl: 'https://github.com/acme/infra/pull/0',
      remoteUrl: 'https://github.com/acme/infra.git',
    });
    expect(ctx.logs.join('\n')).toMatch(
      /would write slipway\/hosts\/docker-1\/main.tf.json \(\d+ bytes\)/,
    );
    expect(ctx.logs.join('\n')).toMatch(
      /would write slipway\/hosts\/docker-1\/slipway.yaml \(\d+ bytes\)/,
    );
    expect(ctx.createTemporaryDirectory).not.toHaveBeenCalled();
    expect(apiRequests).toEqual([]);
    expect(refs(github)).toEqual(before);

    const gitlabDry = context(
      {
        repoUrl: 'gitlab.com?owner=platform/gitops&repo=infra',
        kind: 'app',
        mode: 'push',
        targetBranch: 'production',
        request: appRequest,
      },
      { user, isDryRun: true },
    );
    await action.handler(gitlabDry as any);
    expect(outputs(gitlabDry)).toMatchObject({
      branch: 'production',
      pullRequestUrl: '',
      path: 'slipway/apps/hello',
    });
  });

  it('targets another branch, and fails clearly on a branch that does not exist', async () => {
    git(github, 'branch', 'production', 'main');
    const calls = githubApi();
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'app',
      targetBranch: 'production',
      request: appRequest,
    });
    await action.handler(ctx as any);
    expect(calls[0].body.base).toBe('production');

    const missing = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'app',
      mode: 'push',
      targetBranch: 'does-not-exist',
      request: appRequest,
    });
    await expect(action.handler(missing as any)).rejects.toThrow(
      /Cannot clone https:\/\/github.com\/acme\/infra.git \(branch does-not-exist\)/,
    );
    expect(leftoverClones()).toEqual([]);
  });

  it("pushes to the remote's default branch when none is given", async () => {
    const trunk = createBareRepo(root, 'github/acme/trunk-infra', 'trunk');
    restoreEnv();
    restoreEnv = redirectGit({
      'https://github.com/acme/infra.git': `file://${trunk}`,
    });
    const action = commitIacAction({ integrations: integrationsWith() });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'app',
      mode: 'push',
      request: appRequest,
    });
    await action.handler(ctx as any);
    expect(outputs(ctx).branch).toBe('trunk');
    expect(git(trunk, 'rev-parse', 'trunk')).toBe(outputs(ctx).commitSha);
  });

  it('falls back to the user ref, then to Slipway, as the author', async () => {
    const action = commitIacAction({ integrations: integrationsWith() });
    await action.handler(
      context(
        {
          repoUrl: 'github.com?owner=acme&repo=infra',
          kind: 'app',
          mode: 'push',
          request: appRequest,
        },
        { user: { ref: 'user:default/jane' } },
      ) as any,
    );
    expect(git(github, 'log', '-1', '--format=%an <%ae>', 'main')).toBe(
      'jane <jane@users.noreply.slipway>',
    );
    await action.handler(
      context(
        {
          repoUrl: 'github.com?owner=acme&repo=infra',
          kind: 'host',
          mode: 'push',
          request: hostRequest,
        },
        {},
      ) as any,
    );
    expect(git(github, 'log', '-1', '--format=%an <%ae>', 'main')).toBe(
      'Slipway <slipway@users.noreply.slipway>',
    );
  });

  it('does not follow a symbolic link committed to the GitOps repository', async () => {
    const outside = tempDir('slipway-outside-');
    const work = tempDir('slipway-symlink-');
    try {
      git(work, 'clone', '-q', github, '.');
      fs.symlinkSync(outside, path.join(work, 'slipway'));
      git(work, 'add', '-A');
      git(
        work,
        '-c',
        'user.name=x',
        '-c',
        'user.email=x@example.com',
        'commit',
        '-q',
        '-m',
        'link',
      );
      git(work, 'push', '-q', 'origin', 'main');
      const before = refs(github);
      const action = commitIacAction({
        integrations: integrationsWith(),
      });
      const ctx = context({
        repoUrl: 'github.com?owner=acme&repo=infra',
        kind: 'app',
        mode: 'push',
        request: appRequest,
      });
      await expect(action.handler(ctx as any)).rejects.toThrow(
        /slipway exists in the GitOps repository and is not a folder/,
      );
      expect(fs.readdirSync(outside)).toEqual([]);
      expect(refs(github)).toEqual(before);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('uses the module source and public key from app-config', async () => {
    const key =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPTTbJb+67W8PT4+LfxngYCX6H5Hfffma9+QkFMo5Doz slipway';
    const action = commitIacAction({
      integrations: integrationsWith(),
      config: new ConfigReader({
        slipway: {
          gitops: {
            moduleSource:
              'git::https://github.com/acme/slipway.git//terraform/modules/docker-host?ref=v1.0.0',
          },
          iac: { sshPublicKey: key },
        },
      }),
    });
    const ctx = context({
      repoUrl: 'github.com?owner=acme&repo=infra',
      kind: 'host',
      mode: 'push',
      request: hostRequest,
    });
    await action.handler(ctx as any);
    const tf = JSON.parse(
      git(github, 'show', 'main:slipway/hosts/docker-1/main.tf.json'),
    );
    expect(tf.module.docker_host.source).toBe(
      'git::https://github.com/acme/slipway.git//terraform/modules/docker-host?ref=v1.0.0',
    );
    expect(tf.module.docker_host.ssh_public_key).toBe(key);

    const badConfig = commitIacAction({
      integrations: integrationsWith(),
      config: new ConfigReader({
        slipway: { gitops: { moduleSource: 'x"y' } },
      }),
    });
    await expect(
      badConfig.handler(
        context({
          repoUrl: 'github.com?owner=acme&repo=infra',
          kind: 'host',
          request: hostRequest,
        }) as any,
      ),
    ).rejects.toThrow(/slipway.gitops.moduleSource in app-config/);
  });
});

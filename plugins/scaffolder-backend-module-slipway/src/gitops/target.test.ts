import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  getCredentials,
  parseRepoUrl,
  pullRequestPlaceholderUrl,
  resolveTarget,
} from './target';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [
        {
          host: 'github.com',
          token: 'ghp_test_token_value',
          apiBaseUrl: 'https://api.github.com',
        },
        {
          host: 'ghe.example.com',
          apiBaseUrl: 'https://ghe.example.com/api/v3',
        },
      ],
      gitlab: [
        {
          host: 'gitlab.com',
          token: 'glpat-test-token',
          apiBaseUrl: 'https://gitlab.com/api/v4',
        },
        {
          host: 'git.example.com',
          token: 'glpat-self-hosted',
          apiBaseUrl: 'https://git.example.com/gitlab/api/v4',
          baseUrl: 'https://git.example.com/gitlab',
        },
      ],
      bitbucketCloud: [{ username: 'u', appPassword: 'p' }],
    },
  }),
);

describe('parseRepoUrl', () => {
  it('reads host, owner and repo', () => {
    expect(parseRepoUrl('github.com?owner=acme&repo=platform-infra')).toEqual({
      host: 'github.com',
      owner: 'acme',
      repo: 'platform-infra',
    });
    expect(parseRepoUrl('gitlab.com?repo=infra.git&owner=group/sub')).toEqual({
      host: 'gitlab.com',
      owner: 'group/sub',
      repo: 'infra',
    });
  });

  it.each([
    ['https://github.com/acme/infra', /repoUrl/],
    ['github.com', /repoUrl must look like/],
    ['github.com?owner=acme', /exactly one owner and one repo/],
    ['github.com?owner=acme&repo=a&repo=b', /exactly one owner and one repo/],
    ['github.com?owner=acme&repo=x&workspace=w', /unsupported parameter/],
    ['github.com?owner=acme&repo=../x', /repoUrl: repo/],
    ['github.com?owner=..&repo=x', /repoUrl: owner/],
    ['github.com?owner=acme&repo=a/b', /repoUrl: repo must not contain "\/"/],
    ['github.com?owner=-x&repo=y', /repoUrl: owner/],
    ['github.com?owner=a%20b&repo=y', /repoUrl: owner/],
    ['evil.com@github.com?owner=a&repo=b', /repoUrl host/],
  ])('rejects %j', (value, message) => {
    expect(() => parseRepoUrl(value)).toThrow(message);
  });
});

describe('resolveTarget', () => {
  it('resolves GitHub with its API base URL', () => {
    expect(
      resolveTarget(integrations, 'github.com?owner=acme&repo=infra'),
    ).toEqual({
      provider: 'github',
      host: 'github.com',
      owner: 'acme',
      repo: 'infra',
      remoteUrl: 'https://github.com/acme/infra.git',
      webUrl: 'https://github.com/acme/infra',
      apiBaseUrl: 'https://api.github.com',
    });
  });

  it('resolves self-hosted GitLab below its base URL', () => {
    const target = resolveTarget(
      integrations,
      'git.example.com?owner=platform/gitops&repo=infra',
    );
    expect(target.remoteUrl).toBe(
      'https://git.example.com/gitlab/platform/gitops/infra.git',
    );
    expect(target.apiBaseUrl).toBe('https://git.example.com/gitlab/api/v4');
    expect(pullRequestPlaceholderUrl(target)).toBe(
      'https://git.example.com/gitlab/platform/gitops/infra/-/merge_requests/0',
    );
  });

  it('names a host that is not configured, or not supported', () => {
    expect(() =>
      resolveTarget(integrations, 'example.com?owner=a&repo=b'),
    ).toThrow(/repoUrl host example.com is not configured/);
    expect(() =>
      resolveTarget(integrations, 'bitbucket.org?owner=a&repo=b'),
    ).toThrow(/bitbucket.org is a bitbucketCloud integration/);
  });

  it('refuses subgroups on GitHub', () => {
    expect(() =>
      resolveTarget(integrations, 'github.com?owner=a/b&repo=c'),
    ).toThrow(/GitHub owner cannot contain/);
  });
});

describe('getCredentials', () => {
  it('uses x-access-token for GitHub and oauth2 for GitLab', async () => {
    await expect(
      getCredentials(
        integrations,
        resolveTarget(integrations, 'github.com?owner=acme&repo=infra'),
      ),
    ).resolves.toEqual({
      username: 'x-access-token',
      token: 'ghp_test_token_value',
    });
    await expect(
      getCredentials(
        integrations,
        resolveTarget(integrations, 'gitlab.com?owner=g&repo=infra'),
      ),
    ).resolves.toEqual({ username: 'oauth2', token: 'glpat-test-token' });
  });

  it('fails naming the host when no token is configured', async () => {
    await expect(
      getCredentials(
        integrations,
        resolveTarget(integrations, 'ghe.example.com?owner=acme&repo=infra'),
      ),
    ).rejects.toThrow(
      /No token or GitHub App is configured for ghe.example.com/,
    );
  });
});

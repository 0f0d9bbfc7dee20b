import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';

/** An HTTP Authorization header for cloning, and the values to mask wherever they could show. */
export type GitAuth = { header: string; secrets: string[] };

/**
 * Credentials for private repos come from Backstage's `integrations` config (the same tokens the
 * scaffolder and catalog use), matched by the repo's host. They are never stored and never
 * reach argv or logs.
 */
export class GitCredentials {
  constructor(private readonly integrations: ScmIntegrations) {}

  static fromConfig(config: Config): GitCredentials {
    return new GitCredentials(ScmIntegrations.fromConfig(config));
  }

  forRepo(repoUrl: string): GitAuth | undefined {
    if (!repoUrl.startsWith('http')) return undefined;
    const integration = this.integrations.byUrl(repoUrl);
    const token = (
      integration as unknown as { config?: { token?: string } } | undefined
    )?.config?.token;
    if (!integration || !token) return undefined;
    // The user names GitHub and GitLab document for token authentication over HTTPS.
    const user = integration.type === 'gitlab' ? 'oauth2' : 'x-access-token';
    const basic = Buffer.from(`${user}:${token}`).toString('base64');
    return { header: `Authorization: Basic ${basic}`, secrets: [token, basic] };
  }
}

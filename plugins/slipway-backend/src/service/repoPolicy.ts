import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

const DEFAULT_HOSTS = ['github.com', 'gitlab.com', 'bitbucket.org'];
const INTEGRATION_KINDS = [
  'github',
  'gitlab',
  'bitbucketCloud',
  'bitbucketServer',
  'azure',
  'gitea',
  'gerrit',
];

/** Which hosts apps may be cloned from: `slipway.repos.allowedHosts`, or the integrations' hosts. */
export function readAllowedRepoHosts(config: Config): string[] {
  const configured = config.getOptionalStringArray(
    'slipway.repos.allowedHosts',
  );
  if (configured) return configured.map(h => h.toLowerCase());
  const fromIntegrations = INTEGRATION_KINDS.flatMap(kind =>
    (config.getOptionalConfigArray(`integrations.${kind}`) ?? [])
      .map(c => c.getOptionalString('host'))
      .filter((h): h is string => !!h),
  );
  return [
    ...new Set([
      ...DEFAULT_HOSTS,
      ...fromIntegrations.map(h => h.toLowerCase()),
    ]),
  ];
}

/** A repo from any other host is refused before anything runs. */
export function checkRepoHost(repo: string, allowed: string[]): void {
  const url = new URL(repo);
  const host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  const ok = allowed.some(
    a => a === url.hostname.toLowerCase() || a === host.toLowerCase(),
  );
  if (!ok) {
    throw new InputError(
      `repo: host "${
        url.hostname
      }" is not an allowed repository host (allowed: ${allowed.join(
        ', ',
      )}; see slipway.repos.allowedHosts)`,
    );
  }
}

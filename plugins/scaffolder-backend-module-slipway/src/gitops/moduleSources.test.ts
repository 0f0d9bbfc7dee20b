import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readAllowedModuleSources, resolveModuleSource } from './moduleSources';

const HOSTS = 'slipway/hosts/docker-1';
const OWN = '../../../terraform/modules/docker-host';
const PLATFORM =
  'git::https://github.com/acme/slipway.git//terraform/modules/docker-host?ref=v1.0.0';
const FOREIGN = 'git::https://evil.example.com/modules.git//miner';

function gitops(values: object) {
  return new ConfigReader({ slipway: { gitops: values } });
}

describe('resolveModuleSource', () => {
  it('uses the configured source, else the repository own module, without an input', () => {
    expect(resolveModuleSource(undefined, HOSTS, undefined)).toBe(OWN);
    expect(resolveModuleSource(undefined, 'teams/a/hosts/h', undefined)).toBe(
      '../../../../terraform/modules/docker-host',
    );
    expect(
      resolveModuleSource(undefined, HOSTS, gitops({ moduleSource: PLATFORM })),
    ).toBe(PLATFORM);
  });

  it('admits by default only the own module and slipway.gitops.moduleSource', () => {
    expect(resolveModuleSource(OWN, HOSTS, undefined)).toBe(OWN);
    const config = gitops({ moduleSource: PLATFORM });
    expect(resolveModuleSource(PLATFORM, HOSTS, config)).toBe(PLATFORM);
    expect(resolveModuleSource(OWN, HOSTS, config)).toBe(OWN);

    expect(() => resolveModuleSource(FOREIGN, HOSTS, undefined)).toThrow(
      new InputError(
        `moduleSource "${FOREIGN}" is not allowed: it must be one of the sources in slipway.gitops.allowedModuleSources (unset, so only ${OWN})`,
      ),
    );
    expect(() => resolveModuleSource(FOREIGN, HOSTS, config)).toThrow(
      `(unset, so only ${OWN}, ${PLATFORM})`,
    );
  });

  it('matches configured entries exactly, or by prefix when they end in *', () => {
    const config = gitops({
      allowedModuleSources: [
        'git::https://git.example.com/platform/modules.git//docker-host?ref=*',
        'app.terraform.io/acme/docker-host/aws',
      ],
    });
    const ok = (source: string) => resolveModuleSource(source, HOSTS, config);
    expect(
      ok(
        'git::https://git.example.com/platform/modules.git//docker-host?ref=v2',
      ),
    ).toBe(
      'git::https://git.example.com/platform/modules.git//docker-host?ref=v2',
    );
    expect(ok('app.terraform.io/acme/docker-host/aws')).toBe(
      'app.terraform.io/acme/docker-host/aws',
    );
    // The source used without the input is admitted: leaving it out gives the same.
    expect(ok(OWN)).toBe(OWN);
    for (const refused of [
      'app.terraform.io/acme/docker-host/aws2',
      'git::https://git.example.com/platform/modules.git//other?ref=v2',
      FOREIGN,
    ]) {
      expect(() => ok(refused)).toThrow(
        /^moduleSource ".*" is not allowed: it must be one of the sources in slipway\.gitops\.allowedModuleSources \(git::https:\/\/git\.example\.com\/platform\/modules\.git\/\/docker-host\?ref=\*, app\.terraform\.io\/acme\/docker-host\/aws\)$/,
      );
    }
  });

  it('checks the characters of a source before the list', () => {
    expect(() => resolveModuleSource('./m" }', HOSTS, undefined)).toThrow(
      /^moduleSource: moduleSource may contain only/,
    );
  });

  it('refuses an empty list to every input but the default', () => {
    const config = gitops({ allowedModuleSources: [] });
    expect(() => resolveModuleSource(PLATFORM, HOSTS, config)).toThrow(
      '(an empty list)',
    );
    expect(resolveModuleSource(OWN, HOSTS, config)).toBe(OWN);
  });
});

describe('readAllowedModuleSources', () => {
  it('names the entry and the rule of a bad value', () => {
    expect(() =>
      readAllowedModuleSources(
        gitops({ allowedModuleSources: ['ok/source', 'git::https://x/*/m'] }),
      ),
    ).toThrow(
      'Invalid config slipway.gitops.allowedModuleSources[1]: only a trailing * is allowed, as a prefix match, got "git::https://x/*/m"',
    );
    expect(() =>
      readAllowedModuleSources(gitops({ allowedModuleSources: ['a b*'] })),
    ).toThrow(
      /^Invalid config slipway\.gitops\.allowedModuleSources\[0\]: moduleSource may contain only/,
    );
    expect(readAllowedModuleSources(undefined)).toBeUndefined();
  });
});

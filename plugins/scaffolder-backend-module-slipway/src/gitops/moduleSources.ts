/**
 * Which Terraform module sources a `slipway:commit-iac` caller may choose. A module runs with
 * the pipeline's cloud credentials at `terraform apply`, so a source chosen in a template form
 * is as powerful as the pipeline itself: only the sources an admin listed may be used.
 */
// Only the type: the package declares @backstage/config for tests, and callers pass their own.
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { checkModuleSource, defaultModuleSource } from './renderIac';

export const ALLOWED_MODULE_SOURCES_KEY = 'slipway.gitops.allowedModuleSources';
export const MODULE_SOURCE_KEY = 'slipway.gitops.moduleSource';

/** An entry ending in `*` matches every source that starts with the rest of it. */
function matches(entry: string, source: string): boolean {
  return entry.endsWith('*')
    ? source.startsWith(entry.slice(0, -1))
    : source === entry;
}

/**
 * The configured list, each entry checked like a source (a trailing `*` aside); the action
 * reads it once at start too, so a bad entry stops the backend instead of a template.
 */
export function readAllowedModuleSources(
  config: Config | undefined,
): string[] | undefined {
  const entries = config?.getOptionalStringArray(ALLOWED_MODULE_SOURCES_KEY);
  entries?.forEach((entry, i) => {
    const body = entry.endsWith('*') ? entry.slice(0, -1) : entry;
    let problem: string | undefined;
    if (body.includes('*')) {
      problem = 'only a trailing * is allowed, as a prefix match';
    } else if (body !== '') {
      problem = checkModuleSource(body);
    }
    if (problem) {
      throw new Error(
        `Invalid config ${ALLOWED_MODULE_SOURCES_KEY}[${i}]: ${problem}, got ${JSON.stringify(
          entry,
        )}`,
      );
    }
  });
  return entries;
}

/**
 * The module source for a host rendered into `iacPath`: the `moduleSource` input if the
 * allow-list admits it, else `slipway.gitops.moduleSource`, else the repository's own
 * `terraform/modules/docker-host` as a relative path. Throws before anything is cloned.
 */
export function resolveModuleSource(
  fromInput: string | undefined,
  iacPath: string,
  config: Config | undefined,
): string {
  const fromConfig = config?.getOptionalString(MODULE_SOURCE_KEY);
  const fallback = fromConfig ?? defaultModuleSource(iacPath);
  if (fromInput === undefined) {
    const problem = checkModuleSource(fallback);
    if (problem) {
      throw new InputError(`${MODULE_SOURCE_KEY} in app-config: ${problem}`);
    }
    return fallback;
  }

  const problem = checkModuleSource(fromInput);
  if (problem) throw new InputError(`moduleSource: ${problem}`);
  const configured = readAllowedModuleSources(config);
  // The source used without the input is always admitted: leaving the input out gives it anyway.
  const allowed = configured ?? [
    defaultModuleSource(iacPath),
    ...(fromConfig ? [fromConfig] : []),
  ];
  if (fromInput === fallback || allowed.some(e => matches(e, fromInput))) {
    return fromInput;
  }
  throw new InputError(
    `moduleSource ${JSON.stringify(
      fromInput,
    )} is not allowed: it must be one of the sources in ${ALLOWED_MODULE_SOURCES_KEY} (${
      configured
        ? configured.join(', ') || 'an empty list'
        : `unset, so only ${allowed.join(', ')}`
    })`,
  );
}

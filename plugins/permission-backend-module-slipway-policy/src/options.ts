import {
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';

/** Who may read Slipway apps and hosts: every signed-in user, or only owners and admins. */
export type SlipwayReadAccess = 'all' | 'owners';

/**
 * The options of the Slipway policy, as `slipway.permissions` in config gives them.
 *
 * @public
 */
export type SlipwayPolicyOptions = {
  /**
   * Group entity refs whose members may do everything in Slipway. Compared case-insensitively;
   * `group:platform-admins` and `group:default/platform-admins` are the same group.
   */
  adminGroups?: readonly string[];
  /** `all` (default): every signed-in user reads; `owners`: only owners and admins do. */
  readAccess?: SlipwayReadAccess;
};

const ADMIN_GROUPS_KEY = 'slipway.permissions.adminGroups';
const READ_ACCESS_KEY = 'slipway.permissions.readAccess';
const READ_ACCESS_VALUES: readonly SlipwayReadAccess[] = ['all', 'owners'];

/**
 * Reads `slipway.permissions` from config. A bad value is an error that names the key and
 * the rule, thrown when the backend starts rather than at the first request.
 *
 * @public
 */
export function readSlipwayPolicyOptions(
  config: Config,
): Required<SlipwayPolicyOptions> {
  const adminGroups = config.getOptional(ADMIN_GROUPS_KEY);
  const readAccess = config.getOptional(READ_ACCESS_KEY);
  return {
    adminGroups: checkAdminGroups(adminGroups, ADMIN_GROUPS_KEY),
    readAccess: checkReadAccess(readAccess, READ_ACCESS_KEY),
  };
}

function checkReadAccess(value: unknown, key: string): SlipwayReadAccess {
  if (value === undefined) return 'all';
  if (
    typeof value !== 'string' ||
    !(READ_ACCESS_VALUES as readonly string[]).includes(value)
  ) {
    throw new Error(
      `Invalid config ${key}: must be one of ${READ_ACCESS_VALUES.map(
        v => `'${v}'`,
      ).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as SlipwayReadAccess;
}

function checkAdminGroups(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new Error(
      `Invalid config ${key}: must be a list of group entity refs such as 'group:default/platform-admins', got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value.map((ref, index) => {
    const groupRef = groupRefOf(ref);
    if (!groupRef) {
      throw new Error(
        `Invalid config ${key}[${index}]: must be a group entity ref such as 'group:default/platform-admins' (kind 'group', namespace optional), got ${JSON.stringify(
          ref,
        )}`,
      );
    }
    return groupRef;
  });
}

/**
 * The normalized form of a group entity ref (`group:<namespace>/<name>`, lower case), or
 * undefined when `ref` is not one. The kind must be written: `platform-admins` alone could
 * be read as a user as well as a group.
 */
function groupRefOf(ref: unknown): string | undefined {
  if (typeof ref !== 'string' || !/^[^:/\s]+:/.test(ref)) return undefined;
  const normalized = normalizeEntityRef(ref);
  return normalized?.startsWith('group:') ? normalized : undefined;
}

/**
 * An entity ref in the form the policy compares: kind, namespace (`default` when left out)
 * and name, lower case. Undefined when `ref` cannot be parsed.
 */
export function normalizeEntityRef(ref: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref.trim(), { defaultNamespace: DEFAULT_NAMESPACE }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/** Options with their defaults, adminGroups normalized; throws as config would for bad ones. */
export function resolveSlipwayPolicyOptions(
  options: SlipwayPolicyOptions | undefined,
): Required<SlipwayPolicyOptions> {
  return {
    adminGroups: checkAdminGroups(
      options?.adminGroups ?? [],
      'options.adminGroups',
    ),
    readAccess: checkReadAccess(options?.readAccess, 'options.readAccess'),
  };
}

import {
  AuthorizeResult,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { Config } from '@backstage/config';
import {
  SLIPWAY_APP_RESOURCE_TYPE,
  SLIPWAY_HOST_RESOURCE_TYPE,
  slipwayHostDeployPermission,
} from '@slipway/plugin-slipway-common';
import {
  createSlipwayAppConditionalDecision,
  createSlipwayHostConditionalDecision,
  slipwayAppConditions,
  slipwayHostConditions,
} from '@slipway/plugin-slipway-node';
import {
  normalizeEntityRef,
  readSlipwayPolicyOptions,
  resolveSlipwayPolicyOptions,
  SlipwayPolicyOptions,
} from './options';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/** Options resolved once per options object: the helper is called for every request. */
const resolved = new WeakMap<
  SlipwayPolicyOptions,
  Required<SlipwayPolicyOptions>
>();

function resolve(options: SlipwayPolicyOptions | undefined) {
  if (!options) return resolveSlipwayPolicyOptions(undefined);
  let r = resolved.get(options);
  if (!r) {
    r = resolveSlipwayPolicyOptions(options);
    resolved.set(options, r);
  }
  return r;
}

/** Whether a permission is Slipway's: one of its resource types, or a `slipway.` name. */
export function isSlipwayPermission(permission: Permission): boolean {
  return (
    isResourcePermission(permission, SLIPWAY_APP_RESOURCE_TYPE) ||
    isResourcePermission(permission, SLIPWAY_HOST_RESOURCE_TYPE) ||
    permission.name.startsWith('slipway.')
  );
}

/** Whether the user is a member of one of the admin groups (normalized refs). */
function isAdmin(
  user: PolicyQueryUser,
  adminGroups: readonly string[],
): boolean {
  if (adminGroups.length === 0) return false;
  return ownershipOf(user).some(ref => {
    const normalized = normalizeEntityRef(ref);
    return normalized !== undefined && adminGroups.includes(normalized);
  });
}

function ownershipOf(user: PolicyQueryUser): string[] {
  // `info` is the user's ownership as the sign-in resolver gave it (the user and their
  // groups); it is what the catalog's own policies pass as claims.
  return user.info.ownershipEntityRefs ?? [];
}

/**
 * Decides a Slipway permission, or returns undefined when the permission is not Slipway's
 * (so a policy can compose it with its own decisions):
 *
 * - no user (an unauthenticated request; services never reach a policy): DENY;
 * - a member of `adminGroups`: ALLOW;
 * - a read of an app or a host (`action: 'read'`): ALLOW with `readAccess: 'all'` (the
 *   default), else CONDITIONAL on `IS_OWNER` with the user's ownership entity refs;
 * - any other app or host permission (deploy, operate, destroy, provision): CONDITIONAL on
 *   `IS_OWNER` with the user's ownership entity refs; deploying onto a host also on
 *   `HAS_NO_OWNER` (shared hosts take every team's apps);
 * - a `slipway.` permission that is neither (a basic one): DENY, it is for admins.
 *
 * @public
 */
export function decideSlipwayPermission(
  request: PolicyQuery,
  user: PolicyQueryUser | undefined,
  options?: SlipwayPolicyOptions,
): PolicyDecision | undefined {
  const { permission } = request;
  if (!isSlipwayPermission(permission)) return undefined;
  if (!user) return DENY;

  const { adminGroups, readAccess } = resolve(options);
  if (isAdmin(user, adminGroups)) return ALLOW;

  const isRead = permission.attributes.action === 'read';
  if (isRead && readAccess === 'all') {
    if (
      isResourcePermission(permission, SLIPWAY_APP_RESOURCE_TYPE) ||
      isResourcePermission(permission, SLIPWAY_HOST_RESOURCE_TYPE)
    ) {
      return ALLOW;
    }
  }

  const claims = ownershipOf(user);
  if (isResourcePermission(permission, SLIPWAY_APP_RESOURCE_TYPE)) {
    return createSlipwayAppConditionalDecision(
      permission,
      slipwayAppConditions.isOwner({ claims }),
    );
  }
  if (isResourcePermission(permission, SLIPWAY_HOST_RESOURCE_TYPE)) {
    const owns = slipwayHostConditions.isOwner({ claims });
    // A shared host (no owner) takes every team's apps; a team's own host only its apps.
    return createSlipwayHostConditionalDecision(
      permission,
      permission.name === slipwayHostDeployPermission.name
        ? { anyOf: [owns, slipwayHostConditions.hasNoOwner()] }
        : owns,
    );
  }
  return DENY;
}

/**
 * The policy every non-Slipway permission goes to by default: ALLOW, as the allow-all policy
 * the portal ran before did. Pass your own `fallbackPolicy` to decide the others.
 *
 * @public
 */
export class AllowAllFallbackPolicy implements PermissionPolicy {
  async handle(): Promise<PolicyDecision> {
    return ALLOW;
  }
}

/**
 * Options of {@link SlipwayPermissionPolicy}: Slipway's own, plus the policy that decides
 * every permission that is not Slipway's.
 *
 * @public
 */
export type SlipwayPermissionPolicyOptions = SlipwayPolicyOptions & {
  /** Decides the permissions that are not Slipway's. Default: ALLOW them all. */
  fallbackPolicy?: PermissionPolicy;
};

/**
 * Slipway's permission policy: Slipway's permissions by {@link decideSlipwayPermission},
 * every other one by the fallback policy (ALLOW by default).
 *
 * @public
 */
export class SlipwayPermissionPolicy implements PermissionPolicy {
  /** The policy as `slipway.permissions` in config sets it; throws for bad values. */
  static fromConfig(
    config: Config,
    options?: { fallbackPolicy?: PermissionPolicy },
  ): SlipwayPermissionPolicy {
    return new SlipwayPermissionPolicy({
      ...readSlipwayPolicyOptions(config),
      fallbackPolicy: options?.fallbackPolicy,
    });
  }

  private readonly options: Required<SlipwayPolicyOptions>;
  private readonly fallbackPolicy: PermissionPolicy;

  constructor(options: SlipwayPermissionPolicyOptions = {}) {
    this.options = resolveSlipwayPolicyOptions(options);
    this.fallbackPolicy =
      options.fallbackPolicy ?? new AllowAllFallbackPolicy();
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    return (
      decideSlipwayPermission(request, user, this.options) ??
      this.fallbackPolicy.handle(request, user)
    );
  }
}

import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { SLIPWAY_HOST_RESOURCE_TYPE } from '@slipway/plugin-slipway-common';
import { SlipwayOwnedResource } from '@slipway/plugin-slipway-node';
import { Request } from 'express';
import { ListAccess } from '../permissions/ownerFilter';
import { ConditionEvaluator } from '../permissions/rulesets';

/** The answer to "may they, on some of them?": the decision and what it means for a list. */
export type ListDecision = {
  credentials: BackstageCredentials;
  decision: PolicyDecision;
  list: ListAccess;
};

/** What each permission lets one do, as a refusal says it ("You are not allowed to …"). */
const ACTIONS: Record<string, string> = {
  'slipway.app.read': 'see the app',
  'slipway.app.deploy': 'deploy the app',
  'slipway.app.operate':
    'restart, redeploy, roll back or cancel jobs of the app',
  'slipway.app.destroy': 'destroy the app',
  'slipway.host.read': 'see the host',
  'slipway.host.provision': 'provision the host',
  'slipway.host.deploy': 'deploy apps onto the host',
  'slipway.host.destroy': 'destroy the host',
};

/** A 403 in words a user can act on: what they may not do, on what, and whom to ask. */
function refused(permission: ResourcePermission, resourceRef?: string) {
  const action =
    ACTIONS[permission.name] ??
    permission.name.replace(/^slipway\./, '').replace('.', ' ');
  const kind =
    permission.resourceType === SLIPWAY_HOST_RESOURCE_TYPE ? 'hosts' : 'apps';
  return new NotAllowedError(
    resourceRef
      ? `You are not allowed to ${action} "${resourceRef}": ask its owners or a Slipway admin`
      : `You are not allowed to ${action.replace(
          /\bthe (app|host)\b/,
          `any ${kind.slice(0, -1)}`,
        )}: ask a Slipway admin`,
  );
}

/**
 * Who is asking, and whether the permission policy lets them act on a resource. A single
 * resource is authorized by the permission framework itself (it loads the resource through
 * our registered `getResources` to apply a conditional decision); lists and resources that do
 * not exist yet take the conditional decision and apply it here.
 */
export class Access {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
    private readonly evaluators: {
      app: ConditionEvaluator;
      host: ConditionEvaluator;
    },
  ) {}

  /** The caller, or a 401. */
  async credentials(req: Request): Promise<BackstageCredentials> {
    return this.httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  /**
   * The caller, if the policy allows `permission` on the resource named `resourceRef`. A
   * function (such as `nameParam`) is read after authentication, so a caller without
   * credentials gets a 401 before any 400 about the name.
   */
  async require(
    req: Request,
    permission: ResourcePermission,
    resourceRef: string | ((req: Request) => string),
  ): Promise<BackstageCredentials> {
    const credentials = await this.credentials(req);
    const ref =
      typeof resourceRef === 'function' ? resourceRef(req) : resourceRef;
    await this.requireFor(credentials, permission, ref);
    return credentials;
  }

  /** As `require`, for a caller already known (after a lookup named the resource). */
  async requireFor(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    resourceRef: string,
  ): Promise<void> {
    const [decision] = await this.permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw refused(permission, resourceRef);
    }
  }

  /**
   * The policy's decision on `permission` without a resource: a 403 when it denies outright,
   * else what a list may show. Routes that must look a resource up first call this before, so
   * a caller denied everything gets a 403 rather than learning which ids exist.
   */
  async requireSome(
    req: Request,
    permission: ResourcePermission,
  ): Promise<ListDecision> {
    const credentials = await this.credentials(req);
    const found = await this.listFor(credentials, permission);
    if (found.decision.result === AuthorizeResult.DENY) {
      throw refused(permission);
    }
    return found;
  }

  /** As `requireSome` without the 403: a denial is an empty list (`none`). */
  async listFor(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
  ): Promise<ListDecision> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      const result = decision.result === AuthorizeResult.ALLOW ? 'all' : 'none';
      return { credentials, decision, list: { result } };
    }
    const criteria = this.evaluatorOf(permission).toCriteria(
      decision.conditions,
    );
    return { credentials, decision, list: { result: 'filter', criteria } };
  }

  /**
   * Whether a decision from `requireSome` allows a resource that does not exist yet (a new
   * app, a new host): the framework cannot load it by name, so its conditions are judged here
   * against what the resource would be, with the rules registered for its type.
   */
  requireNew(
    permission: ResourcePermission,
    decision: PolicyDecision,
    resource: SlipwayOwnedResource,
  ): void {
    if (!this.evaluatorOf(permission).allows(decision, resource)) {
      throw refused(permission, resource.name);
    }
  }

  private evaluatorOf(permission: ResourcePermission): ConditionEvaluator {
    return permission.resourceType === SLIPWAY_HOST_RESOURCE_TYPE
      ? this.evaluators.host
      : this.evaluators.app;
  }
}

/** The signed-in user's entity ref; undefined for a service calling on its own behalf. */
export function userEntityRefOf(
  credentials: BackstageCredentials,
): string | undefined {
  const principal = credentials.principal as { userEntityRef?: string };
  return principal.userEntityRef;
}

/** The initiator recorded on a job: the user's entity ref, or the calling service. */
export function initiatorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.userEntityRef) return principal.userEntityRef;
  if (principal.subject) return principal.subject;
  return 'unknown';
}

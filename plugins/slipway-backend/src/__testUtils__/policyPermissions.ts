import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { SlipwayOwnedResource } from '@slipway/plugin-slipway-node';
import { SLIPWAY_HOST_RESOURCE_TYPE } from '@slipway/plugin-slipway-common';
import { conditionEvaluators } from '../permissions/rulesets';

/** What a test policy answers: a definitive result, or conditions of the permission's type. */
export type TestPolicyAnswer =
  | AuthorizeResult.ALLOW
  | AuthorizeResult.DENY
  | { conditions: PermissionCriteria<PermissionCondition> };

/** A permission policy for tests: per permission, resource ref (when asked for one) and user. */
export type TestPolicy = (request: {
  permission: ResourcePermission;
  resourceRef?: string;
  userEntityRef?: string;
}) => TestPolicyAnswer;

function toDecision(
  permission: ResourcePermission,
  answer: TestPolicyAnswer,
): PolicyDecision {
  if (typeof answer !== 'object') return { result: answer };
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'slipway',
    resourceType: permission.resourceType,
    conditions: answer.conditions,
  };
}

/**
 * A PermissionsService that asks `policy`, and for one resource applies a conditional answer
 * as the permission backend does through our registered `getResources` and rules: the
 * resource is loaded by name (unknown names are denied) and the rules judge it.
 */
export function policyPermissions(
  policy: TestPolicy,
  sources: {
    apps: (names: string[]) => Promise<SlipwayOwnedResource[]>;
    hosts: (names: string[]) => Promise<SlipwayOwnedResource[]>;
  },
): PermissionsService {
  const evaluators = conditionEvaluators();
  const userOf = (credentials: { principal: unknown }) =>
    (credentials.principal as { userEntityRef?: string }).userEntityRef;
  return {
    async authorize(requests, { credentials }) {
      return Promise.all(
        requests.map(async request => {
          const permission = request.permission as ResourcePermission;
          const decision = toDecision(
            permission,
            policy({
              permission,
              resourceRef: request.resourceRef,
              userEntityRef: userOf(credentials),
            }),
          );
          if (decision.result !== AuthorizeResult.CONDITIONAL) return decision;
          const host = permission.resourceType === SLIPWAY_HOST_RESOURCE_TYPE;
          const [resource] = await (host ? sources.hosts : sources.apps)([
            request.resourceRef!,
          ]);
          const allowed =
            resource &&
            (host ? evaluators.host : evaluators.app).allows(
              decision,
              resource,
            );
          return {
            result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          };
        }),
      );
    },
    async authorizeConditional(requests, { credentials }) {
      return requests.map(request =>
        toDecision(
          request.permission,
          policy({
            permission: request.permission,
            userEntityRef: userOf(credentials),
          }),
        ),
      );
    },
  };
}

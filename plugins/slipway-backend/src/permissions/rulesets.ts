import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  PermissionRule,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  slipwayAppResourceRef,
  slipwayAppRules,
  slipwayHostResourceRef,
  slipwayHostRules,
  SlipwayOwnedResource,
  SlipwayOwnerFilter,
} from '@slipway/plugin-slipway-node';
import {
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { OwnerCriteria } from './ownerFilter';

type Ruleset = PermissionRuleset<SlipwayOwnedResource, SlipwayOwnerFilter>;

/** How a CONDITIONAL decision is judged for one would-be resource and turned into a filter. */
export type ConditionEvaluator = {
  /** Whether a decision allows a resource that does not exist yet (so the framework cannot load it). */
  allows(decision: PolicyDecision, resource: SlipwayOwnedResource): boolean;
  /** The decision's conditions as owner filters for a list query. */
  toCriteria(
    conditions: PermissionCriteria<PermissionCondition>,
  ): OwnerCriteria;
};

/** Our own rules by name: the ruleset when no registry is at hand (createRouter from /alpha). */
function localRuleset(
  rules: PermissionRule<SlipwayOwnedResource, SlipwayOwnerFilter, string>[],
): Ruleset {
  return {
    getRuleByName(name) {
      const rule = rules.find(r => r.name === name);
      if (!rule) throw new Error(`Unknown permission rule ${name}`);
      return rule;
    },
  };
}

function evaluator(ruleset: Ruleset): ConditionEvaluator {
  const authorizer = createConditionAuthorizer(ruleset);
  const transformer = createConditionTransformer(ruleset);
  return {
    allows: (decision, resource) => authorizer(decision, resource),
    toCriteria: conditions => transformer(conditions),
  };
}

/**
 * The evaluators of apps and hosts, from the registry's rulesets so a rule a module adds for
 * our resource types counts as much as our own.
 */
export function conditionEvaluators(registry?: PermissionsRegistryService): {
  app: ConditionEvaluator;
  host: ConditionEvaluator;
} {
  return {
    app: evaluator(
      registry?.getPermissionRuleset(slipwayAppResourceRef) ??
        localRuleset(Object.values(slipwayAppRules)),
    ),
    host: evaluator(
      registry?.getPermissionRuleset(slipwayHostResourceRef) ??
        localRuleset(Object.values(slipwayHostRules)),
    ),
  };
}

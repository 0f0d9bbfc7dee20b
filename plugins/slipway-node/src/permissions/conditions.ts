import { createConditionExports } from '@backstage/plugin-permission-node';
import { slipwayAppResourceRef, slipwayHostResourceRef } from './resources';
import { slipwayAppRules, slipwayHostRules } from './rules';

const appExports = createConditionExports({
  resourceRef: slipwayAppResourceRef,
  rules: slipwayAppRules,
});

const hostExports = createConditionExports({
  resourceRef: slipwayHostResourceRef,
  rules: slipwayHostRules,
});

/**
 * Conditions on apps for a permission policy, as the catalog's `catalogConditions`:
 * `slipwayAppConditions.isOwner({ claims: user.info.ownershipEntityRefs })`.
 */
export const slipwayAppConditions = appExports.conditions;

/** Wraps app conditions into the policy's CONDITIONAL decision for a `slipway-app` permission. */
export const createSlipwayAppConditionalDecision =
  appExports.createConditionalDecision;

/** Conditions on hosts for a permission policy. */
export const slipwayHostConditions = hostExports.conditions;

/** Wraps host conditions into the policy's CONDITIONAL decision for a `slipway-host` permission. */
export const createSlipwayHostConditionalDecision =
  hostExports.createConditionalDecision;

/**
 * Permission backend module of Slipway: the Slipway permission policy (owners act on their
 * apps and hosts, members of the admin groups on all of them, reads open to every signed-in
 * user unless configured otherwise), and the decision helper to compose into your own policy.
 *
 * @packageDocumentation
 */
export { permissionModuleSlipwayPolicy as default } from './module';
export {
  AllowAllFallbackPolicy,
  decideSlipwayPermission,
  isSlipwayPermission,
  SlipwayPermissionPolicy,
} from './policy';
export type { SlipwayPermissionPolicyOptions } from './policy';
export { readSlipwayPolicyOptions } from './options';
export type { SlipwayPolicyOptions, SlipwayReadAccess } from './options';

/**
 * The checks, composed from one file per concern; importers use this module (or the package
 * index) and need not know how it is split:
 *
 * - `checkHelpers.ts`: the `Finding` type and helpers over hcl2json's JSON form
 * - `declarationChecks.ts`: declarations (duplicates, variables, outputs, validation)
 * - `tagChecks.ts`: tags
 * - `securityChecks.ts`: SSH exposure, IAM policies, instance hardening
 * - `settingsChecks.ts`: settings, providers, modules, backend
 * - `templateChecks.ts`: native tests and the bootstrap (user data) template
 */
export type { Finding } from './checkHelpers';
export {
  checkDuplicates,
  checkOutputs,
  checkVariables,
  checkVariableValidation,
} from './declarationChecks';
export {
  checkTags,
  TAGGABLE_AWS_RESOURCES,
  UNTAGGABLE_AWS_RESOURCES,
} from './tagChecks';
export {
  checkIamPolicies,
  checkInstanceHardening,
  checkSshIngress,
} from './securityChecks';
export {
  checkBackend,
  checkModuleSource,
  checkProviders,
  checkTerraformSettings,
} from './settingsChecks';
export {
  checkNativeTests,
  checkUserDataTemplate,
  templatefileVariables,
  USER_DATA_REQUIREMENTS,
} from './templateChecks';

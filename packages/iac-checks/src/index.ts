/**
 * Structure and policy checks of Slipway's Terraform code, runnable without Terraform: the
 * configuration is parsed with `@cdktf/hcl2json` and each check returns findings.
 *
 * @packageDocumentation
 */

export {
  findFiles,
  parseHcl,
  parseTerraformDir,
  parseTerraformSources,
} from './parseTerraform';
export type { Body, TerraformBlock, TerraformConfig } from './parseTerraform';
export {
  checkBackend,
  checkDuplicates,
  checkIamPolicies,
  checkInstanceHardening,
  checkModuleSource,
  checkNativeTests,
  checkOutputs,
  checkProviders,
  checkSshIngress,
  checkTags,
  checkTerraformSettings,
  checkUserDataTemplate,
  checkVariableValidation,
  checkVariables,
  templatefileVariables,
  TAGGABLE_AWS_RESOURCES,
  UNTAGGABLE_AWS_RESOURCES,
  USER_DATA_REQUIREMENTS,
} from './checks';
export type { Finding } from './checks';

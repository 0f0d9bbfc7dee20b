/**
 * Infrastructure as code: the `IacTool` extension point and `TerraformRunner`, which drives
 * Terraform or OpenTofu through their machine-readable `-json` output.
 */
export type {
  ApplyResult,
  IacAppliedResource,
  IacApplyOptions,
  IacCallOptions,
  IacChangeAction,
  IacChangeCounts,
  IacDestroyOptions,
  IacDiagnostic,
  IacDiagnosticSeverity,
  IacInitOptions,
  IacOutput,
  IacOutputs,
  IacOutputsOptions,
  IacPlanOptions,
  IacResourceChange,
  IacSourcePosition,
  IacStateOptions,
  IacTool,
  IacVariablesOptions,
  InitResult,
  PlanResult,
} from './types';
export {
  IAC_BINARY_CONFIG_KEY,
  IacCancelledError,
  IacCommandError,
  IacError,
  IacOutputFormatError,
  IacToolMissingError,
  IacWorkDirError,
} from './errors';
export {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_PLAN_FILE_NAME,
  DEFAULT_VAR_FILE_NAME,
  TerraformRunner,
} from './TerraformRunner';
export {
  countActions,
  parseOutputs,
  parsePlanRepresentation,
  parseStateAddresses,
} from './terraformDocuments';
export type { TerraformRunnerOptions } from './TerraformRunner';
export type { IacLogger } from './toolProcess';
export {
  SUPPORTED_UI_MAJOR,
  isSupportedUiVersion,
  parseLine,
  parseStream,
  toIacDiagnostic,
} from './jsonStream';
export {
  describeChangeSummary,
  describeDiagnostic,
  describeEvent,
  formatElapsed,
  oneLine,
} from './describeEvent';
export { TfStreamCollector } from './streamCollector';
export type {
  TfChange,
  TfChangeSummaryMessage,
  TfDiagnosticMessage,
  TfDiagnosticPayload,
  TfEvent,
  TfHook,
  TfHookMessage,
  TfHookType,
  TfInitOutputMessage,
  TfLogMessage,
  TfMessage,
  TfMessageBase,
  TfOutputsMessage,
  TfPlainLine,
  TfPlannedChangeMessage,
  TfResourceAddr,
  TfResourceDriftMessage,
  TfUnknownMessage,
  TfVersionMessage,
} from './jsonStream';
export { MASK, Masker } from './mask';

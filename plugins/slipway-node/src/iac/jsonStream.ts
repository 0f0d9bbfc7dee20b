/**
 * Terraform's (and OpenTofu's) machine-readable UI: with `-json`, `init`, `plan`, `apply` and
 * `destroy` print one JSON object per line, each with `@level`, `@message`, `@module`,
 * `@timestamp` and a `type`. This module parses such lines into typed events and turns them
 * into human progress lines. Pure functions: no I/O.
 *
 * Lines that are not JSON objects with a string `type` (a provider's stray output, a panic)
 * pass through as `plain` events. Message types this module does not know, and known types
 * whose payload is not of the documented shape, become `unknown` events that keep `@message`:
 * the format's promise is that minor UI versions only add, so nothing is dropped or fatal.
 */
import { IacDiagnostic, IacDiagnosticSeverity } from './types';

/** Fields every message has. */
export interface TfMessageBase {
  '@level': string;
  '@message': string;
  '@module': string;
  '@timestamp': string;
}

/** A resource instance as the hooks and changes name it. */
export interface TfResourceAddr {
  /** e.g. `module.net.aws_instance.host[0]` */
  addr: string;
  /** e.g. `module.net`, empty for the root module. */
  module: string;
  resource: string;
  implied_provider?: string;
  resource_type: string;
  resource_name: string;
  resource_key: string | number | null;
}

export interface TfVersionMessage extends TfMessageBase {
  type: 'version';
  /** The machine-readable UI version, e.g. `1.2`. */
  ui: string;
  /** Terraform's version (OpenTofu says `tofu`). */
  terraform?: string;
  tofu?: string;
}

export interface TfLogMessage extends TfMessageBase {
  type: 'log';
}

/** `init -json`'s progress messages. */
export interface TfInitOutputMessage extends TfMessageBase {
  type: 'init_output';
  message_code?: string;
}

export interface TfDiagnosticPayload {
  severity: IacDiagnosticSeverity;
  summary: string;
  detail: string;
  address?: string;
  range?: {
    filename: string;
    start: { line: number; column: number; byte?: number };
    end: { line: number; column: number; byte?: number };
  };
  snippet?: Record<string, unknown>;
}

export interface TfDiagnosticMessage extends TfMessageBase {
  type: 'diagnostic';
  diagnostic: TfDiagnosticPayload;
}

export interface TfChange {
  resource: TfResourceAddr;
  previous_resource?: TfResourceAddr;
  /** `noop`, `create`, `read`, `update`, `replace`, `delete`, `move`, `import`, `remove` */
  action: string;
  reason?: string;
}

export interface TfPlannedChangeMessage extends TfMessageBase {
  type: 'planned_change';
  change: TfChange;
}

export interface TfResourceDriftMessage extends TfMessageBase {
  type: 'resource_drift';
  change: TfChange;
}

export interface TfChangeSummaryMessage extends TfMessageBase {
  type: 'change_summary';
  changes: {
    add: number;
    change: number;
    import?: number;
    remove: number;
    operation: 'plan' | 'apply' | 'destroy' | (string & {});
  };
}

export interface TfOutputsMessage extends TfMessageBase {
  type: 'outputs';
  outputs: Record<
    string,
    { sensitive: boolean; type?: unknown; value?: unknown; action?: string }
  >;
}

export type TfHookType =
  | 'apply_start'
  | 'apply_progress'
  | 'apply_complete'
  | 'apply_errored'
  | 'refresh_start'
  | 'refresh_complete'
  | 'provision_start'
  | 'provision_progress'
  | 'provision_complete'
  | 'provision_errored';

export interface TfHook {
  resource: TfResourceAddr;
  action?: string;
  id_key?: string;
  id_value?: string;
  elapsed_seconds?: number;
  provisioner?: string;
  output?: string;
}

export interface TfHookMessage extends TfMessageBase {
  type: TfHookType;
  hook: TfHook;
}

/** A message of a type this module does not know, or not of the documented shape. */
export interface TfUnknownMessage extends TfMessageBase {
  type: 'unknown';
  /** The message's own `type`. */
  rawType: string;
  raw: Record<string, unknown>;
}

/** A line that is not a machine-readable UI message. */
export interface TfPlainLine {
  type: 'plain';
  text: string;
}

export type TfMessage =
  | TfVersionMessage
  | TfLogMessage
  | TfInitOutputMessage
  | TfDiagnosticMessage
  | TfPlannedChangeMessage
  | TfResourceDriftMessage
  | TfChangeSummaryMessage
  | TfOutputsMessage
  | TfHookMessage
  | TfUnknownMessage;

export type TfEvent = TfMessage | TfPlainLine;

const HOOK_TYPES: ReadonlySet<string> = new Set<TfHookType>([
  'apply_start',
  'apply_progress',
  'apply_complete',
  'apply_errored',
  'refresh_start',
  'refresh_complete',
  'provision_start',
  'provision_progress',
  'provision_complete',
  'provision_errored',
]);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isString = (value: unknown): value is string => typeof value === 'string';

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

function isResourceAddr(value: unknown): value is TfResourceAddr {
  return isObject(value) && isString(value.addr);
}

function isChange(value: unknown): value is TfChange {
  return (
    isObject(value) && isResourceAddr(value.resource) && isString(value.action)
  );
}

function hasValidPayload(type: string, message: Json): boolean {
  switch (type) {
    case 'version':
      return isString(message.ui);
    case 'log':
    case 'init_output':
      return true;
    case 'diagnostic': {
      const d = message.diagnostic;
      return (
        isObject(d) &&
        (d.severity === 'error' || d.severity === 'warning') &&
        isString(d.summary)
      );
    }
    case 'planned_change':
    case 'resource_drift':
      return isChange(message.change);
    case 'change_summary': {
      const c = message.changes;
      return (
        isObject(c) &&
        isCount(c.add) &&
        isCount(c.change) &&
        isCount(c.remove) &&
        isString(c.operation)
      );
    }
    case 'outputs':
      return isObject(message.outputs);
    default:
      return (
        HOOK_TYPES.has(type) &&
        isObject(message.hook) &&
        isResourceAddr(message.hook.resource)
      );
  }
}

/** Parses one line of `-json` output. Never throws. */
export function parseLine(line: string): TfEvent {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return { type: 'plain', text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { type: 'plain', text };
  }
  if (!isObject(parsed) || !isString(parsed.type)) {
    return { type: 'plain', text };
  }
  const base: TfMessageBase = {
    '@level': isString(parsed['@level']) ? parsed['@level'] : 'info',
    '@message': isString(parsed['@message']) ? parsed['@message'] : '',
    '@module': isString(parsed['@module']) ? parsed['@module'] : '',
    '@timestamp': isString(parsed['@timestamp']) ? parsed['@timestamp'] : '',
  };
  if (!hasValidPayload(parsed.type, parsed)) {
    return { ...base, type: 'unknown', rawType: parsed.type, raw: parsed };
  }
  if (parsed.type === 'diagnostic') {
    // `detail` may be missing or empty; make it a string once, here.
    const d = parsed.diagnostic as Json;
    return {
      ...(parsed as unknown as TfDiagnosticMessage),
      ...base,
      diagnostic: {
        ...(d as unknown as TfDiagnosticPayload),
        detail: isString(d.detail) ? d.detail : '',
      },
    };
  }
  return { ...(parsed as unknown as TfMessage), ...base };
}

/** Parses a whole captured stream, one event per non-empty line. */
export function parseStream(text: string): TfEvent[] {
  return text
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(parseLine);
}

/** The documented major version of the machine-readable UI this module reads. */
export const SUPPORTED_UI_MAJOR = 1;

/** Whether a `version` message's `ui` is one this module reads. */
export function isSupportedUiVersion(ui: string): boolean {
  return Number.parseInt(ui.split('.')[0], 10) === SUPPORTED_UI_MAJOR;
}

export function toIacDiagnostic(payload: TfDiagnosticPayload): IacDiagnostic {
  const diagnostic: IacDiagnostic = {
    severity: payload.severity,
    summary: payload.summary,
    detail: payload.detail ?? '',
  };
  if (isString(payload.address)) diagnostic.address = payload.address;
  const range = payload.range;
  if (isObject(range) && isString(range.filename)) {
    diagnostic.range = {
      filename: range.filename,
      start: range.start,
      end: range.end,
    };
  }
  return diagnostic;
}

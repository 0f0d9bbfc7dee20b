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
import {
  IacAppliedResource,
  IacChangeCounts,
  IacDiagnostic,
  IacDiagnosticSeverity,
} from './types';

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

/** Whitespace runs (including newlines) as one space: a progress line is one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Seconds as Go's `time.Duration` prints them, as Terraform does: `32s`, `1m5s`, `1h0m0s`. */
export function formatElapsed(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

const VERBS: Record<
  string,
  { start: string; progress: string; complete: string; errored: string }
> = {
  create: {
    start: 'Creating...',
    progress: 'Still creating...',
    complete: 'Creation complete',
    errored: 'Creation errored',
  },
  update: {
    start: 'Modifying...',
    progress: 'Still modifying...',
    complete: 'Modifications complete',
    errored: 'Modifications errored',
  },
  delete: {
    start: 'Destroying...',
    progress: 'Still destroying...',
    complete: 'Destruction complete',
    errored: 'Destruction errored',
  },
  read: {
    start: 'Reading...',
    progress: 'Still reading...',
    complete: 'Read complete',
    errored: 'Read errored',
  },
};

function verbsOf(action: string | undefined) {
  return (
    VERBS[action ?? ''] ?? {
      start: `${action ?? 'Applying'}...`,
      progress: `Still ${action ?? 'applying'}...`,
      complete: `${action ?? 'Apply'} complete`,
      errored: `${action ?? 'Apply'} errored`,
    }
  );
}

function idSuffix(hook: TfHook): string {
  return hook.id_key && hook.id_value
    ? ` [${hook.id_key}=${hook.id_value}]`
    : '';
}

function describeHook(message: TfHookMessage): string {
  const { hook } = message;
  const addr = hook.resource.addr;
  const verbs = verbsOf(hook.action);
  const elapsed =
    typeof hook.elapsed_seconds === 'number'
      ? formatElapsed(hook.elapsed_seconds)
      : undefined;
  switch (message.type) {
    case 'apply_start':
      return `${addr}: ${verbs.start}${idSuffix(hook)}`;
    case 'apply_progress':
      return `${addr}: ${verbs.progress}${idSuffix(hook)}${
        elapsed ? ` [${elapsed} elapsed]` : ''
      }`;
    case 'apply_complete':
      return `${addr}: ${verbs.complete}${
        elapsed ? ` after ${elapsed}` : ''
      }${idSuffix(hook)}`;
    case 'apply_errored':
      return `${addr}: ${verbs.errored}${elapsed ? ` after ${elapsed}` : ''}`;
    case 'refresh_start':
      return `${addr}: Refreshing state...${idSuffix(hook)}`;
    case 'refresh_complete':
      return `${addr}: Refresh complete${idSuffix(hook)}`;
    case 'provision_start':
      return `${addr}: Provisioning with '${hook.provisioner ?? '?'}'...`;
    case 'provision_progress':
      return `${addr}: (${hook.provisioner ?? '?'}): ${oneLine(
        hook.output ?? '',
      )}`;
    case 'provision_complete':
      return `${addr}: (${hook.provisioner ?? '?'}) Provisioning complete`;
    case 'provision_errored':
      return `${addr}: (${hook.provisioner ?? '?'}) Provisioning errored`;
    default:
      return oneLine(message['@message']);
  }
}

/** The change summary line, worded exactly as Terraform words it. */
export function describeChangeSummary(
  changes: TfChangeSummaryMessage['changes'],
): string {
  const imported = changes.import ?? 0;
  switch (changes.operation) {
    case 'apply':
      return imported > 0
        ? `Apply complete! Resources: ${imported} imported, ${changes.add} added, ${changes.change} changed, ${changes.remove} destroyed.`
        : `Apply complete! Resources: ${changes.add} added, ${changes.change} changed, ${changes.remove} destroyed.`;
    case 'destroy':
      return `Destroy complete! Resources: ${changes.remove} destroyed.`;
    default:
      return imported > 0
        ? `Plan: ${imported} to import, ${changes.add} to add, ${changes.change} to change, ${changes.remove} to destroy.`
        : `Plan: ${changes.add} to add, ${changes.change} to change, ${changes.remove} to destroy.`;
  }
}

/** `Error: summary: detail`, or `Warning: ...`, on one line. */
export function describeDiagnostic(diagnostic: {
  severity: string;
  summary: string;
  detail?: string;
}): string {
  const prefix = diagnostic.severity === 'error' ? 'Error' : 'Warning';
  const detail = oneLine(diagnostic.detail ?? '');
  return `${prefix}: ${oneLine(diagnostic.summary)}${
    detail ? `: ${detail}` : ''
  }`;
}

/**
 * The human progress line of an event, or undefined when it has none worth showing (blank
 * lines). Built from the structured fields rather than `@message`, so that the wording stays
 * the same across tool versions; `@message` is the fallback.
 */
export function describeEvent(event: TfEvent): string | undefined {
  let line: string;
  switch (event.type) {
    case 'plain':
      line = event.text.trimEnd();
      break;
    case 'version':
      line =
        oneLine(event['@message']) ||
        (event.tofu
          ? `OpenTofu ${event.tofu}`
          : `Terraform ${event.terraform}`);
      break;
    case 'diagnostic':
      line = describeDiagnostic(event.diagnostic);
      break;
    case 'planned_change':
      line = `${event.change.resource.addr}: Plan to ${event.change.action}`;
      break;
    case 'resource_drift':
      line = `${event.change.resource.addr}: Drift detected (${event.change.action})`;
      break;
    case 'change_summary':
      line = describeChangeSummary(event.changes);
      break;
    case 'outputs':
      line = `Outputs: ${Object.keys(event.outputs).length}`;
      break;
    case 'log':
    case 'init_output':
    case 'unknown':
      line = oneLine(event['@message']);
      break;
    default:
      line = describeHook(event);
  }
  return line.trim() === '' ? undefined : line;
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

/**
 * What a run's stream says in sum: the last change summary, the diagnostics, the resources
 * the apply finished, the tool and UI versions.
 */
export class TfStreamCollector {
  /** The last change summary (a destroy prints a plan summary, then a destroy summary). */
  summary?: IacChangeCounts & { operation: string };
  readonly diagnostics: IacDiagnostic[] = [];
  readonly applied: IacAppliedResource[] = [];
  toolVersion?: string;
  uiVersion?: string;

  add(event: TfEvent): void {
    switch (event.type) {
      case 'version':
        this.toolVersion = event.tofu ?? event.terraform;
        this.uiVersion = event.ui;
        break;
      case 'diagnostic':
        this.diagnostics.push(toIacDiagnostic(event.diagnostic));
        break;
      case 'change_summary': {
        const { add, change, remove, operation } = event.changes;
        this.summary = {
          add,
          change,
          remove,
          import: event.changes.import ?? 0,
          operation,
        };
        break;
      }
      case 'apply_complete': {
        const { hook } = event;
        const applied: IacAppliedResource = {
          address: hook.resource.addr,
          action: hook.action ?? 'unknown',
        };
        if (hook.id_key) applied.idKey = hook.id_key;
        if (hook.id_value) applied.idValue = hook.id_value;
        if (typeof hook.elapsed_seconds === 'number') {
          applied.elapsedSeconds = hook.elapsed_seconds;
        }
        this.applied.push(applied);
        break;
      }
      default:
        break;
    }
  }

  /** The error diagnostics, each once (Terraform repeats e.g. "execution halted"). */
  errors(): IacDiagnostic[] {
    return unique(this.diagnostics.filter(d => d.severity === 'error'));
  }

  warnings(): IacDiagnostic[] {
    return unique(this.diagnostics.filter(d => d.severity === 'warning'));
  }
}

function unique(diagnostics: IacDiagnostic[]): IacDiagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter(d => {
    const key = JSON.stringify([d.summary, d.detail, d.address ?? '']);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Human progress lines for the events of Terraform's machine-readable UI (see `jsonStream`).
 * Pure functions: no I/O.
 */
import {
  TfChangeSummaryMessage,
  TfEvent,
  TfHook,
  TfHookMessage,
} from './jsonStream';

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

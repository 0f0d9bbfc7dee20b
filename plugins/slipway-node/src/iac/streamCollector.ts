import { TfEvent, toIacDiagnostic } from './jsonStream';
import { IacAppliedResource, IacChangeCounts, IacDiagnostic } from './types';

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

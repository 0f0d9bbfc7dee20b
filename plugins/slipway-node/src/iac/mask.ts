/**
 * Masks sensitive values in text that leaves the runner (progress lines, error messages).
 * A value is masked as it is and as it appears inside a JSON string (escaped), since tool
 * output may carry either form. Pure.
 */

export const MASK = '(sensitive value)';

/** The strings a value can show up as: itself, and each string or number inside it. */
function piecesOf(value: unknown, into: Set<string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    into.add(value);
    return;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    into.add(String(value));
    return;
  }
  if (typeof value === 'boolean') return; // masking every `true` would mask nothing secret
  if (Array.isArray(value)) {
    for (const item of value) piecesOf(item, into);
    into.add(JSON.stringify(value));
    return;
  }
  if (typeof value === 'object') {
    for (const item of Object.values(value as Record<string, unknown>)) {
      piecesOf(item, into);
    }
    into.add(JSON.stringify(value));
  }
}

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Masker {
  private readonly secrets: string[];
  private readonly pattern?: RegExp;

  constructor(values: unknown[]) {
    const pieces = new Set<string>();
    for (const value of values) piecesOf(value, pieces);
    const forms = new Set<string>();
    for (const piece of pieces) {
      if (piece.trim() === '') continue;
      forms.add(piece);
      // Inside a JSON string: quotes, backslashes, control characters escaped.
      forms.add(JSON.stringify(piece).slice(1, -1));
      // Progress lines have their whitespace runs collapsed.
      const collapsed = piece.replace(/\s+/g, ' ').trim();
      if (collapsed !== '') forms.add(collapsed);
    }
    // Longest first, so that a value is masked whole before any shorter one inside it.
    this.secrets = [...forms].sort((a, b) => b.length - a.length);
    // One pass, so that the mask itself is never masked again.
    if (this.secrets.length > 0) {
      this.pattern = new RegExp(this.secrets.map(escapeRegExp).join('|'), 'g');
    }
  }

  /** Values of the named variables, plus further literal values. */
  static forVariables(
    variables: Record<string, unknown> | undefined,
    sensitiveVars: string[] | undefined,
    extra: string[] | undefined,
  ): Masker {
    const values: unknown[] = [...(extra ?? [])];
    for (const name of sensitiveVars ?? []) {
      if (variables && Object.prototype.hasOwnProperty.call(variables, name)) {
        values.push(variables[name]);
      }
    }
    return new Masker(values);
  }

  get isEmpty(): boolean {
    return this.secrets.length === 0;
  }

  /** The secrets of both maskers. */
  merge(other: Masker): Masker {
    return new Masker([...this.secrets, ...other.secrets]);
  }

  mask(text: string): string {
    return this.pattern ? text.replace(this.pattern, MASK) : text;
  }
}

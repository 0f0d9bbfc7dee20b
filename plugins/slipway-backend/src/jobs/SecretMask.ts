/**
 * Masks known secret values (env values) in text before anyone reads it: job logs, container
 * output, diagnoses. Very short values are left alone: masking every `1` or `yes` would garble
 * the output, and they are not secrets worth the name.
 */
export class SecretMask {
  private secrets: string[] = [];

  constructor(values: string[] = []) {
    this.add(values);
  }

  add(values: string[]): void {
    // Longest first, so a secret that contains another is masked whole.
    this.secrets = [...this.secrets, ...values.filter(s => s.length >= 3)].sort(
      (a, b) => b.length - a.length,
    );
  }

  apply(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}

/**
 * Secrets reach a host through stdin (e.g. an env file), and a failing command may echo its
 * input back. Error messages carry the last lines of output, so they are cleaned of stdin's
 * content first: each line of it, and for `NAME=value` lines the value alone.
 */

const REDACTED = '[redacted]';

/** Shorter pieces are left alone: masking every `1` or `yes` would garble the output. */
const MIN_SECRET_LENGTH = 4;

export function redactStdin(lines: string[], stdin?: string): string[] {
  const secrets = secretsOf(stdin);
  if (secrets.length === 0) return lines;
  return lines.map(line =>
    secrets.reduce((text, secret) => text.split(secret).join(REDACTED), line),
  );
}

function secretsOf(stdin?: string): string[] {
  if (!stdin) return [];
  const secrets = new Set<string>();
  const add = (piece: string) => {
    if (piece.trim().length >= MIN_SECRET_LENGTH) secrets.add(piece.trim());
  };
  for (const line of stdin.split(/\r?\n/)) {
    add(line);
    const equals = line.indexOf('=');
    if (equals >= 0) add(line.slice(equals + 1));
  }
  // Whole lines first, so that a line is masked as one piece before its value is looked for.
  return [...secrets].sort((a, b) => b.length - a.length);
}

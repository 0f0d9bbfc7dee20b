import { z } from 'zod/v3';

/** One broken rule: the field (dotted path) and what the rule says. */
export type FieldViolation = { field: string; message: string };

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * The schemas use zod's v3 API (`zod/v3`, shipped inside zod 4) because Backstage's scaffolder
 * takes v3 schemas for action inputs: one set of rules serves the API, the actions and the forms.
 *
 * Turns zod's issues into field/rule pairs for a 400. Pass the input so that a missing field
 * reads "name is required" rather than "name must be a string".
 */
export function describeZodError(
  error: z.ZodError,
  input?: unknown,
): FieldViolation[] {
  return error.issues.map(issue => {
    const field = issue.path.length
      ? issue.path.map(String).join('.')
      : '(request)';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field(s): ${issue.keys.join(', ')}`;
    } else if (
      issue.code === 'invalid_type' &&
      input !== undefined &&
      valueAt(input, issue.path) === undefined
    ) {
      message = `${field} is required`;
    }
    return { field, message };
  });
}

/** "name: name must be a DNS label ...; port: port must be between ..." */
export function formatViolations(violations: FieldViolation[]): string {
  return violations.map(v => `${v.field}: ${v.message}`).join('; ');
}

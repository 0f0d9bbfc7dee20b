import { InputError } from '@backstage/errors';
import {
  describeZodError,
  formatViolations,
} from '@slipway/plugin-slipway-common';
import { z } from 'zod/v3';

/**
 * Applies one of slipway-common's request schemas, so a template breaks the same rules the
 * backend enforces and fails naming each field and rule before anything is started.
 */
export function parseRequest<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InputError(
      `Invalid ${what}: ${formatViolations(
        describeZodError(result.error, input),
      )}`,
    );
  }
  return result.data;
}

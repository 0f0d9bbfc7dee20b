import { InputError } from '@backstage/errors';
import { dnsLabel } from '@slipway/plugin-slipway-common';
import { Request } from 'express';
import { z } from 'zod/v3';

const appName = dnsLabel('name');

/** A UUID: deployment and infrastructure job ids. */
export const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Parses `value` with `schema`, or a 400 naming `field` and the first broken rule. */
export function parseField<T>(
  field: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new InputError(`${field}: ${result.error.issues[0].message}`);
  return result.data;
}

/** An optional query value that must be one string passing `schema` (not an array, not empty). */
export function optionalQuery<T>(
  req: Request,
  key: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
): T | undefined {
  const value = req.query[key];
  if (value === undefined) return undefined;
  return parseField(key, schema, value);
}

/** The `:name` of an app or host route: a DNS label. */
export function nameParam(req: Request): string {
  return parseField('name', appName, req.params.name);
}

/** The `:id` of a deployment or infrastructure job route; `what` names it in the 400. */
export function idParam(req: Request, what = 'a deployment id'): string {
  const id = req.params.id;
  if (!UUID.test(id)) throw new InputError(`id: ${what} is a UUID`);
  return id;
}

/**
 * An optional boolean: JSON `true`/`false` in a body, `true`/`false` in a query. Anything else is
 * a 400 rather than read as false: a mistyped `dryRun` must not start the real thing.
 */
export function optionalBoolean(
  field: string,
  value: unknown,
  from: 'body' | 'query',
): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean' && from === 'body') return value;
  if (value === 'true' && from === 'query') return true;
  if (value === 'false' && from === 'query') return false;
  throw new InputError(`${field}: must be true or false`);
}

/** A query value that must be one plain integer (not an array, not `0x10`, not `1e2`). */
export function intQuery(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  return typeof value === 'string' && /^\d{1,9}$/.test(value)
    ? Number(value)
    : NaN;
}

/** Whether the client asked to follow a job (`?follow=true` or an NDJSON `Accept`). */
export function wantsStream(req: Request): boolean {
  return (
    optionalBoolean('follow', req.query.follow, 'query') === true ||
    String(req.headers.accept ?? '').includes('application/x-ndjson')
  );
}

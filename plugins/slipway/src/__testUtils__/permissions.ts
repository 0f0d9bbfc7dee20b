import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { act } from '@testing-library/react';

/**
 * A permission API stand-in's `authorize` that decides per resource, as an
 * ownership policy does: `grants` maps an app's name to the names of the
 * permissions allowed on it; everything else is denied. It is a jest.fn, so a
 * test can check which resourceRef each request carried.
 */
export function authorizeByResource(grants: Record<string, string[]>) {
  return jest.fn(
    (
      request: EvaluatePermissionRequest,
    ): AuthorizeResult.ALLOW | AuthorizeResult.DENY => {
      const granted =
        request.resourceRef !== undefined &&
        (grants[request.resourceRef] ?? []).includes(request.permission.name);
      return granted ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
    },
  );
}

/** The (permission name, resourceRef) pairs a stand-in was asked about. */
export function askedFor(
  authorize: ReturnType<typeof authorizeByResource>,
): Array<[string, string | undefined]> {
  return authorize.mock.calls.map(([request]) => [
    request.permission.name,
    request.resourceRef,
  ]);
}

/**
 * A 403 as a Backstage backend answers a NotAllowedError (the body of
 * `@backstage/errors`' serialized error, with the request and response).
 */
export function forbidden(message: string): Response {
  return new Response(
    JSON.stringify({
      error: {
        name: 'NotAllowedError',
        message,
        stack: `NotAllowedError: ${message}\n    at refused (/app/access.ts:27:10)`,
      },
      request: { method: 'POST', url: '/api/slipway/apps/a-app/restart' },
      response: { statusCode: 403 },
    }),
    {
      status: 403,
      statusText: 'Forbidden',
      headers: { 'Content-Type': 'application/json' },
    },
  );
}

/**
 * Lets the answers the stand-in already gave reach the components: they come
 * back as resolved promises, applied in the microtasks after the request. A
 * denial draws nothing, so a test of it must wait for this rather than for
 * an element.
 */
export async function answersApplied(): Promise<void> {
  await act(async () => {
    await Promise.resolve();
  });
}

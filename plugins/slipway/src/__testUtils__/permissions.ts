import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { act, waitFor, within } from '@testing-library/react';

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

/**
 * Asserts that the action buttons show, enabled, in `allowed` and not in `denied`, once the
 * permission answers for the denied app have arrived; and that every request named its app
 * (none asked about apps in general).
 */
export async function expectActionsOnlyOn(o: {
  authorize: ReturnType<typeof authorizeByResource>;
  allowed: { element: HTMLElement; app: string };
  denied: { element: () => Promise<HTMLElement>; app: string };
  actions: string[];
  permissions: string[];
}) {
  const { authorize, actions, permissions } = o;
  expect(
    await within(o.allowed.element).findByRole('button', {
      name: actions[actions.length - 1],
    }),
  ).toBeEnabled();
  for (const name of actions) {
    expect(
      within(o.allowed.element).getByRole('button', { name }),
    ).toBeEnabled();
  }
  const denied = await o.denied.element();
  await waitFor(() =>
    expect(askedFor(authorize)).toEqual(
      expect.arrayContaining(permissions.map(p => [p, o.denied.app])),
    ),
  );
  await answersApplied();
  for (const name of actions) {
    expect(
      within(denied).queryByRole('button', { name }),
    ).not.toBeInTheDocument();
  }
  expect(askedFor(authorize)).toEqual(
    expect.arrayContaining(permissions.map(p => [p, o.allowed.app])),
  );
  expect(askedFor(authorize).every(([, ref]) => ref !== undefined)).toBe(true);
}

import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { waitFor } from '@slipway/test-harness';

/** A signed-in caller of the portal's API: `api('/slipway/apps')` is `/api/slipway/apps`. */
export type PortalApi = (p: string, init?: RequestInit) => Promise<Response>;

export type GuestIdentity = {
  token: string;
  userEntityRef: string;
  ownershipEntityRefs: string[];
};

/**
 * Signs in as the guest, as the frontend does, and returns the token with the identity the
 * sign-in resolver gave it, so a test can check who it acts as before relying on it.
 */
export async function guestIdentity(baseUrl: string): Promise<GuestIdentity> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (res.status !== 200)
    throw new Error(`guest sign-in answered ${res.status}`);
  const { backstageIdentity } = await res.json();
  return {
    token: backstageIdentity.token,
    userEntityRef: backstageIdentity.identity.userEntityRef,
    ownershipEntityRefs: backstageIdentity.identity.ownershipEntityRefs,
  };
}

export function portalApi(baseUrl: string, token: string): PortalApi {
  return (p, init = {}) =>
    fetch(`${baseUrl}/api${p}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
}

/** Polls a Slipway deployment until it has finished, and returns it with its log lines. */
export async function finishedDeployment(api: PortalApi, id: string) {
  return waitFor(
    `deployment ${id} to finish`,
    async () => {
      const body = await (await api(`/slipway/deployments/${id}`)).json();
      return body.deployment?.finishedAt ? body : undefined;
    },
    240_000,
    500,
  );
}

/** Polls a provisioning job until it is neither queued nor in progress. */
export async function finishedInfraJob(api: PortalApi, id: string) {
  return waitFor(
    `infra job ${id} to finish`,
    async () => {
      const body = await (await api(`/slipway/infra/jobs/${id}`)).json();
      return ['queued', 'in_progress'].includes(body.job?.status)
        ? undefined
        : body;
    },
    120_000,
    500,
  );
}

/** Every file of a template folder, as the template editor sends them to the dry-run API. */
export function directoryContents(dir: string) {
  const files: { path: string; base64Content: string }[] = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), {
      withFileTypes: true,
    })) {
      const rel = path.posix.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else
        files.push({
          path: rel,
          base64Content: fs
            .readFileSync(path.join(dir, rel))
            .toString('base64'),
        });
    }
  };
  walk('');
  return files;
}

/** The scaffolder's dry run of the template in `templateFile`, as the template editor runs it. */
export async function dryRunTemplate(
  api: PortalApi,
  templateFile: string,
  values: object,
): Promise<{ status: number; text: string }> {
  const res = await api('/scaffolder/v2/dry-run', {
    method: 'POST',
    body: JSON.stringify({
      template: yaml.parse(fs.readFileSync(templateFile, 'utf8')),
      values,
      secrets: {},
      directoryContents: directoryContents(path.dirname(templateFile)),
    }),
  });
  return { status: res.status, text: await res.text() };
}

/**
 * Starts a scaffolder task of a template in the catalog, waits for its end, and returns its
 * status with its event messages (log lines without their level and colour) and errors.
 */
export async function runTemplateTask(
  api: PortalApi,
  templateRef: string,
  values: object,
) {
  const created = await api('/scaffolder/v2/tasks', {
    method: 'POST',
    body: JSON.stringify({ templateRef, values }),
  });
  if (created.status !== 201)
    throw new Error(`task creation answered ${created.status}`);
  const { id } = await created.json();
  const task = await waitFor(
    'the task to finish',
    async () => {
      const t = await (await api(`/scaffolder/v2/tasks/${id}`)).json();
      return ['completed', 'failed', 'cancelled'].includes(t.status)
        ? t
        : undefined;
    },
    240_000,
    500,
  );
  const events: { body: { message?: string; error?: { message: string } } }[] =
    await (await api(`/scaffolder/v2/tasks/${id}/events`)).json();
  const messages = events.flatMap(e => [
    (e.body.message ?? '')
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;]*m/g, '')
      .replace(/^(info|warn|error): /, ''),
    ...(e.body.error ? [e.body.error.message] : []),
  ]);
  return { status: task.status as string, messages };
}

/**
 * A finished job's status, with its diagnosis and last log lines when it did not succeed, so
 * that `expect(outcome(x)).toEqual({ status: 'succeeded' })` shows why when it fails.
 */
export function outcome(finished: {
  deployment?: { status: string; diagnosis?: string | null };
  job?: { status: string; error?: string | null };
  log: { line: string }[];
}) {
  const record = finished.deployment ?? finished.job!;
  if (record.status === 'succeeded') return { status: record.status };
  return {
    status: record.status,
    record,
    tail: finished.log.slice(-20).map(l => l.line),
  };
}

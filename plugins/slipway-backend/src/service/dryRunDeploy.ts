import { ConflictError, InputError } from '@backstage/errors';
import { ValidDeployRequest } from '@slipway/plugin-slipway-common';
import { InfraStore } from '../database/InfraStore';
import { SlipwayStores } from '../database/SlipwayStores';
import { appUrlOn } from '../hosts/configuredHosts';
import { HostRegistry } from '../hosts/HostRegistry';
import { JobRunner } from '../appJobs/JobRunner';

/**
 * What a deploy would do, without doing it: the checks that need no host (the host is known,
 * the port is free, no job holds the app), and where the app would answer. Validation and
 * policy have passed before.
 */
export async function dryRunDeploy(
  deps: {
    store: SlipwayStores;
    hosts: HostRegistry;
    infra: InfraStore;
    runner: JobRunner;
  },
  request: ValidDeployRequest,
) {
  const { store, hosts } = deps;
  await hosts.refresh(deps.infra);
  if (!hosts.has(request.host)) {
    throw new InputError(
      `host: there is no Slipway host named "${request.host}" (see GET /hosts)`,
    );
  }
  const holder = await store.apps.appOnPort(request.host, request.port);
  if (holder && holder.name !== request.name) {
    throw new ConflictError(
      `port ${request.port} on host ${request.host} is already used by app "${holder.name}"`,
    );
  }
  const running = await deps.runner.runningJobOf(request.name);
  if (running) {
    throw new ConflictError(
      `app ${request.name} has a job running: deployment ${running}`,
    );
  }
  const { env, ...withoutEnv } = request;
  return {
    dryRun: true,
    policy: 'passed',
    request: { ...withoutEnv, envNames: Object.keys(env).sort() },
    existing: Boolean(await store.apps.getApp(request.name)),
    url: appUrlOn(hosts.get(request.host), request.port),
  };
}

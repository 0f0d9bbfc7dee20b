import { z } from 'zod/v3';
import {
  cpusLimit,
  dnsLabel,
  envVars,
  gitRef,
  healthPath,
  memoryLimit,
  ownerRef,
  port,
  repoPath,
  repoUrl,
  singleLine,
} from './rules';

/** Host ports below this are reserved for the host's own services (SSH, HTTP, ...). */
export const MIN_HOST_PORT = 1024;

/**
 * `POST /api/slipway/apps/deploy`: the Mini PaaS deploy request. Field names are the
 * REST API's (snake_case), the same in templates and in the scaffolder action.
 */
export const deployRequestSchema = z
  .object({
    name: dnsLabel('name'),
    repo: repoUrl,
    ref: gitRef.optional(),
    port: port('port', MIN_HOST_PORT),
    container_port: port('container_port', 1),
    health_path: healthPath.default('/'),
    env: envVars.default({}),
    host: dnsLabel('host'),
    /** Who owns the app in the catalog; kept from the last deploy that named one. */
    owner: ownerRef('owner').optional(),
    description: singleLine('description', 280).optional(),
    /** The build context: a directory of the repo (default its root), for monorepos. */
    context: repoPath('context').optional(),
    /**
     * The Dockerfile, relative to the repository root like `docker build -f` run from there
     * (default `Dockerfile` in the context).
     */
    dockerfile: repoPath('dockerfile').optional(),
    /** `docker run --memory`, e.g. `256m`; bounded by `slipway.policy.maxMemory`. */
    memory: memoryLimit.optional(),
    /** `docker run --cpus`, e.g. `0.5`; bounded by `slipway.policy.maxCpus`. */
    cpus: cpusLimit.optional(),
  })
  .strict();

export type DeployRequest = z.input<typeof deployRequestSchema>;
export type ValidDeployRequest = z.output<typeof deployRequestSchema>;

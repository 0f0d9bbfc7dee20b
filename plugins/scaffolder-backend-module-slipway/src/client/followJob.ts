import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { SlipwayBackendClient } from './SlipwayBackendClient';

/**
 * Streams a backend job's log into the task log as the lines are written, and returns the job's
 * final record. When the task is cancelled (`signal`), the backend job is cancelled too and
 * followed to its end, so the task log says how it stopped.
 */
export async function followJobIntoTaskLog<TJob>(opts: {
  client: SlipwayBackendClient;
  credentials: BackstageCredentials;
  logger: LoggerService;
  /** e.g. `/deployments/<id>` */
  path: string;
  recordKey: 'deployment' | 'job';
  signal?: AbortSignal;
}): Promise<TJob> {
  const { client, credentials, logger, path, signal } = opts;
  const cancel = () => {
    logger.warn(`Task cancelled: cancelling ${path} in Slipway`);
    client
      .request(credentials, 'POST', `${path}/cancel`)
      .catch(error =>
        logger.warn(`Could not cancel ${path}: ${(error as Error).message}`),
      );
  };
  if (signal?.aborted) cancel();
  else signal?.addEventListener('abort', cancel, { once: true });
  try {
    // Not aborted with the task: the stream goes on until the cancelled job has ended.
    return await client.follow<TJob>(
      credentials,
      path,
      opts.recordKey,
      event => {
        if (event.type !== 'log') return;
        if (event.stream === 'stderr') logger.warn(event.line);
        else logger.info(event.line);
      },
    );
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

type FinishedJob = { id: string; status: string; diagnosis: string | null };

/**
 * Starts a backend job once per task (the id is kept with `ctx.checkpoint`, so a retried task
 * follows the job it started), streams its log into the task log, and returns it when it
 * succeeded; any other end fails the step with the job's diagnosis.
 */
export async function runBackendJob<TJob extends FinishedJob>(opts: {
  ctx: {
    checkpoint<T extends string>(o: {
      key: string;
      fn: () => Promise<T>;
    }): Promise<T>;
    logger: LoggerService;
    signal?: AbortSignal;
  };
  client: SlipwayBackendClient;
  credentials: BackstageCredentials;
  checkpointKey: string;
  /** Starts the job and returns its id. */
  start: () => Promise<string>;
  path: (id: string) => string;
  recordKey: 'deployment' | 'job';
  /** How the job is named in the task log, e.g. "Deployment" or "Provisioning job". */
  title: string;
}): Promise<TJob> {
  const { ctx } = opts;
  const id = await ctx.checkpoint({ key: opts.checkpointKey, fn: opts.start });
  ctx.logger.info(`${opts.title} ${id} started`);
  const job = await followJobIntoTaskLog<TJob>({
    client: opts.client,
    credentials: opts.credentials,
    logger: ctx.logger,
    path: opts.path(id),
    recordKey: opts.recordKey,
    signal: ctx.signal,
  });
  if (job.status !== 'succeeded') {
    throw new Error(
      `${opts.title} ${job.id} ${job.status.replace('_', ' ')}: ${
        job.diagnosis ?? 'no diagnosis recorded'
      }`,
    );
  }
  return job;
}

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

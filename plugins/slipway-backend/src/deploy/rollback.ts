import {
  dockerRemoveContainer,
  dockerStart,
} from '@slipway/plugin-slipway-node';
import { JobContext, JobOutcome } from './JobContext';
import { PreviousContainer } from './swap';

/**
 * The automatic rollback after a container that did not start or failed its health gate: the
 * new container is removed and the previous one started again. Without a previous one nothing
 * serves, and the app becomes `failed`.
 */
export async function restorePrevious(
  ctx: JobContext,
  container: string,
  previous: PreviousContainer[],
  why: string,
): Promise<JobOutcome> {
  const { conn, log } = ctx;
  await log.step(`Removing the new container ${container}`);
  await conn.exec(dockerRemoveContainer(container), { allowFailure: true });
  if (previous.length === 0) {
    return { status: 'failed', diagnosis: why, nothingServing: true };
  }
  for (const old of previous) {
    await log.step(
      `Rolling back: starting the previous container ${old.name} again`,
    );
    await conn.exec(dockerStart(old.id), { allowFailure: true });
  }
  return {
    status: 'rolled_back',
    diagnosis: `${why}; the previous version (${previous[0].name}) is serving again`,
  };
}

import { CommandFailedError } from '@slipway/plugin-slipway-node';

/**
 * Several commands share one session, so a failure is reported by the step the user knows
 * ("git clone failed on host test with exit code 128"), with the command's last output.
 */
export function stepFailure(step: string, host: string, error: unknown): Error {
  if (error instanceof CommandFailedError) {
    const tail = error.lastLines.length
      ? `\n${error.lastLines.join('\n')}`
      : '';
    return new Error(
      `${step} failed on host ${host} with exit code ${error.exitCode}${tail}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

import {
  dockerImageExists,
  HostConnection,
} from '@slipway/plugin-slipway-node';

/** Whether an image is on the host (built, or kept for rollback and not pruned). */
export async function imageExists(
  conn: HostConnection,
  image: string,
): Promise<boolean> {
  const result = await conn.exec(dockerImageExists(image), {
    allowFailure: true,
  });
  return result.exitCode === 0;
}

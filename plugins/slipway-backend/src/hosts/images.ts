import {
  dockerImageExists,
  dockerImagesByApp,
  HostConnection,
} from '@slipway/plugin-slipway-node';
import { jsonLines } from './containers';

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

export type AppImage = { id: string; ref: string; createdAt: string };

/** The app's images, newest first. */
export async function listAppImages(
  conn: HostConnection,
  app: string,
): Promise<AppImage[]> {
  const { stdout } = await conn.exec(dockerImagesByApp(app));
  return jsonLines<{
    ID: string;
    Repository: string;
    Tag: string;
    CreatedAt: string;
  }>(stdout).map(i => ({
    id: i.ID,
    ref: `${i.Repository}:${i.Tag}`,
    createdAt: i.CreatedAt,
  }));
}

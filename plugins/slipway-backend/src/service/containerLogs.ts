import { App } from '@slipway/plugin-slipway-common';
import { dockerLogsTail } from '@slipway/plugin-slipway-node';
import { HostRegistry } from '../hosts/HostRegistry';
import { listAppContainers, readContainerEnv } from '../hosts/containers';
import { SecretMask } from '../jobs/SecretMask';

/**
 * The last `tail` lines of the app's container: the one of its current deployment, else any
 * running one. No container gives no lines rather than an error. The app's env values (read
 * from the container: Slipway never stores them) are masked, since apps print them.
 */
export async function readContainerLogs(
  hosts: HostRegistry,
  app: App,
  tail: number,
): Promise<{ container: string | null; lines: string[] }> {
  const conn = await hosts.connect(app.host);
  try {
    const containers = await listAppContainers(conn, app.name);
    const current =
      containers.find(c => c.deployment === app.currentDeploymentId) ??
      containers.find(c => c.running);
    if (!current) return { container: null, lines: [] };
    const out = await conn.exec(dockerLogsTail(current.id, tail), {
      allowFailure: true,
    });
    const mask = new SecretMask(
      app.envNames.length
        ? Object.values(await readContainerEnv(conn, current.id, app.envNames))
        : [],
    );
    const lines = `${out.stdout}${out.stderr}`
      .split('\n')
      .filter(Boolean)
      .slice(-tail)
      .map(line => mask.apply(line));
    return { container: current.name, lines };
  } finally {
    await conn.close();
  }
}

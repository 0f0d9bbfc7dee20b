import { dockerRestart } from '@slipway/plugin-slipway-node';
import { listAppContainers } from '../hosts/containers';
import { gateContainer } from '../deploy/healthGate';
import { JobContext, JobOutcome } from '../deploy/JobContext';

/** Restart: `docker restart` of the app's container, then the health gate. */
export async function restartApp(ctx: JobContext): Promise<JobOutcome> {
  const { conn, log, app } = ctx;
  const containers = await listAppContainers(conn, app.name);
  const current =
    containers.find(c => c.deployment === app.currentDeploymentId) ??
    containers[0];
  if (!current) {
    return {
      status: 'failed',
      diagnosis: `no container of app ${app.name} on host ${app.host}`,
    };
  }
  await log.step(`Restarting container ${current.name}`);
  await conn.exec(dockerRestart(current.id), { signal: ctx.signal });
  const gate = await gateContainer(ctx, current.id);
  if (!gate.ok) return { status: 'failed', diagnosis: gate.diagnosis };
  return {
    status: 'succeeded',
    summary: `restarted; GET ${app.healthPath} returned ${gate.probe.httpStatus}`,
  };
}

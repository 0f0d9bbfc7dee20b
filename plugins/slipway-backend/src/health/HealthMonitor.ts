import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { App } from '@slipway/plugin-slipway-common';
import { HostConnection } from '@slipway/plugin-slipway-node';
import { SlipwayStores } from '../database/SlipwayStores';
import { HostRegistry } from '../hosts/HostRegistry';
import {
  describeExit,
  listAppContainers,
  inspectContainerState,
} from '../hosts/containers';
import { HealthMonitorSettings } from './settings';
import { probeHttp } from './probe';
import { appLock } from '../jobs/lockNames';

/** Runs `fn` over `items` with at most `limit` at a time. */
async function eachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
      }
    },
  );
  await Promise.all(workers);
}

/**
 * Keeps checking deployed apps. An HTTP probe per app per round; after N consecutive failures
 * a running app is `unhealthy`; an unhealthy app whose container exited, vanished or
 * restart-loops (read with `docker inspect`) is `failed`; one good probe brings it back to
 * `running`. Apps with a job in progress are left to the job.
 */
export class HealthMonitor {
  constructor(
    private readonly store: SlipwayStores,
    private readonly hosts: HostRegistry,
    private readonly settings: HealthMonitorSettings,
    private readonly logger: LoggerService,
  ) {}

  /** One round every `intervalSeconds`, by one replica at a time. */
  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'slipway-health-monitor',
      scope: 'global',
      frequency: { seconds: this.settings.intervalSeconds },
      timeout: { seconds: Math.max(60, this.settings.intervalSeconds * 3) },
      fn: () => this.checkAll(),
    });
  }

  async checkAll(): Promise<void> {
    const apps = (await this.store.apps.listApps()).filter(
      a => a.currentDeploymentId,
    );
    const connections = new Map<string, Promise<HostConnection>>();
    const connect = (host: string) => {
      if (!connections.has(host))
        connections.set(host, this.hosts.connect(host));
      return connections.get(host)!;
    };
    try {
      await eachLimited(apps, this.settings.concurrency, async app => {
        if (await this.store.locks.lockHolder(appLock(app.name))) return;
        try {
          await this.checkApp(app, () => connect(app.host));
        } catch (error) {
          this.logger.warn(
            `Health check of ${app.name} failed: ${(error as Error).message}`,
          );
        }
      });
    } finally {
      for (const pending of connections.values()) {
        await pending.then(c => c.close()).catch(() => undefined);
      }
    }
  }

  async checkApp(
    app: App,
    connect: () => Promise<HostConnection>,
  ): Promise<void> {
    const probe = await probeHttp(
      {
        address: this.hosts.probeAddress(app.host),
        port: app.port,
        path: app.healthPath,
      },
      this.settings.probeTimeoutMs,
    );
    await this.store.health.recordHealthSample(app.name, probe);
    if (probe.ok) {
      await this.store.apps.setConsecutiveFailures(app.name, 0);
      if (app.state !== 'running') {
        await this.store.apps.transitionApp(
          app.name,
          'running',
          `health check passed: GET ${app.healthPath} returned ${probe.httpStatus} in ${probe.latencyMs} ms`,
        );
      }
      return;
    }

    const failures = app.consecutiveFailures + 1;
    await this.store.apps.setConsecutiveFailures(app.name, failures);
    if (app.state === 'running' && failures >= this.settings.failureThreshold) {
      await this.store.apps.transitionApp(
        app.name,
        'unhealthy',
        `${failures} consecutive failed health checks: ${probe.error}`,
      );
      return;
    }
    if (app.state === 'unhealthy' || app.state === 'pending') {
      const reason = await this.containerProblem(app, await connect());
      if (reason)
        await this.store.apps.transitionApp(
          app.name,
          'failed',
          `${reason}; last check: ${probe.error}`,
        );
    }
  }

  /** Why the app's container cannot recover by itself, or undefined while it is running. */
  private async containerProblem(
    app: App,
    conn: HostConnection,
  ): Promise<string | undefined> {
    const containers = await listAppContainers(conn, app.name);
    const current = containers.find(
      c => c.deployment === app.currentDeploymentId,
    );
    if (!current)
      return `no container of deployment ${app.currentDeploymentId} on host ${app.host}`;
    const state = await inspectContainerState(conn, current.id);
    if (!state) return `container ${current.name} is gone`;
    if (state.status === 'exited' || state.status === 'dead')
      return describeExit(state);
    if (state.restarting || state.restartCount >= 3) {
      return `${describeExit({ ...state, restarting: true })}: restart loop`;
    }
    return undefined;
  }
}

import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { HealthStore } from '../database/HealthStore';

/**
 * Removes health samples older than the retention period. Apart from the monitor's rounds: a
 * slow delete must not delay a round's probes, and one replica pruning is enough.
 */
export class HealthSampleCleaner {
  constructor(
    private readonly health: HealthStore,
    private readonly retentionHours: number,
    private readonly logger: LoggerService,
  ) {}

  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'slipway-health-samples-prune',
      scope: 'global',
      frequency: { minutes: 30 },
      timeout: { minutes: 5 },
      initialDelay: { minutes: 1 },
      fn: async () => {
        await this.clean();
      },
    });
  }

  async clean(): Promise<number> {
    const removed = await this.health.pruneHealthSamples(
      new Date(Date.now() - this.retentionHours * 3600_000),
    );
    if (removed) this.logger.info(`Pruned ${removed} old health sample(s)`);
    return removed;
  }
}

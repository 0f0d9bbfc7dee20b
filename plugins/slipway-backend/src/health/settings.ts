import { Config } from '@backstage/config';

/** The health monitor of deployed apps (`slipway.health`). */
export type HealthMonitorSettings = {
  intervalSeconds: number;
  probeTimeoutMs: number;
  /** Consecutive failed probes before a running app is `unhealthy`. */
  failureThreshold: number;
  /** Apps probed at once. */
  concurrency: number;
  /** How long health samples are kept. */
  retentionHours: number;
};

export function readHealthMonitorSettings(
  config: Config,
): HealthMonitorSettings {
  const m = config.getOptionalConfig('slipway.health');
  return {
    intervalSeconds: m?.getOptionalNumber('intervalSeconds') ?? 10,
    probeTimeoutMs: m?.getOptionalNumber('probeTimeoutMs') ?? 5000,
    failureThreshold: m?.getOptionalNumber('failureThreshold') ?? 3,
    concurrency: m?.getOptionalNumber('concurrency') ?? 8,
    retentionHours: m?.getOptionalNumber('retentionHours') ?? 24 * 7,
  };
}

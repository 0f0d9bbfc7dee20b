import { Config } from '@backstage/config';

/**
 * Deploy defaults (the health monitor's are in health/settings.ts). The health gate probes
 * right after the swap and then with a short backoff (250 ms doubling to 1 s, Kamal's
 * interval), each probe with a 5 s timeout (Kamal's), until a 60 s deadline: twice Dokku's
 * 30 s, since JVM and Rails apps often need more, while a crashed container is caught at once
 * by inspecting it after each failure.
 */
export type DeploySettings = {
  healthGate: {
    initialIntervalMs: number;
    maxIntervalMs: number;
    probeTimeoutMs: number;
    deadlineMs: number;
  };
  /**
   * Ask the repo for the ref's commit from the backend (`git ls-remote`), so a deploy runs in
   * one SSH session; when that fails the host resolves it. Off for repos only hosts can reach.
   */
  resolveRefOnBackend: boolean;
  /** Successful releases per app whose images are kept for rollback (the current one included). */
  keepImages: number;
  /** Build folder on hosts: relative to the SSH user's home, or absolute. */
  workDir: string;
  commandTimeoutMs: number;
  /** Lease of a job's lock: how long before another replica may settle a dead backend's job. */
  lockTtlMs: number;
  buildTimeoutMs: number;
};

export function readDeploySettings(config: Config): DeploySettings {
  const c = config.getOptionalConfig('slipway.deploy');
  return {
    healthGate: {
      initialIntervalMs:
        c?.getOptionalNumber('healthGate.initialIntervalMs') ?? 250,
      maxIntervalMs: c?.getOptionalNumber('healthGate.intervalMs') ?? 1000,
      probeTimeoutMs: c?.getOptionalNumber('healthGate.probeTimeoutMs') ?? 5000,
      deadlineMs:
        (c?.getOptionalNumber('healthGate.deadlineSeconds') ?? 60) * 1000,
    },
    resolveRefOnBackend: c?.getOptionalBoolean('resolveRefOnBackend') ?? true,
    keepImages: Math.max(2, c?.getOptionalNumber('keepImages') ?? 3),
    workDir: c?.getOptionalString('workDir') ?? '.slipway',
    lockTtlMs: (c?.getOptionalNumber('lockTtlSeconds') ?? 30) * 1000,
    commandTimeoutMs:
      (c?.getOptionalNumber('commandTimeoutSeconds') ?? 120) * 1000,
    buildTimeoutMs:
      (c?.getOptionalNumber('buildTimeoutSeconds') ?? 1200) * 1000,
  };
}

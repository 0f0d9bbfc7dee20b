/**
 * Labels on every container and image Slipway creates, so the host's real state can always
 * be read back with `docker ps` / `docker inspect`, and a restarted backend can reconcile.
 */
export const LABELS = {
  app: 'slipway.app',
  deployment: 'slipway.deployment',
  commit: 'slipway.commit',
} as const;

export type SlipwayLabels = { app: string; deployment: string; commit: string };

export function labelArgs(labels: SlipwayLabels): string[] {
  return [
    '--label',
    `${LABELS.app}=${labels.app}`,
    '--label',
    `${LABELS.deployment}=${labels.deployment}`,
    '--label',
    `${LABELS.commit}=${labels.commit}`,
  ];
}

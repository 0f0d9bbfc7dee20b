import { Deployment } from '@slipway/plugin-slipway-common';

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago", "yesterday", "in 5 seconds". */
export function formatRelativeTime(iso: string, now: number): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((time - now) / 1000);
  if (Math.abs(seconds) < 5) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return relative.format(Math.trunc(seconds / size), unit);
    }
  }
  return iso;
}

/** "42 s", "3 min 12 s", "1 h 5 min". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) {
    const seconds = total % 60;
    return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** How long a deployment took, or has been running; blank before it starts. */
export function deploymentDuration(
  deployment: Deployment,
  now: number,
): string {
  if (!deployment.startedAt) return '';
  const start = Date.parse(deployment.startedAt);
  const end = deployment.finishedAt ? Date.parse(deployment.finishedAt) : now;
  return formatDuration(end - start);
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * The web page of a commit, for repos on GitHub, GitLab, Gitea and the like,
 * which all serve `<repo>/commit/<sha>`. Only https URLs qualify: an SSH or
 * local path has no page, and credentials in a URL are never shown.
 */
export function commitUrl(repo: string, sha: string): string | undefined {
  let url: URL;
  try {
    url = new URL(repo);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || !/^[0-9a-f]{7,64}$/i.test(sha)) {
    return undefined;
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  return `${url.origin}${path}/commit/${sha}`;
}

/** "user:default/jane" reads as "jane"; other initiators as they are. */
export function initiatorName(initiator: string | null): string | undefined {
  if (!initiator) return undefined;
  const match = /^[^:]+:(?:[^/]+\/)?(.+)$/.exec(initiator);
  return match ? match[1] : initiator;
}

import { Command } from './quote';
import { LABELS, SlipwayLabels, labelArgs } from './labels';

/** Builds an image; its output is the build log, streamed into the deployment log. */
export function dockerBuild(opts: {
  tag: string;
  contextDir: string;
  /** `-f`: the Dockerfile's path as the host sees it; default `Dockerfile` in the context. */
  dockerfile?: string;
  labels: SlipwayLabels;
}): Command {
  // --force-rm: a failed build leaves no intermediate containers behind on the host.
  return [
    'docker',
    'build',
    '--force-rm',
    '--tag',
    opts.tag,
    ...(opts.dockerfile ? ['--file', opts.dockerfile] : []),
    ...labelArgs(opts.labels),
    '--',
    opts.contextDir,
  ];
}

/**
 * Fails unless every path exists and, once symlinks are resolved, lies inside `root`: a repo's
 * symlink must not turn a build context or Dockerfile into the host's own files. The script
 * text is constant; the paths (relative to `root`) travel as positional parameters.
 */
export const CHECK_INSIDE_DIR =
  'cd -- "$1" || exit 1; root=$(pwd -P); shift; for p do r=$(realpath -e -- "$p" 2>/dev/null) || { echo "$p: not found in the repository" >&2; exit 1; }; case "$r" in "$root"/*) ;; *) echo "$p: leads outside the repository" >&2; exit 1;; esac; done';

export function checkInsideDir(root: string, relativePaths: string[]): Command {
  return ['sh', '-c', CHECK_INSIDE_DIR, 'sh', root, ...relativePaths];
}

export function dockerRun(opts: {
  name: string;
  image: string;
  hostPort: number;
  containerPort: number;
  labels: SlipwayLabels;
  /**
   * Read `NAME=value` lines from the command's stdin (`--env-file /dev/stdin`): the Docker CLI
   * reads the file itself, so values never appear in argv, on disk or in `ps`.
   */
  envFromStdin?: boolean;
  bindAddress?: string;
  /** `--memory`, in Docker's format (`256m`, `1g`). */
  memory?: string;
  /** `--cpus`: a share of the host's CPUs (`0.5`). */
  cpus?: number;
}): Command {
  const bind = opts.bindAddress ? `${opts.bindAddress}:` : '';
  return [
    'docker',
    'run',
    '--detach',
    // A tiny init as PID 1 forwards SIGTERM, so `docker stop` ends apps that ignore it as
    // PID 1 (BusyBox httpd, many shell-started servers) at once instead of after the timeout.
    '--init',
    '--name',
    opts.name,
    '--restart',
    'unless-stopped',
    '--publish',
    `${bind}${opts.hostPort}:${opts.containerPort}`,
    ...labelArgs(opts.labels),
    ...(opts.memory ? ['--memory', opts.memory] : []),
    ...(opts.cpus ? ['--cpus', String(opts.cpus)] : []),
    ...(opts.envFromStdin ? ['--env-file', '/dev/stdin'] : []),
    '--',
    opts.image,
  ];
}

/** The `--env-file` content for `dockerRun({ envFromStdin: true })`. Values must be one line. */
export function envFileContent(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (/[\r\n]/.test(value)) {
        throw new Error(`env ${name}: values must be a single line`);
      }
      return `${name}=${value}\n`;
    })
    .join('');
}

/** Containers of one app (or of all Slipway apps), as one JSON object per line. */
export function dockerPsByApp(app?: string): Command {
  return [
    'docker',
    'ps',
    '--all',
    '--no-trunc',
    '--filter',
    app ? `label=${LABELS.app}=${app}` : `label=${LABELS.app}`,
    '--format',
    '{{json .}}',
  ];
}

export function dockerInspect(ids: string[]): Command {
  return ['docker', 'inspect', '--type', 'container', '--', ...ids];
}

/** One line: status, exit code, restart count and the restarting flag. */
export const INSPECT_STATE_FORMAT =
  '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}} {{.State.Restarting}}';

export function dockerInspectState(nameOrId: string): Command {
  return [
    'docker',
    'inspect',
    '--type',
    'container',
    '--format',
    INSPECT_STATE_FORMAT,
    '--',
    nameOrId,
  ];
}

/** The container's environment as JSON (to carry env over on rollback without storing it). */
export function dockerInspectEnv(nameOrId: string): Command {
  return [
    'docker',
    'inspect',
    '--type',
    'container',
    '--format',
    '{{json .Config.Env}}',
    '--',
    nameOrId,
  ];
}

export function dockerLogsTail(nameOrId: string, lines: number): Command {
  return ['docker', 'logs', '--tail', String(lines), '--', nameOrId];
}

export function dockerStop(nameOrId: string, timeoutSeconds = 10): Command {
  return ['docker', 'stop', '--time', String(timeoutSeconds), '--', nameOrId];
}

export function dockerStart(nameOrId: string): Command {
  return ['docker', 'start', '--', nameOrId];
}

export function dockerRestart(nameOrId: string, timeoutSeconds = 10): Command {
  return [
    'docker',
    'restart',
    '--time',
    String(timeoutSeconds),
    '--',
    nameOrId,
  ];
}

export function dockerRemoveContainer(...namesOrIds: string[]): Command {
  return ['docker', 'rm', '--force', '--', ...namesOrIds];
}

/** Images of an app, newest first, one JSON object per line. */
export function dockerImagesByApp(app: string): Command {
  return [
    'docker',
    'images',
    '--no-trunc',
    '--filter',
    `label=${LABELS.app}=${app}`,
    '--format',
    '{{json .}}',
  ];
}

export function dockerImageExists(image: string): Command {
  return ['docker', 'image', 'inspect', '--format', '{{.Id}}', '--', image];
}

export function dockerRemoveImages(refs: string[]): Command {
  return ['docker', 'rmi', '--force', '--', ...refs];
}

export function removeDirectory(dir: string): Command {
  return ['rm', '-rf', '--', dir];
}

export function makeDirectory(dir: string): Command {
  return ['mkdir', '-p', '--', dir];
}

/** Stops several containers at once. */
export function dockerStopAll(ids: string[], timeoutSeconds = 10): Command {
  return ['docker', 'stop', '--time', String(timeoutSeconds), '--', ...ids];
}

/**
 * Stops the app's running containers, found by label on the host itself, and prints their
 * full ids (one per line) so a failed swap can start them again. The script text is constant;
 * the app name travels as a positional parameter.
 */
export const STOP_APP_CONTAINERS =
  'docker ps -q --no-trunc --filter "label=slipway.app=$1" --filter status=running | xargs -r docker stop --time 10 --';

export function dockerStopRunningOfApp(app: string): Command {
  return ['sh', '-c', STOP_APP_CONTAINERS, 'sh', app];
}

import { Command } from './quote';
import { LABELS, SlipwayLabels, labelArgs } from './labels';

export function dockerBuild(opts: {
  tag: string;
  contextDir: string;
  labels: SlipwayLabels;
}): Command {
  return [
    'docker',
    'build',
    '--quiet',
    '--tag',
    opts.tag,
    ...labelArgs(opts.labels),
    '--',
    opts.contextDir,
  ];
}

export function dockerRun(opts: {
  name: string;
  image: string;
  hostPort: number;
  containerPort: number;
  labels: SlipwayLabels;
  /** Names of variables to pass through from the command's environment (values never in argv). */
  envNames?: string[];
  bindAddress?: string;
}): Command {
  const bind = opts.bindAddress ? `${opts.bindAddress}:` : '';
  return [
    'docker',
    'run',
    '--detach',
    '--name',
    opts.name,
    '--restart',
    'unless-stopped',
    '--publish',
    `${bind}${opts.hostPort}:${opts.containerPort}`,
    ...labelArgs(opts.labels),
    ...(opts.envNames ?? []).flatMap(name => ['--env', name]),
    '--',
    opts.image,
  ];
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

export function dockerRemoveContainer(nameOrId: string): Command {
  return ['docker', 'rm', '--force', '--', nameOrId];
}

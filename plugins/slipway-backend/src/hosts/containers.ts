import {
  dockerInspectEnv,
  dockerInspectState,
  dockerPsByApp,
  HostConnection,
  LABELS,
} from '@slipway/plugin-slipway-node';

/** What `docker ps` says about one of an app's containers. */
export type AppContainer = {
  id: string;
  name: string;
  running: boolean;
  status: string;
  deployment: string | undefined;
  commit: string | undefined;
  image: string;
};

export type ContainerState = {
  status: string;
  exitCode: number;
  restartCount: number;
  restarting: boolean;
};

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text ? text.split(',') : []) {
    const eq = pair.indexOf('=');
    if (eq > 0) labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/** The JSON objects among `--format '{{json .}}'` output lines (other lines are ignored). */
export function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter(line => line.trim().startsWith('{'))
    .map(line => JSON.parse(line) as T);
}

/** The host's real containers of an app, read back through their `slipway.*` labels. */
export async function listAppContainers(
  conn: HostConnection,
  app: string,
): Promise<AppContainer[]> {
  const { stdout } = await conn.exec(dockerPsByApp(app));
  return parseAppContainers(stdout);
}

/** The containers in `docker ps --format '{{json .}}'` output (other lines are ignored). */
export function parseAppContainers(stdout: string): AppContainer[] {
  return jsonLines<{
    ID: string;
    Names: string;
    State: string;
    Status: string;
    Labels: string;
    Image: string;
  }>(stdout).map(c => {
    const labels = parseLabels(c.Labels);
    return {
      id: c.ID,
      name: c.Names,
      running: c.State === 'running' || c.State === 'restarting',
      status: c.Status,
      deployment: labels[LABELS.deployment],
      commit: labels[LABELS.commit],
      image: c.Image,
    };
  });
}

/** `undefined` when the container does not exist. */
export async function inspectContainerState(
  conn: HostConnection,
  container: string,
): Promise<ContainerState | undefined> {
  const result = await conn.exec(dockerInspectState(container), {
    allowFailure: true,
  });
  if (result.exitCode !== 0) return undefined;
  const [status, exitCode, restartCount, restarting] = result.stdout
    .trim()
    .split(' ');
  return {
    status,
    exitCode: Number(exitCode),
    restartCount: Number(restartCount),
    restarting: restarting === 'true',
  };
}

/** The values of the app's env vars as the running container has them (never stored by Slipway). */
export async function readContainerEnv(
  conn: HostConnection,
  container: string,
  names: string[],
): Promise<Record<string, string>> {
  const result = await conn.exec(dockerInspectEnv(container), {
    allowFailure: true,
  });
  if (result.exitCode !== 0) return {};
  const env: Record<string, string> = {};
  for (const entry of JSON.parse(result.stdout) as string[]) {
    const eq = entry.indexOf('=');
    const name = entry.slice(0, eq);
    if (names.includes(name)) env[name] = entry.slice(eq + 1);
  }
  return env;
}

export function describeExit(state: ContainerState): string {
  if (state.restarting || state.status === 'restarting') {
    return `container is restarting after exiting with code ${state.exitCode} (restarted ${state.restartCount} times)`;
  }
  return `container exited with code ${state.exitCode}`;
}

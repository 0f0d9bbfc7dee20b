import fs from 'node:fs';
import path from 'node:path';
import { logTail, run, startDaemon, stopProcess, waitFor } from './exec';

/** Label on every container and image that a test creates, so cleanup touches only ours. */
export const TEST_LABEL = 'slipway.test';

export type DockerDaemon = {
  /** True when this harness started dockerd (and so must stop it). */
  started: boolean;
  pid?: number;
};

async function dockerAnswers(): Promise<boolean> {
  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], {
      timeoutMs: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reuses a Docker daemon that answers on its socket, otherwise starts dockerd (Debian's
 * docker.io) on the default socket so that commands run over SSH find it too.
 */
export async function ensureDockerDaemon(
  outputDir: string,
): Promise<DockerDaemon> {
  if (await dockerAnswers()) {
    return { started: false };
  }
  const dockerd = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find(p =>
    fs.existsSync(p),
  );
  if (!dockerd) {
    throw new Error(
      'No Docker daemon answers and dockerd is not installed: run `apt-get install -y docker.io` (./dev test does this for you).',
    );
  }
  const logFile = path.join(outputDir, 'dockerd.log');
  const child = startDaemon(dockerd, [], logFile);
  try {
    await waitFor(
      'dockerd to answer',
      async () => ((await dockerAnswers()) ? true : undefined),
      60_000,
      500,
    );
  } catch (error) {
    if (child.pid) await stopProcess(child.pid);
    const log = logTail(logFile);
    throw new Error(
      `${(error as Error).message}\nlast lines of ${logFile}:\n${log}`,
    );
  }
  return { started: true, pid: child.pid };
}

export async function stopDockerDaemon(daemon: DockerDaemon): Promise<void> {
  if (daemon.started && daemon.pid) {
    await stopProcess(daemon.pid, 30_000);
  }
}

/** Removes every container and image carrying a label (`key` or `key=value`), and nothing else. */
export async function removeLabelled(label: string): Promise<void> {
  const filter = `label=${label}`;
  const containers = (await run('docker', ['ps', '-aq', '--filter', filter]))
    .split('\n')
    .filter(Boolean);
  if (containers.length) await run('docker', ['rm', '-f', ...containers]);
  const images = (await run('docker', ['images', '-q', '--filter', filter]))
    .split('\n')
    .filter(Boolean);
  if (images.length) await run('docker', ['rmi', '-f', ...new Set(images)]);
}

/** Removes the containers and images that tests created (by label), and nothing else. */
export async function removeTestResources(labelValue?: string): Promise<void> {
  await removeLabelled(`${TEST_LABEL}${labelValue ? `=${labelValue}` : ''}`);
}

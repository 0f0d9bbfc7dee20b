import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DockerDaemon,
  ensureDockerDaemon,
  removeTestResources,
  stopDockerDaemon,
} from './docker';
import { ensureBaseImage } from './baseImage';
import { SshServer, startSshd, stopSshd } from './sshd';

/** What a test run gets: a Docker Engine, an sshd on loopback, and the examples' base image. */
export type Harness = {
  docker: DockerDaemon;
  ssh: SshServer;
  baseImage: string;
  dir: string;
  /** Value of the `slipway.test` label on everything this run creates. */
  runId: string;
};

/** Environment variable that points test workers at the harness started by jest's globalSetup. */
export const HARNESS_STATE_ENV = 'SLIPWAY_HARNESS_STATE';

export async function startHarness(): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-harness-'));
  const docker = await ensureDockerDaemon(dir);
  try {
    const baseImage = await ensureBaseImage();
    const ssh = await startSshd(path.join(dir, 'ssh'));
    return { docker, ssh, baseImage, dir, runId: path.basename(dir) };
  } catch (error) {
    await stopDockerDaemon(docker);
    throw error;
  }
}

export async function stopHarness(harness: Harness): Promise<void> {
  await stopSshd(harness.ssh);
  await removeTestResources(harness.runId).catch(() => undefined);
  await stopDockerDaemon(harness.docker);
  fs.rmSync(harness.dir, { recursive: true, force: true });
}

/**
 * The harness of this test run. Jest's globalSetup starts one and shares it through a state
 * file; a test run without that setup (a single file run by hand) gets an error that says so.
 */
export function getHarness(): Harness {
  const stateFile = process.env[HARNESS_STATE_ENV];
  if (!stateFile || !fs.existsSync(stateFile)) {
    throw new Error(
      `No test harness: ${HARNESS_STATE_ENV} is not set. Run the tests through \`./dev test\` or \`yarn test\` in a package whose jest config has the harness globalSetup.`,
    );
  }
  return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Harness;
}

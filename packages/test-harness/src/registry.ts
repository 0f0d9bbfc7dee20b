import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  freePort,
  logTail,
  run,
  startDaemon,
  stopProcess,
  waitFor,
} from './exec';

const REGISTRY = '/usr/bin/docker-registry';
const HTPASSWD = '/usr/bin/htpasswd';

/**
 * A private image registry (Debian's `docker-registry`, the CNCF Distribution registry) on a
 * free 127.0.0.1 port with filesystem storage and htpasswd (bcrypt) basic auth. Docker Engine
 * treats 127.0.0.0/8 registries as insecure by default, so plain HTTP works for login, push
 * and pull without daemon configuration.
 */
export type ImageRegistry = {
  pid: number;
  dir: string;
  /** `127.0.0.1:<port>`: the registry part of an image reference and `docker login`'s server. */
  host: string;
  /** `http://127.0.0.1:<port>`, for the registry's HTTP API (`/v2/`). */
  url: string;
  port: number;
  username: string;
  /** A fresh random password: give it to tools on stdin (`docker login --password-stdin`). */
  password: string;
  storageDir: string;
  logFile: string;
  /** Stops the registry (SIGTERM, then SIGKILL) and removes its directory with the images. */
  stop(): Promise<void>;
};

/** The status of `GET /v2/`, or undefined while nothing answers. */
async function v2Status(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}/v2/`, {
      signal: AbortSignal.timeout(2000),
    });
    return response.status;
  } catch {
    return undefined;
  }
}

/** Starts a registry in a new directory under `parentDir` (the harness's `dir`). */
export async function startRegistry(
  parentDir: string,
  username = 'slipway',
): Promise<ImageRegistry> {
  for (const [file, pkg] of [
    [REGISTRY, 'docker-registry'],
    [HTPASSWD, 'apache2-utils'],
  ]) {
    if (!fs.existsSync(file)) {
      throw new Error(
        `${file} is missing: run \`apt-get install -y ${pkg}\` (./dev test does this for you).`,
      );
    }
  }
  fs.mkdirSync(parentDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parentDir, 'registry-'));
  const storageDir = path.join(dir, 'storage');
  const htpasswdFile = path.join(dir, 'htpasswd');
  const configFile = path.join(dir, 'config.yml');
  const logFile = path.join(dir, 'registry.log');
  const password = crypto.randomBytes(24).toString('base64url');
  // -i reads the password from stdin: it never appears in htpasswd's argv.
  await run(HTPASSWD, ['-B', '-i', '-c', htpasswdFile, username], {
    input: password,
  });
  const port = await freePort();
  // JSON is YAML: no YAML library, and no quoting mistakes in paths.
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      version: 0.1,
      log: { level: 'info' },
      storage: {
        filesystem: { rootdirectory: storageDir },
        delete: { enabled: true },
      },
      http: {
        addr: `127.0.0.1:${port}`,
        secret: crypto.randomBytes(24).toString('base64url'),
      },
      auth: { htpasswd: { realm: 'slipway-test', path: htpasswdFile } },
    }),
  );
  const child = startDaemon(REGISTRY, ['serve', configFile], logFile);
  const pid = child.pid;
  if (!pid) throw new Error(`${REGISTRY} did not start`);
  const url = `http://127.0.0.1:${port}`;
  try {
    // With auth on, an anonymous /v2/ answers 401: the registry is up and requires a login.
    await waitFor(
      'docker-registry to answer on /v2/',
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`docker-registry exited with ${child.exitCode}`);
        }
        return (await v2Status(url)) === 401 ? true : undefined;
      },
      20_000,
      100,
    );
  } catch (error) {
    await stopProcess(pid);
    const log = logTail(logFile);
    throw new Error(`${(error as Error).message}\n${logFile}:\n${log}`);
  }
  return {
    pid,
    dir,
    host: `127.0.0.1:${port}`,
    url,
    port,
    username,
    password,
    storageDir,
    logFile,
    stop: async () => {
      await stopProcess(pid, 10_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

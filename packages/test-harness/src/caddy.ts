import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort, logTail, stopProcess, waitFor } from './exec';

const CADDY = '/usr/bin/caddy';

type Json = Record<string, any>;

/**
 * A private Caddy (Debian's `caddy`) for one test: its admin API on a Unix socket, as Slipway
 * drives a host's Caddy over SSH, its storage (certificates and the internal CA under `pki/`)
 * in its own directory, and its HTTP and HTTPS ports free loopback ports. The package's own
 * service (port 80, /var/lib/caddy) is never used.
 */
export type CaddyServer = {
  pid: number;
  dir: string;
  /** The admin API's Unix socket (`curl --unix-socket <adminSocket> http://localhost/config/`). */
  adminSocket: string;
  /** Caddy's `http_port`: where its automatic HTTP-to-HTTPS redirects listen. */
  httpPort: number;
  /** Caddy's `https_port`: a server listening here gets automatic HTTPS. */
  httpsPort: number;
  /** Where Caddy keeps certificates and its CA (the `storage` module's root). */
  dataDir: string;
  /** The root certificate of Caddy's internal CA (`tls internal`), once a certificate was issued. */
  rootCertificate: string;
  logFile: string;
  /**
   * Replaces the whole configuration (`POST /load`). The admin endpoint, storage and the CA's
   * `install_trust: false` are kept, so the instance stays private whatever `config` says.
   */
  load(config: Json): Promise<void>;
  /** `GET /config/<path>`: the running configuration, or the part at `path`. */
  getConfig(configPath?: string): Promise<any>;
  /** Any admin API call, e.g. `PATCH /id/<id>/upstreams` to switch upstreams atomically. */
  api(method: string, apiPath: string, body?: unknown): Promise<any>;
  /** Stops Caddy (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
};

/** One admin API request over the Unix socket; a status other than 2xx is an error. */
export function caddyAdminRequest(
  socketPath: string,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<any> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        socketPath,
        method,
        path: apiPath,
        // The admin endpoint accepts only the Host names in its `origins`.
        headers: {
          Host: 'localhost',
          ...(payload !== undefined && {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(payload),
          }),
        },
        timeout: 30_000,
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(
              new Error(`caddy admin ${method} ${apiPath}: ${status} ${text}`),
            );
            return;
          }
          resolve(text.trim() ? JSON.parse(text) : undefined);
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`caddy admin ${method} ${apiPath}: timeout`)),
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * Starts a private Caddy in a new directory under `parentDir` (the harness's `dir`, so a run
 * that dies leaves nothing behind elsewhere) and waits for its admin API.
 */
export async function startCaddy(parentDir: string): Promise<CaddyServer> {
  if (!fs.existsSync(CADDY)) {
    throw new Error(
      `${CADDY} is missing: run \`apt-get install -y caddy\` (./dev test does this for you).`,
    );
  }
  fs.mkdirSync(parentDir, { recursive: true });
  // mkdtemp makes the directory 0700: only this user reaches the admin socket.
  const dir = fs.mkdtempSync(path.join(parentDir, 'caddy-'));
  const adminSocket = path.join(dir, 'admin.sock');
  // Linux caps a Unix socket's path at 107 bytes; past that Caddy fails with a vague bind error.
  if (Buffer.byteLength(adminSocket) > 107) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `${adminSocket} is too long for a Unix socket: use a shorter TMPDIR`,
    );
  }
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'caddy.log');
  const httpPort = await freePort();
  const httpsPort = await freePort();

  const base = (config: Json = {}): Json => {
    const apps: Json = { ...(config.apps ?? {}) };
    apps.http = {
      http_port: httpPort,
      https_port: httpsPort,
      servers: {},
      ...(apps.http ?? {}),
    };
    // Caddy running as root would otherwise add its root to the machine's trust store.
    const pki = apps.pki ?? {};
    const cas = pki.certificate_authorities ?? {};
    apps.pki = {
      ...pki,
      certificate_authorities: {
        ...cas,
        local: { ...(cas.local ?? {}), install_trust: false },
      },
    };
    return {
      ...config,
      admin: {
        listen: `unix/${adminSocket}`,
        origins: ['localhost'],
        // No autosave.json in the user's config directory.
        config: { persist: false },
      },
      storage: { module: 'file_system', root: dataDir },
      apps,
    };
  };

  const configFile = path.join(dir, 'caddy.json');
  fs.writeFileSync(configFile, JSON.stringify(base()));
  // XDG dirs and HOME point into `dir`, so nothing is written to the real user's directories.
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(CADDY, ['run', '--config', configFile], {
    stdio: ['ignore', logFd, logFd],
    detached: true,
    env: {
      ...process.env,
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    },
  });
  fs.closeSync(logFd);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new Error(`${CADDY} did not start`);
  const api = (method: string, apiPath: string, body?: unknown) =>
    caddyAdminRequest(adminSocket, method, apiPath, body);
  try {
    await waitFor(
      'caddy admin API',
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`caddy exited with ${child.exitCode}`);
        }
        return (await api('GET', '/config/')) ?? undefined;
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
    adminSocket,
    httpPort,
    httpsPort,
    dataDir,
    rootCertificate: path.join(dataDir, 'pki/authorities/local/root.crt'),
    logFile,
    api,
    load: async config => {
      await api('POST', '/load', base(config));
    },
    getConfig: configPath =>
      api('GET', `/config/${(configPath ?? '').replace(/^\/+/, '')}`),
    stop: async () => {
      await stopProcess(pid, 10_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

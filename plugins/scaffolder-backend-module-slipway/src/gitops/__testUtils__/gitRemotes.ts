import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/**
 * Real git remotes for tests: bare repositories on disk, and a smart-HTTP server (git's own
 * http-backend) for the one test that has to see what goes over the wire.
 */

const IDENTITY = [
  '-c',
  'user.name=Someone Else',
  '-c',
  'user.email=someone@example.com',
  '-c',
  'commit.gpgSign=false',
];

/** The test's own git commands must not see the redirects the action is tested with. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('GIT_CONFIG_')) env[k] = v;
  }
  return env;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: cleanEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Commits `files` (null deletes) on `branch` of a bare repository, as someone else would. */
export function commitTo(
  bare: string,
  branch: string,
  files: Record<string, string | null>,
  message: string,
): string {
  const work = tempDir('slipway-other-');
  try {
    git(work, 'clone', '-q', '--branch', branch, bare, '.');
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(work, file);
      if (content === null) fs.rmSync(target, { force: true });
      else {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
      }
    }
    git(work, 'add', '-A');
    git(work, ...IDENTITY, 'commit', '-q', '-m', message);
    git(work, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
    return git(work, 'rev-parse', 'HEAD');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A bare repository with one commit (README.md) on `defaultBranch`. */
export function createBareRepo(
  root: string,
  name: string,
  defaultBranch = 'main',
): string {
  const bare = path.join(root, `${name}.git`);
  fs.mkdirSync(path.dirname(bare), { recursive: true });
  git(root, 'init', '-q', '--bare', '-b', defaultBranch, bare);
  const work = tempDir('slipway-seed-');
  try {
    git(work, 'init', '-q', '-b', defaultBranch);
    fs.writeFileSync(path.join(work, 'README.md'), `# ${name}\n`);
    git(work, 'add', '-A');
    git(work, ...IDENTITY, 'commit', '-q', '-m', 'initial');
    git(work, 'push', '-q', bare, `HEAD:refs/heads/${defaultBranch}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return bare;
}

/** Every ref and the commit it points to: equal snapshots mean nothing was pushed. */
export function refs(bare: string): Record<string, string> {
  const out = git(bare, 'for-each-ref', '--format=%(refname) %(objectname)');
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map(line => line.split(' ') as [string, string]),
  );
}

/** The text of every object reachable from any ref (commits, trees, blobs). */
export function allObjectText(bare: string): string {
  const objects = git(bare, 'rev-list', '--all', '--objects')
    .split('\n')
    .filter(Boolean)
    .map(line => line.split(' ')[0]);
  return objects.map(sha => git(bare, 'cat-file', '-p', sha)).join('\n');
}

export function installHook(bare: string, name: string, script: string) {
  const file = path.join(bare, 'hooks', name);
  fs.writeFileSync(file, script, { mode: 0o755 });
}

/**
 * Sets `url.<to>.insteadOf <from>` through GIT_CONFIG_* in process.env, the way an operator
 * could; returns a function that restores the previous environment.
 */
export function redirectGit(redirects: Record<string, string>): () => void {
  const keys = ['GIT_CONFIG_COUNT'];
  const saved: Record<string, string | undefined> = {};
  const entries = Object.entries(redirects);
  entries.forEach((_e, i) =>
    keys.push(`GIT_CONFIG_KEY_${i}`, `GIT_CONFIG_VALUE_${i}`),
  );
  for (const k of keys) saved[k] = process.env[k];
  process.env.GIT_CONFIG_COUNT = String(entries.length);
  entries.forEach(([from, to], i) => {
    process.env[`GIT_CONFIG_KEY_${i}`] = `url.${to}.insteadOf`;
    process.env[`GIT_CONFIG_VALUE_${i}`] = from;
  });
  return () => {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  };
}

export type SmartHttpServer = {
  url: string;
  requests: { url: string; authorization?: string }[];
  close(): Promise<void>;
};

/**
 * Serves the bare repositories below `root` over git's smart HTTP protocol (push included) via
 * `git http-backend`, answering 401 unless the request carries `expectedAuthorization`.
 */
export async function startSmartHttpServer(
  root: string,
  expectedAuthorization: string,
): Promise<SmartHttpServer> {
  const requests: SmartHttpServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    if (req.headers.authorization !== expectedAuthorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const child = spawn('git', ['http-backend'], {
      env: {
        ...cleanEnv(),
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        // http-backend only accepts pushes from an authenticated user.
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      },
    });
    req.pipe(child.stdin);
    const chunks: Buffer[] = [];
    child.stdout.on('data', c => chunks.push(c));
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n');
      const head = out.subarray(0, split).toString('utf8');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.split('\r\n')) {
        const i = line.indexOf(':');
        const key = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (key.toLowerCase() === 'status')
          status = Number(value.split(' ')[0]);
        else if (key) headers[key] = value;
      }
      res.writeHead(status, headers).end(out.subarray(split + 4));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

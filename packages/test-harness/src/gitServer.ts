import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { run } from './exec';

/**
 * Git remotes for tests: bare repositories served over Git's "dumb" HTTP protocol by a small
 * static server on loopback, so deploys clone from a real `http://` URL as they would from a
 * Git host.
 */
export type GitServer = {
  baseUrl: string;
  root: string;
  /** Working copies of the repos made by createTestRepo, removed by close(). */
  workDirs: string[];
  close(): Promise<void>;
};

export async function startGitServer(
  options: { basicAuth?: { user: string; password: string } } = {},
): Promise<GitServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-git-'));
  const expected = options.basicAuth
    ? `Basic ${Buffer.from(
        `${options.basicAuth.user}:${options.basicAuth.password}`,
      ).toString('base64')}`
    : undefined;
  const server = http.createServer((req, res) => {
    // A private repository: Git asks again with credentials after a 401, as with a Git host.
    if (expected && req.headers.authorization !== expected) {
      res
        .writeHead(401, { 'WWW-Authenticate': 'Basic realm="slipway-test"' })
        .end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
    if (
      !file.startsWith(root) ||
      !fs.existsSync(file) ||
      !fs.statSync(file).isFile()
    ) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  const workDirs: string[] = [];
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    root,
    workDirs,
    close: async () => {
      await new Promise(resolve => server.close(resolve));
      for (const dir of [root, ...workDirs])
        fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A repository made from an example folder, served by a GitServer, with commits on demand. */
export type TestRepo = {
  url: string;
  /** Commits the given file changes (null deletes a file) and publishes them; returns the SHA. */
  commit(
    message: string,
    changes: Record<string, string | null>,
  ): Promise<string>;
  head(): Promise<string>;
};

const AUTHOR = [
  '-c',
  'user.name=Slipway Test',
  '-c',
  'user.email=test@slipway.invalid',
];

export async function createTestRepo(
  server: GitServer,
  name: string,
  sourceDir: string,
): Promise<TestRepo> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `slipway-src-${name}-`));
  server.workDirs.push(work);
  const bare = path.join(server.root, `${name}.git`);
  fs.cpSync(sourceDir, work, { recursive: true });
  const git = (...args: string[]) => run('git', ['-C', work, ...args]);
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git(...AUTHOR, 'commit', '-qm', `${name}: initial`);
  await run('git', ['clone', '-q', '--bare', work, bare]);
  await run('git', ['-C', bare, 'update-server-info']);
  await git('remote', 'add', 'origin', bare);

  const head = async () => (await git('rev-parse', 'HEAD')).trim();
  return {
    url: `${server.baseUrl}/${name}.git`,
    head,
    async commit(message, changes) {
      for (const [file, content] of Object.entries(changes)) {
        const target = path.join(work, file);
        if (content === null) fs.rmSync(target, { force: true });
        else {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, content);
        }
      }
      await git('add', '-A');
      await git(...AUTHOR, 'commit', '-qm', message);
      await git('push', '-q', 'origin', 'main');
      await run('git', ['-C', bare, 'update-server-info']);
      return head();
    },
  };
}

import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from '@slipway/test-harness';

const ROOT = path.resolve(__dirname, '../../..');
const exec = promisify(execFile);

/**
 * `./dev start`'s examples Git server, through `./dev examples-git` (the same functions): it
 * serves examples/ at their paths, a second run reuses the running server, and only the run
 * that started it stops it. On a free port, so a developer's own `./dev start` is not touched.
 */
describe('./dev examples-git', () => {
  let first: ChildProcess | undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-dev-git-'));

  afterAll(() => {
    if (first?.exitCode === null) first.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('serves examples/ over Git on loopback, is reused by a second run, and stops what it started', async () => {
    const port = await freePort();
    const env = { ...process.env, SLIPWAY_EXAMPLES_GIT_PORT: String(port) };
    const url = `http://127.0.0.1:${port}/slipway.git`;

    first = spawn('./dev', ['examples-git'], { cwd: ROOT, env });
    let output = '';
    first.stdout!.on('data', chunk => (output += chunk));
    first.stderr!.on('data', chunk => (output += chunk));
    const exited = new Promise(resolve => first!.once('exit', resolve));
    await waitFor(
      'the examples Git server',
      async () =>
        output.includes('serving until interrupted') ? true : undefined,
      60_000,
    );
    const serverPid = Number(
      /serving examples\/ at .* \(PID (\d+);/.exec(output)?.[1],
    );
    expect(serverPid).toBeGreaterThan(0);

    const { stdout: refs } = await exec('git', ['ls-remote', url]);
    expect(refs).toMatch(/^[0-9a-f]{40}\trefs\/heads\/main$/m);
    await exec('git', ['clone', '-q', url, path.join(work, 'clone')]);
    for (const file of [
      'examples/hello-static/Dockerfile',
      'examples/slow-start/Dockerfile',
    ]) {
      expect(fs.existsSync(path.join(work, 'clone', file))).toBe(true);
    }

    // A second run finds the server answering: it reuses it, starts nothing and leaves it up.
    const second = await exec('./dev', ['examples-git'], { cwd: ROOT, env });
    expect(second.stdout).toContain(
      `reusing the examples Git server that answers at ${url}`,
    );
    expect((await exec('git', ['ls-remote', url])).stdout).toBe(refs);

    // The first run stops the server it started.
    first.kill('SIGTERM');
    await exited;
    expect(output).toContain(
      `stopping the examples Git server (PID ${serverPid})`,
    );
    expect(() => process.kill(serverPid, 0)).toThrow();
    await expect(exec('git', ['ls-remote', url])).rejects.toThrow();
  }, 120_000);
});

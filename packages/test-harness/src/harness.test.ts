import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getHarness } from './harness';
import { TEST_LABEL } from './docker';
import { freePort, run, waitFor } from './exec';
import { sshArgs } from './sshd';

const EXAMPLE = path.resolve(__dirname, '../../../examples/hello-static');

// Every value placed in the remote command line is made here and checked to be plain.
function plain(value: string): string {
  if (!/^[\w./:=-]+$/.test(value))
    throw new Error(`unexpected characters in ${value}`);
  return value;
}

describe('test harness', () => {
  const harness = getHarness();
  let workDir: string;

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-harness-test-'));
  });
  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('refuses an SSH client that does not know the pinned host key', async () => {
    const args = sshArgs(harness.ssh).map(a =>
      a.startsWith('UserKnownHostsFile=') ? 'UserKnownHostsFile=/dev/null' : a,
    );
    await expect(
      run('ssh', [...args, 'true'], { timeoutMs: 15_000 }),
    ).rejects.toThrow(/Host key verification failed/);
  });

  it('builds and runs examples/hello-static through ssh and serves its health endpoint', async () => {
    // A real Git remote: the example as a bare repository on disk.
    const source = path.join(workDir, 'source');
    const bare = path.join(workDir, 'hello-static.git');
    fs.cpSync(EXAMPLE, source, { recursive: true });
    const git = (...args: string[]) => run('git', ['-C', source, ...args]);
    await git('init', '-q', '-b', 'main');
    await git('add', '.');
    await git(
      '-c',
      'user.name=Slipway Test',
      '-c',
      'user.email=test@slipway.invalid',
      'commit',
      '-qm',
      'hello-static',
    );
    await run('git', ['clone', '-q', '--bare', source, bare]);

    const port = await freePort();
    const tag = plain(
      `slipway-harness-test/hello-static:${harness.runId
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')}`,
    );
    const label = plain(`${TEST_LABEL}=${harness.runId}`);
    const checkout = plain(path.join(workDir, 'checkout'));
    const remote = [
      `git clone -q ${plain(bare)} ${checkout}`,
      `docker build -q --label ${label} -t ${tag} ${checkout}`,
      `docker run -d --label ${label} -p 127.0.0.1:${port}:8080 ${tag}`,
    ].join(' && ');

    const output = await run('ssh', [...sshArgs(harness.ssh), remote], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      timeoutMs: 180_000,
    });
    const containerId = output.trim().split('\n').pop()!;
    expect(containerId).toMatch(/^[0-9a-f]{64}$/);

    const labels = JSON.parse(
      await run('docker', [
        'inspect',
        '--format',
        '{{json .Config.Labels}}',
        containerId,
      ]),
    );
    expect(labels[TEST_LABEL]).toBe(harness.runId);

    const body = await waitFor(
      'hello-static to answer on /health',
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        return response.status === 200 ? response.text() : undefined;
      },
      30_000,
    );
    expect(body.trim()).toBe('ok');
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('Hello from Slipway');
  }, 240_000);
});

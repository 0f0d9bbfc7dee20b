import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freePort,
  getHarness,
  HOSTILE_STRINGS,
  run,
  waitFor,
} from '@slipway/test-harness';
import { SshConnection } from './SshConnection';
import { SshHostConfig } from './types';
import {
  AuthenticationRefusedError,
  CommandCancelledError,
  CommandFailedError,
  CommandTimeoutError,
  HostConnectionError,
  HostKeyMismatchError,
  HostKeyUnknownError,
  HostUnreachableError,
} from './errors';
import { fingerprint } from './hostKey';

const harness = getHarness();

function config(overrides: Partial<SshHostConfig> = {}): SshHostConfig {
  return {
    type: 'ssh',
    name: 'test-host',
    address: harness.ssh.host,
    port: harness.ssh.port,
    user: harness.ssh.username,
    privateKey: harness.ssh.privateKey,
    hostKey: harness.ssh.hostPublicKey,
    ...overrides,
  };
}

/** The one connection error a failed connect gives, checked never to reveal the key. */
async function connectError(
  cfg: SshHostConfig,
  options = {},
): Promise<HostConnectionError> {
  const error = await SshConnection.connect(cfg, options).then(
    connection => {
      void connection.close();
      throw new Error('connected, but should not have');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostConnectionError);
  expectNoKeyMaterial(error as Error, cfg.privateKey);
  return error as HostConnectionError;
}

function expectNoKeyMaterial(error: Error, privateKey: string) {
  const text = `${error.message}\n${error.stack}`;
  expect(text).not.toContain('PRIVATE KEY');
  for (const line of privateKey.split('\n').filter(l => l.length > 20)) {
    expect(text).not.toContain(line);
  }
}

/** Processes whose command line contains the marker, found from outside (sshd runs here). */
async function processesWith(marker: string): Promise<string> {
  // pgrep exits 1 when it finds nothing.
  return run('pgrep', ['-af', marker]).catch(() => '');
}

/** A shell and its child both carry the marker, so a kill of the leader alone is caught. */
function markedSleep(marker: string): string[] {
  return [
    'sh',
    '-c',
    `sh -c 'sleep 300; : ${marker}' & sleep 300; : ${marker}`,
  ];
}

describe('SshConnection', () => {
  let connection: SshConnection;

  beforeAll(async () => {
    connection = await SshConnection.connect(config());
  });
  afterAll(() => connection.close());

  it('runs a command and returns its output', async () => {
    const result = await connection.exec(['echo', 'hello', 'world']);
    expect(result).toEqual({
      exitCode: 0,
      stdout: 'hello world\n',
      stderr: '',
    });
  });

  it('streams lines in order while the command is still running', async () => {
    const seen: Array<{ line: string; at: number }> = [];
    const result = await connection.exec(
      ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done'],
      {
        onLine: (stream, line) =>
          seen.push({ line: `${stream}:${line}`, at: Date.now() }),
      },
    );
    const endedAt = Date.now();
    expect(seen.map(s => s.line)).toEqual([
      'stdout:line1',
      'stdout:line2',
      'stdout:line3',
    ]);
    // Each line arrives as it is printed, not all at the end.
    expect(endedAt - seen[0].at).toBeGreaterThanOrEqual(350);
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(100);
    expect(result.stdout).toBe('line1\nline2\nline3\n');
  });

  it('streams stderr apart from stdout and keeps the PID marker out of it', async () => {
    const lines: string[] = [];
    const result = await connection.exec(
      ['sh', '-c', 'echo out; echo err >&2'],
      { onLine: (stream, line) => lines.push(`${stream}:${line}`) },
    );
    expect(lines.sort()).toEqual(['stderr:err', 'stdout:out']);
    expect(result.stderr).toBe('err\n');
  });

  it('runs several commands one after the other and five at once on one connection', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await connection.exec(['echo', `seq${i}`])).stdout).toBe(
        `seq${i}\n`,
      );
    }
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map(i =>
        connection.exec(['sh', '-c', 'sleep 0.3; echo "$1"', 'sh', `par${i}`]),
      ),
    );
    expect(results.map(r => r.stdout)).toEqual(
      [0, 1, 2, 3, 4].map(i => `par${i}\n`),
    );
  });

  it('queues commands beyond the session limit instead of failing', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        connection.exec(['sh', '-c', 'sleep 0.2; echo "$1"', 'sh', `q${i}`]),
      ),
    );
    expect(results.map(r => r.stdout.trim())).toEqual(
      Array.from({ length: 12 }, (_, i) => `q${i}`),
    );
  });

  it('writes stdin to the command and closes it', async () => {
    const input = 'first line\nsecond line\n';
    expect((await connection.exec(['cat'], { stdin: input })).stdout).toBe(
      input,
    );
    // Without stdin, stdin is still closed: cat ends at once.
    expect((await connection.exec(['cat'], { timeoutMs: 5000 })).stdout).toBe(
      '',
    );
  });

  it('keeps stdin out of the error of a failing command, even one that echoes it', async () => {
    const secret = `SECRET_TOKEN=${randomUUID()}`;
    const error = await connection
      .exec(['sh', '-c', 'cat; cat >&2; exit 3'], { stdin: `${secret}\n` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    const failed = error as CommandFailedError;
    expect(failed.exitCode).toBe(3);
    expect(failed.message).not.toContain(secret);
    expect(failed.message).not.toContain(secret.split('=')[1]);
    expect(failed.lastLines.join('\n')).not.toContain(secret);
  });

  it('rejects a non-zero exit with the exit code and the last lines of output', async () => {
    const error = await connection
      .exec([
        'sh',
        '-c',
        // The pause keeps stdout and stderr in order: they travel as separate streams.
        'for i in $(seq 1 30); do echo "out $i"; done; sleep 0.2; echo "boom" >&2; exit 7',
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    const failed = error as CommandFailedError;
    expect(failed.code).toBe('COMMAND_FAILED');
    expect(failed.hostName).toBe('test-host');
    expect(failed.exitCode).toBe(7);
    expect(failed.lastLines).toHaveLength(20);
    expect(failed.lastLines[failed.lastLines.length - 1]).toBe('boom');
    expect(failed.lastLines[0]).toBe('out 12');
    expect(failed.message).toContain('Command sh failed on Host test-host');
    expect(failed.message).toContain('exit code 7');
    expect(failed.message).toContain('boom');
  });

  it('resolves with the exit code when failure is allowed', async () => {
    const result = await connection.exec(['sh', '-c', 'echo no >&2; exit 4'], {
      allowFailure: true,
    });
    expect(result).toEqual({ exitCode: 4, stdout: '', stderr: 'no\n' });
  });

  it('reports a command killed by a signal as 128 + the signal number', async () => {
    const result = await connection.exec(['sh', '-c', 'kill -KILL $$'], {
      allowFailure: true,
    });
    expect(result.exitCode).toBe(128 + 9);
  });

  it('passes every hostile string as one unchanged argument', async () => {
    const values = HOSTILE_STRINGS.filter(s => s.length <= 1000);
    const result = await connection.exec(['printf', '%s\\0', ...values]);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(values);
  });

  it('kills the remote process group when the command times out', async () => {
    const marker = `marker-${randomUUID()}`;
    const started = Date.now();
    const error = await connection
      .exec(markedSleep(marker), { timeoutMs: 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect((error as CommandTimeoutError).timeoutMs).toBe(1000);
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitFor(
      'the timed out command to be gone',
      async () => ((await processesWith(marker)) === '' ? true : undefined),
      5000,
    );
  });

  it('kills the remote process group when the command is cancelled', async () => {
    const marker = `marker-${randomUUID()}`;
    const controller = new AbortController();
    const lines: string[] = [];
    const execution = connection.exec(
      ['sh', '-c', `echo started; sleep 300; : ${marker}`],
      {
        signal: controller.signal,
        onLine: (_, line) => lines.push(line),
      },
    );
    await waitFor(
      'the command to start',
      async () => (lines.includes('started') ? true : undefined),
      5000,
      50,
    );
    expect(await processesWith(marker)).not.toBe('');
    controller.abort();
    await expect(execution).rejects.toBeInstanceOf(CommandCancelledError);
    await waitFor(
      'the cancelled command to be gone',
      async () => ((await processesWith(marker)) === '' ? true : undefined),
      5000,
    );
  });

  it('does not start a command whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      connection.exec(['echo', 'never'], { signal: controller.signal }),
    ).rejects.toBeInstanceOf(CommandCancelledError);
  });
});

describe('SshConnection.connect', () => {
  let keyDir: string;

  beforeAll(() => {
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-ssh-test-'));
  });
  afterAll(() => fs.rmSync(keyDir, { recursive: true, force: true }));

  async function generateKey(name: string): Promise<string> {
    const file = path.join(keyDir, name);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    return file;
  }

  it('refuses a host whose key differs from the pinned one', async () => {
    const other = await generateKey('other_host_key');
    const otherLine = fs.readFileSync(`${other}.pub`, 'utf8').trim();
    const error = await connectError(config({ hostKey: otherLine }));
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect(error.code).toBe('HOST_KEY_MISMATCH');
    const presented = fingerprint(
      Buffer.from(harness.ssh.hostPublicKey.split(' ')[1], 'base64'),
    );
    const pinned = fingerprint(Buffer.from(otherLine.split(' ')[1], 'base64'));
    expect(error.message).toContain(presented);
    expect(error.message).toContain(pinned);
    // The same fingerprint OpenSSH shows.
    const sshKeygen = await run('ssh-keygen', ['-lf', `${other}.pub`]);
    expect(sshKeygen).toContain(pinned);
  });

  it('refuses a host without a pinned key and shows the key to pin', async () => {
    const error = await connectError(config({ hostKey: undefined }));
    expect(error).toBeInstanceOf(HostKeyUnknownError);
    expect(error.code).toBe('HOST_KEY_UNKNOWN');
    expect(error.message).toContain('slipway.hosts[].hostKey');
    expect(error.message).toContain(harness.ssh.hostPublicKey);
  });

  it('pins the presented key on first use when asked to (provisioned hosts)', async () => {
    const pinned: string[] = [];
    const warn = jest.fn();
    const connection = await SshConnection.connect(
      config({ hostKey: undefined }),
      {
        logger: { warn },
        pinOnFirstUse: key => pinned.push(key),
      },
    );
    try {
      expect((await connection.exec(['echo', 'ok'])).stdout).toBe('ok\n');
    } finally {
      await connection.close();
    }
    expect(pinned).toEqual([harness.ssh.hostPublicKey]);
    expect(warn.mock.calls[0][0]).toContain('pinning the key it presented');
    // Once pinned, the key is checked like any other.
    const again = await SshConnection.connect(
      config({ hostKey: pinned[0] }),
      {},
    );
    await again.close();
  });

  it('connects without a pinned key when told to, with a loud warning', async () => {
    const warn = jest.fn();
    const connection = await SshConnection.connect(
      config({ hostKey: undefined, insecureSkipHostKeyVerification: true }),
      { logger: { warn } },
    );
    try {
      expect((await connection.exec(['echo', 'ok'])).stdout).toBe('ok\n');
    } finally {
      await connection.close();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    const presented = fingerprint(
      Buffer.from(harness.ssh.hostPublicKey.split(' ')[1], 'base64'),
    );
    expect(warn.mock.calls[0][0]).toContain(presented);
    expect(warn.mock.calls[0][0]).toContain('DISABLED');
  });

  it('reports a user key that the host does not authorize', async () => {
    const stranger = await generateKey('stranger');
    const privateKey = fs.readFileSync(stranger, 'utf8');
    const error = await connectError(config({ privateKey }));
    expect(error).toBeInstanceOf(AuthenticationRefusedError);
    expect(error.code).toBe('AUTHENTICATION_REFUSED');
    expect(error.message).toContain(harness.ssh.username);
  });

  it('reports a closed port as unreachable', async () => {
    const port = await freePort();
    const error = await connectError(config({ port }));
    expect(error).toBeInstanceOf(HostUnreachableError);
    expect(error.code).toBe('HOST_UNREACHABLE');
    expect(error.message).toBe(
      `Host test-host (127.0.0.1:${port}) is unreachable: connection refused`,
    );
  });

  it('refuses a pinned key that is not a public key line, without repeating it', async () => {
    await expect(
      SshConnection.connect(config({ hostKey: harness.ssh.privateKey })),
    ).rejects.toThrow(/slipway.hosts\[\].hostKey is not an OpenSSH public key/);
    const error = await SshConnection.connect(
      config({ hostKey: harness.ssh.privateKey }),
    ).catch((e: unknown) => e as Error);
    expectNoKeyMaterial(error as Error, harness.ssh.privateKey);
  });

  it('fails pending commands and kills them when the connection is closed', async () => {
    const marker = `marker-${randomUUID()}`;
    const connection = await SshConnection.connect(config());
    const lines: string[] = [];
    const pending = connection.exec(
      ['sh', '-c', `echo started; sleep 300; : ${marker}`],
      { onLine: (_, line) => lines.push(line) },
    );
    const failure = pending.catch((e: unknown) => e);
    await waitFor(
      'the command to start',
      async () => (lines.includes('started') ? true : undefined),
      5000,
      50,
    );
    await connection.close();
    expect(await failure).toMatchObject({ code: 'CONNECTION_FAILED' });
    await expect(connection.exec(['true'])).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
    });
    await waitFor(
      'the command to be gone',
      async () => ((await processesWith(marker)) === '' ? true : undefined),
      5000,
    );
  });
});

import { randomUUID } from 'node:crypto';
import { HOSTILE_STRINGS, run, waitFor } from '@slipway/test-harness';
import { LocalConnection } from './LocalConnection';
import { connectToHost } from './connect';
import {
  CommandCancelledError,
  CommandFailedError,
  CommandTimeoutError,
} from './errors';

async function processesWith(marker: string): Promise<string> {
  // pgrep exits 1 when it finds nothing.
  return run('pgrep', ['-af', marker]).catch(() => '');
}

const goneWithin = (marker: string, ms: number) =>
  waitFor(
    'the killed command to be gone',
    async () => ((await processesWith(marker)) === '' ? true : undefined),
    ms,
  );

/** A shell and its child both carry the marker, so a kill of the leader alone is caught. */
function markedSleep(marker: string): string[] {
  return [
    'sh',
    '-c',
    `sh -c 'sleep 300; : ${marker}' & sleep 300; : ${marker}`,
  ];
}

describe('LocalConnection', () => {
  const connection = new LocalConnection({
    type: 'local',
    name: 'this-machine',
  });
  afterAll(() => connection.close());

  it('is what connectToHost gives for a local host', async () => {
    const local = await connectToHost({ type: 'local', name: 'here' });
    expect(local).toBeInstanceOf(LocalConnection);
    expect(local.hostName).toBe('here');
    await local.close();
  });

  it('runs a command and returns its output', async () => {
    expect(await connection.exec(['echo', 'hello', 'world'])).toEqual({
      exitCode: 0,
      stdout: 'hello world\n',
      stderr: '',
    });
  });

  it('streams lines in order while the command is still running', async () => {
    const seen: Array<{ line: string; at: number }> = [];
    await connection.exec(
      [
        'sh',
        '-c',
        'for i in 1 2 3; do echo line$i; sleep 0.2; done; printf tail',
      ],
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
      'stdout:tail',
    ]);
    expect(endedAt - seen[0].at).toBeGreaterThanOrEqual(350);
  });

  it('writes stdin to the command and closes it', async () => {
    expect((await connection.exec(['cat'], { stdin: 'a\nb\n' })).stdout).toBe(
      'a\nb\n',
    );
    expect((await connection.exec(['cat'], { timeoutMs: 5000 })).stdout).toBe(
      '',
    );
  });

  it('gives stdin as a pipe that can be opened by name, as docker --env-file /dev/stdin does', async () => {
    const result = await connection.exec(['sh', '-c', 'cat /dev/stdin'], {
      stdin: 'A=1\n',
    });
    expect(result.stdout).toBe('A=1\n');
  });

  it('rejects a non-zero exit with the code and last lines, without stdin content', async () => {
    const secret = `API_KEY=${randomUUID()}`;
    const error = await connection
      .exec(['sh', '-c', 'cat; echo failing >&2; exit 5'], { stdin: secret })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    const failed = error as CommandFailedError;
    expect(failed.exitCode).toBe(5);
    expect(failed.lastLines).toContain('failing');
    expect(failed.message).toContain('Command sh failed on Host this-machine');
    expect(failed.message).not.toContain(secret.split('=')[1]);
  });

  it('resolves with the exit code when failure is allowed', async () => {
    const result = await connection.exec(['sh', '-c', 'exit 2'], {
      allowFailure: true,
    });
    expect(result.exitCode).toBe(2);
  });

  it('passes every hostile string as one unchanged argument', async () => {
    const values = HOSTILE_STRINGS.filter(s => s.length <= 1000);
    const result = await connection.exec(['printf', '%s\\0', ...values]);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(values);
  });

  it('kills the process group when the command times out', async () => {
    const marker = `marker-${randomUUID()}`;
    await expect(
      connection.exec(markedSleep(marker), { timeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(CommandTimeoutError);
    await goneWithin(marker, 5000);
  });

  it('kills the process group when the command is cancelled', async () => {
    const marker = `marker-${randomUUID()}`;
    const controller = new AbortController();
    const lines: string[] = [];
    const execution = connection.exec(
      ['sh', '-c', `echo started; sh -c 'sleep 300; : ${marker}'`],
      { signal: controller.signal, onLine: (_, line) => lines.push(line) },
    );
    await waitFor(
      'the command to start',
      async () => (lines.includes('started') ? true : undefined),
      5000,
      50,
    );
    await waitFor(
      'the marked process to exist',
      async () => ((await processesWith(marker)) !== '' ? true : undefined),
      5000,
      50,
    );
    controller.abort();
    await expect(execution).rejects.toBeInstanceOf(CommandCancelledError);
    await goneWithin(marker, 5000);
  });

  it('stops the command and rejects with the error when onLine throws', async () => {
    const marker = `marker-${randomUUID()}`;
    const error = await connection
      .exec(['sh', '-c', `echo first; sleep 300; : ${marker}`], {
        onLine: () => {
          throw new Error('consumer broke');
        },
      })
      .catch((e: unknown) => e);
    expect(error).toEqual(new Error('consumer broke'));
    await goneWithin(marker, 5000);
  });

  it('kills commands still running when it is closed', async () => {
    const local = new LocalConnection({ type: 'local', name: 'closing' });
    const marker = `marker-${randomUUID()}`;
    const pending = local.exec(markedSleep(marker)).catch((e: unknown) => e);
    await waitFor(
      'the marked process to exist',
      async () => ((await processesWith(marker)) !== '' ? true : undefined),
      5000,
      50,
    );
    await local.close();
    expect(await pending).toMatchObject({ code: 'CONNECTION_FAILED' });
    await goneWithin(marker, 5000);
  });
});

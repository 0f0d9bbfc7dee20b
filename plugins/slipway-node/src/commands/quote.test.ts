import { execFileSync } from 'node:child_process';
import { HOSTILE_STRINGS } from '@slipway/test-harness';
import { andThen, inOneSession, quoteArg, toShell } from './quote';

/** What a real POSIX shell makes of a quoted command line: its argv, NUL-separated. */
function argvSeenBySh(line: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], {
    encoding: 'utf8',
  });
  return out.split('\0').slice(0, -1);
}

describe('quoteArg', () => {
  it('leaves plain words alone so logs stay readable', () => {
    expect(quoteArg('docker')).toBe('docker');
    expect(quoteArg('slipway.app=hello-static')).toBe(
      'slipway.app=hello-static',
    );
    expect(quoteArg('127.0.0.1:8080:80')).toBe('127.0.0.1:8080:80');
  });

  it('quotes everything else', () => {
    expect(quoteArg('')).toBe("''");
    expect(quoteArg('a b')).toBe("'a b'");
    expect(quoteArg("it's")).toBe("'it'\\''s'");
  });

  it.each(
    HOSTILE_STRINGS.map(s => [s.length > 40 ? `${s.slice(0, 40)}…` : s, s]),
  )(
    'a real shell sees %j as exactly one argument, unchanged',
    (_label, value) => {
      expect(argvSeenBySh(toShell([value, value]))).toEqual([value, value]);
    },
  );

  it('refuses NUL, which argv cannot carry', () => {
    expect(() => quoteArg('a\0b')).toThrow(/NUL/);
  });
});

describe('toShell and andThen', () => {
  it('refuses an empty command', () => {
    expect(() => toShell([])).toThrow(/program name/);
  });

  it('chains commands with && so a failure stops the rest', () => {
    const line = andThen(['false'], ['touch', '/tmp/never']);
    expect(line).toBe('false && touch /tmp/never');
    expect(() => execFileSync('sh', ['-c', line])).toThrow();
  });
});

describe('inOneSession', () => {
  it('runs the commands in order in one shell, each argument intact', () => {
    const hostile = "it's $(not) `run`";
    const command = inOneSession(
      ['printf', '%s\\n', hostile],
      ['printf', '%s\\n', 'second'],
    );
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);
    const out = execFileSync('sh', ['-c', toShell(command)], {
      encoding: 'utf8',
    });
    expect(out).toBe(`${hostile}\nsecond\n`);
  });

  it('stops at the first failure', () => {
    const command = inOneSession(
      ['false'],
      ['touch', '/tmp/slipway-never-created'],
    );
    expect(() => execFileSync('sh', ['-c', toShell(command)])).toThrow();
  });
});

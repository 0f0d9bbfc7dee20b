import {
  dockerBuild,
  dockerPsByApp,
  dockerRun,
  envFileContent,
} from './docker';
import { gitClone } from './git';
import { toShell } from './quote';

const labels = { app: 'hello', deployment: 'd-1', commit: 'abc123' };

describe('command builders', () => {
  it('clones at a ref with options ended before user values', () => {
    const cmd = gitClone({
      repo: 'https://example.com/a.git',
      dir: '/srv/slipway/hello/src',
      ref: 'v1.2',
    });
    const dashDash = cmd.indexOf('--');
    expect(cmd.slice(dashDash + 1)).toEqual([
      'https://example.com/a.git',
      '/srv/slipway/hello/src',
    ]);
    expect(cmd.slice(0, dashDash)).toEqual(
      expect.arrayContaining(['--branch', 'v1.2']),
    );
    expect(cmd).toEqual(expect.arrayContaining(['protocol.allow=never']));
  });

  it('omits --branch without a ref', () => {
    expect(
      gitClone({ repo: 'https://example.com/a.git', dir: '/d' }),
    ).not.toContain('--branch');
  });

  it('labels images and containers and sets the restart policy', () => {
    const build = dockerBuild({
      tag: 'slipway/hello:d-1',
      contextDir: '/src',
      labels,
    });
    expect(toShell(build)).toBe(
      'docker build --force-rm --tag slipway/hello:d-1 --label slipway.app=hello --label slipway.deployment=d-1 --label slipway.commit=abc123 -- /src',
    );
    const run = dockerRun({
      name: 'hello-d-1',
      image: 'slipway/hello:d-1',
      hostPort: 8080,
      containerPort: 80,
      labels,
      envFromStdin: true,
    });
    expect(run).toEqual(
      expect.arrayContaining([
        '--init',
        '--restart',
        'unless-stopped',
        '--publish',
        '8080:80',
        '--env-file',
        '/dev/stdin',
      ]),
    );
    expect(run[run.length - 1]).toBe('slipway/hello:d-1');
  });

  it('keeps env values out of argv: they go through stdin as an env file', () => {
    const run = dockerRun({
      name: 'n',
      image: 'i',
      hostPort: 8080,
      containerPort: 80,
      labels,
      envFromStdin: true,
    });
    expect(run.join(' ')).not.toContain('SECRET');
    expect(envFileContent({ SECRET_TOKEN: 's3cr3t', EMPTY: '' })).toBe(
      'SECRET_TOKEN=s3cr3t\nEMPTY=\n',
    );
    expect(() => envFileContent({ MULTI: 'a\nb' })).toThrow(
      /MULTI: values must be a single line/,
    );
  });

  it('reads containers back by label', () => {
    expect(dockerPsByApp('hello')).toEqual(
      expect.arrayContaining(['label=slipway.app=hello']),
    );
    expect(dockerPsByApp()).toEqual(
      expect.arrayContaining(['label=slipway.app']),
    );
  });
});

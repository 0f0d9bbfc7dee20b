import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkInsideDir,
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

  it('builds a monorepo subdirectory with its Dockerfile, user paths after --file and --', () => {
    const build = dockerBuild({
      tag: 'slipway/hello:d-1',
      contextDir: 'builds/x/examples/hello-static',
      dockerfile: 'builds/x/docker/web.Dockerfile',
      labels,
    });
    expect(toShell(build)).toBe(
      'docker build --force-rm --tag slipway/hello:d-1 --file builds/x/docker/web.Dockerfile --label slipway.app=hello --label slipway.deployment=d-1 --label slipway.commit=abc123 -- builds/x/examples/hello-static',
    );
    expect(dockerBuild({ tag: 't', contextDir: '/src', labels })).not.toContain(
      '--file',
    );
  });

  it('limits memory and CPUs only when asked', () => {
    const base = {
      name: 'n',
      image: 'i',
      hostPort: 8080,
      containerPort: 80,
      labels,
    };
    const limited = dockerRun({ ...base, memory: '256m', cpus: 0.5 });
    expect(limited.slice(0, limited.indexOf('--'))).toEqual(
      expect.arrayContaining(['--memory', '256m', '--cpus', '0.5']),
    );
    const plain = dockerRun(base);
    expect(plain).not.toContain('--memory');
    expect(plain).not.toContain('--cpus');
  });

  describe('checkInsideDir (run by a real sh)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-inside-'));
    const repo = path.join(root, 'repo');
    fs.mkdirSync(path.join(repo, 'examples', 'app'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'examples', 'app', 'Dockerfile'), '');
    fs.symlinkSync(root, path.join(repo, 'up'));
    fs.symlinkSync('/etc/passwd', path.join(repo, 'Dockerfile.evil'));
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    const check = (...paths: string[]) => {
      const [cmd, ...args] = checkInsideDir(repo, paths);
      const r = spawnSync(cmd, args, { encoding: 'utf8' });
      return { status: r.status, stderr: r.stderr.trim() };
    };

    it('passes paths inside the repository', () => {
      expect(check('examples/app', 'examples/app/Dockerfile')).toEqual({
        status: 0,
        stderr: '',
      });
    });

    it('refuses symlinks that lead out and paths that do not exist', () => {
      expect(check('examples/app', 'up')).toEqual({
        status: 1,
        stderr: 'up: leads outside the repository',
      });
      expect(check('Dockerfile.evil')).toEqual({
        status: 1,
        stderr: 'Dockerfile.evil: leads outside the repository',
      });
      expect(check('examples/none')).toEqual({
        status: 1,
        stderr: 'examples/none: not found in the repository',
      });
    });

    it('takes hostile names as data, never as script', () => {
      const marker = path.join(root, 'marker');
      const result = check(`$(touch ${marker})`, `-e; touch ${marker}`);
      expect(result.status).toBe(1);
      expect(fs.existsSync(marker)).toBe(false);
    });
  });
});

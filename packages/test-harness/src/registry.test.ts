import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TEST_LABEL } from './docker';
import { run, waitFor } from './exec';
import { getHarness } from './harness';
import { ImageRegistry, startRegistry } from './registry';

/** Every process's argv, as another user of the host would see it. */
const processArgs = () => run('ps', ['-eo', 'args'], { timeoutMs: 10_000 });

describe('startRegistry', () => {
  const harness = getHarness();
  let registry: ImageRegistry;
  // A private Docker client config, so the login never touches the machine's ~/.docker.
  let dockerConfig: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    registry = await startRegistry(harness.dir);
    dockerConfig = fs.mkdtempSync(path.join(harness.dir, 'docker-config-'));
    env = { ...process.env, DOCKER_CONFIG: dockerConfig };
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
    if (dockerConfig) fs.rmSync(dockerConfig, { recursive: true, force: true });
  });

  it('answers its API only with the right credentials', async () => {
    const status = async (password?: string) =>
      (
        await fetch(`${registry.url}/v2/`, {
          headers: password
            ? {
                Authorization: `Basic ${Buffer.from(
                  `${registry.username}:${password}`,
                ).toString('base64')}`,
              }
            : {},
        })
      ).status;
    expect(await status()).toBe(401);
    expect(await status(`${registry.password}x`)).toBe(401);
    expect(await status(registry.password)).toBe(200);
    expect(registry.host).toBe(`127.0.0.1:${registry.port}`);
  });

  it('refuses `docker login` with a wrong password', async () => {
    await expect(
      run(
        'docker',
        ['login', registry.host, '-u', registry.username, '--password-stdin'],
        { input: crypto.randomBytes(12).toString('hex'), env },
      ),
    ).rejects.toThrow(/unauthorized|401/i);
  });

  it('logs in with the password on stdin only, pushes an image, and pulls it back by digest', async () => {
    // The login waits for stdin to close, so the process list is read while it runs.
    const login = spawn(
      'docker',
      ['login', registry.host, '-u', registry.username, '--password-stdin'],
      { env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    login.stdout.on('data', chunk => (output += chunk));
    login.stderr.on('data', chunk => (output += chunk));
    const exited = new Promise<number | null>(resolve =>
      login.on('close', code => resolve(code)),
    );
    let running = true;
    void exited.then(() => (running = false));

    const snapshots: string[] = [];
    await waitFor(
      'docker login in the process list',
      async () => {
        const args = await processArgs();
        snapshots.push(args);
        return args.includes(`login ${registry.host}`) ? true : undefined;
      },
      20_000,
      50,
    );
    login.stdin.end(registry.password);
    while (running) snapshots.push(await processArgs());
    expect(await exited).toBe(0);
    expect(output).toContain('Login Succeeded');
    for (const args of snapshots) {
      expect(args).not.toContain(registry.password);
    }
    expect(fs.readFileSync(registry.logFile, 'utf8')).not.toContain(
      registry.password,
    );

    // An image of its own (the base image plus a unique layer), so that removing it locally
    // really removes its content and the pull has to fetch it from the registry.
    const nonce = crypto.randomBytes(8).toString('hex');
    const repository = `${registry.host}/slipway-test/probe`;
    const tag = `${repository}:${nonce}`;
    await run(
      'docker',
      [
        'build',
        '-q',
        '--label',
        `${TEST_LABEL}=${harness.runId}`,
        '-t',
        tag,
        '-',
      ],
      {
        input: `FROM ${harness.baseImage}\nRUN echo ${nonce} > /nonce\n`,
        env,
        timeoutMs: 120_000,
      },
    );
    const imageId = (
      await run('docker', ['image', 'inspect', '--format', '{{.Id}}', tag])
    ).trim();
    await run('docker', ['push', tag], { env, timeoutMs: 120_000 });
    const repoDigests = JSON.parse(
      await run('docker', [
        'image',
        'inspect',
        '--format',
        '{{json .RepoDigests}}',
        tag,
      ]),
    ) as string[];
    const byDigest = repoDigests.find(d => d.startsWith(`${repository}@`));
    expect(byDigest).toMatch(/@sha256:[0-9a-f]{64}$/);

    await run('docker', ['rmi', tag]);
    await expect(
      run('docker', ['image', 'inspect', imageId]),
    ).rejects.toThrow();

    // Without credentials the registry does not hand the image out.
    const anonymous = fs.mkdtempSync(path.join(harness.dir, 'docker-anon-'));
    try {
      await expect(
        run('docker', ['pull', byDigest!], {
          env: { ...process.env, DOCKER_CONFIG: anonymous },
        }),
      ).rejects.toThrow(/no basic auth credentials|unauthorized/i);
    } finally {
      fs.rmSync(anonymous, { recursive: true, force: true });
    }

    await run('docker', ['pull', byDigest!], { env, timeoutMs: 120_000 });
    expect(
      (
        await run('docker', [
          'image',
          'inspect',
          '--format',
          '{{.Id}}',
          byDigest!,
        ])
      ).trim(),
    ).toBe(imageId);
    const content = await run('docker', [
      'run',
      '--rm',
      '--label',
      `${TEST_LABEL}=${harness.runId}`,
      byDigest!,
      'cat',
      '/nonce',
    ]);
    expect(content.trim()).toBe(nonce);
  }, 180_000);
});

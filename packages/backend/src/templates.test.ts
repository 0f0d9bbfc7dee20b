import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import {
  createTestRepo,
  freePort,
  getHarness,
  GitServer,
  removeLabelled,
  startGitServer,
  waitFor,
} from '@slipway/test-harness';
import {
  guestToken,
  harnessHost,
  RunningBackend,
  startBackend,
  stopBackend,
} from './__testUtils__/portal';
import { directoryContents } from './__testUtils__/portalClient';

/**
 * Slipway's software templates through the real portal backend (src/index.ts with
 * app-config.yaml): every template through the scaffolder's dry-run API, bad parameters, and
 * one real run of the deploy template against the harness's sshd + Docker Engine.
 */
const ROOT = path.resolve(__dirname, '../../..');
const TEMPLATES = path.join(ROOT, 'templates');
const EXAMPLES = path.join(ROOT, 'examples');
jest.setTimeout(300_000);

/** A well-formed ed25519 public key (32 zero bytes) for the provisioning settings. */
const UNUSED_SSH_PUBLIC_KEY = `ssh-ed25519 ${Buffer.concat([
  Buffer.from([0, 0, 0, 11]),
  Buffer.from('ssh-ed25519'),
  Buffer.from([0, 0, 0, 32]),
  Buffer.alloc(32),
]).toString('base64')} templates-test`;

type TaskEvent = {
  type: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    error?: { message: string };
  };
};

/** The template folders listed in templates/all.yaml. */
function listedTemplates(): { name: string; dir: string; entity: any }[] {
  const location = yaml.parse(
    fs.readFileSync(path.join(TEMPLATES, 'all.yaml'), 'utf8'),
  );
  return location.spec.targets.map((target: string) => {
    const file = path.join(TEMPLATES, target);
    const entity = yaml.parse(fs.readFileSync(file, 'utf8'));
    return { name: entity.metadata.name, dir: path.dirname(file), entity };
  });
}

describe('software templates', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-templates-'));
  const appName = `tpl-${suffix}`;
  let git: GitServer;
  let backend: RunningBackend;
  let token: string;
  let repoUrl: string;

  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${backend.baseUrl}/api${p}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });

  const templatesInCatalog = async (): Promise<string[]> => {
    const res = await api(
      '/catalog/entities/by-query?filter=kind=template&fields=metadata.name',
    );
    return (await res.json()).items.map((e: any) => e.metadata.name);
  };

  beforeAll(async () => {
    const harness = getHarness();
    git = await startGitServer();
    repoUrl = (
      await createTestRepo(
        git,
        `hello-${suffix}`,
        path.join(EXAMPLES, 'hello-static'),
      )
    ).url;
    backend = await startBackend(
      await freePort(),
      dataDir,
      {
        // Only a dry run reaches for GitHub: the token is never used against it here.
        integrations: {
          github: [{ host: 'github.com', token: 'ghp_dry_run_only' }],
        },
        slipway: {
          hosts: [harnessHost(harness)],
          repos: { allowedHosts: ['127.0.0.1', 'github.com'] },
          deploy: {
            workDir: path.join(dataDir, 'work'),
            healthGate: { deadlineSeconds: 30 },
          },
          // Provisioning is possible, so that a dry run which provisioned would leave the host's
          // record behind (see the dry-run test). Its tool is a missing file: nothing could
          // reach a cloud.
          iac: {
            sshPublicKey: UNUSED_SSH_PUBLIC_KEY,
            binary: path.join(dataDir, 'no-such-terraform'),
            workDir: path.join(dataDir, 'iac'),
          },
        },
      },
      // The scaffolder's step loggers follow LOG_LEVEL: info, so the task log holds the job's lines.
      { LOG_LEVEL: 'info' },
    );
    token = await guestToken(backend.baseUrl);
    // Tasks start from the catalog's templates: wait until it has read templates/all.yaml.
    const names = listedTemplates().map(t => t.name);
    await waitFor(
      'the catalog to hold the templates',
      async () => {
        const found = await templatesInCatalog();
        return names.every(n => found.includes(n)) ? true : undefined;
      },
      60_000,
      500,
    );
  });

  afterAll(async () => {
    if (backend) await stopBackend(backend);
    await git?.close();
    await removeLabelled(`slipway.app=${appName}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts a task of the deploy template as the guest, waits for its end, returns its log. */
  const runDeployTask = async (vals: object) => {
    const created = await api('/scaffolder/v2/tasks', {
      method: 'POST',
      body: JSON.stringify({
        templateRef: 'template:default/slipway-deploy-existing-repo',
        values: vals,
      }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const task = await waitFor(
      'the task to finish',
      async () => {
        const t = await (await api(`/scaffolder/v2/tasks/${id}`)).json();
        return ['completed', 'failed', 'cancelled'].includes(t.status)
          ? t
          : undefined;
      },
      240_000,
      500,
    );
    const events: TaskEvent[] = await (
      await api(`/scaffolder/v2/tasks/${id}/events`)
    ).json();
    return { status: task.status as string, events };
  };

  /** Values a user would enter, per template. */
  const values = (): Record<string, object> => ({
    'slipway-check-deploy-request': {
      name: `check-${suffix}`,
      repo: repoUrl,
      host: 'harness',
      port: 8080,
      container_port: 8080,
      health_path: '/health',
    },
    'slipway-deploy-existing-repo': {
      name: `dry-${suffix}`,
      repo: repoUrl,
      owner: 'group:default/platform-team',
      host: 'harness',
      port: 18080,
      container_port: 8080,
      health_path: '/health',
      env: { GREETING: 'hello' },
    },
    'slipway-provision-docker-host': {
      name: `host-${suffix}`,
      owner: 'group:default/platform-team',
      cost_center: 'cc-42',
      region: 'eu-west-1',
      instance_type: 't3.small',
      ssh_cidrs: ['203.0.113.0/24'],
      app_port_from: 8000,
      app_port_to: 8999,
      gitops_repo: 'github.com?owner=acme&repo=platform-infra',
      mode: 'pull-request',
    },
    'slipway-new-service': {
      name: `svc-${suffix}`,
      description: 'A new service',
      owner: 'group:default/platform-team',
      repoUrl: 'github.com?owner=acme&repo=new-service',
      host: 'harness',
      port: 18081,
    },
  });

  const appExists = async (name: string) => {
    const apps = await (await api('/slipway/apps')).json();
    return apps.items.some((a: any) => a.name === name);
  };

  /**
   * Whether Slipway has a record of the host, in any state: a provisioning claims the host's
   * record before its job starts (and the host's jobs are listed with it), so even one that
   * failed leaves it.
   */
  const hostExists = async (name: string) => {
    const res = await api(`/slipway/hosts/${name}`);
    if (res.status !== 200 && res.status !== 404)
      throw new Error(`GET /hosts/${name}: ${res.status} ${await res.text()}`);
    return res.status === 200;
  };

  const dryRun = (template: { entity: any; dir: string }, vals: object) =>
    api('/scaffolder/v2/dry-run', {
      method: 'POST',
      body: JSON.stringify({
        template: template.entity,
        values: vals,
        secrets: {},
        directoryContents: directoryContents(template.dir),
      }),
    });

  it('lists every template of templates/all.yaml in the catalog', async () => {
    const names = listedTemplates().map(t => t.name);
    expect(names).toEqual(expect.arrayContaining(Object.keys(values())));
    expect(await templatesInCatalog()).toEqual(expect.arrayContaining(names));
  });

  it.each(listedTemplates().map(t => [t.name, t]))(
    'dry run of %s: every step completes or is skipped, nothing changes',
    async (name, template) => {
      const vals = values()[name as string];
      expect(vals).toBeDefined();
      const res = await dryRun(template as any, vals);
      const body = await res.json();
      expect({
        status: res.status,
        body: res.status === 200 ? 'ok' : body,
      }).toEqual({
        status: 200,
        body: 'ok',
      });
      const messages: string[] = body.log.map((l: any) => l.body.message);
      const failed = body.log.filter((l: any) => l.body.status === 'failed');
      expect(failed).toEqual([]);
      for (const step of (template as any).entity.spec.steps) {
        if (!String(step.action).startsWith('slipway:')) continue;
        // Slipway's actions run in dry-run mode (they support it) and say what they would do.
        expect(
          body.log.some(
            (l: any) =>
              l.body.stepId === step.id &&
              /Dry run|dry-run|would/i.test(l.body.message),
          ),
        ).toBe(true);
      }
      expect(messages.join('\n')).not.toContain('ghp_dry_run_only');
      // Nothing was deployed or provisioned: the name is a host's for the template that
      // provisions one, an app's for the others.
      const target: string = (vals as any).name;
      const provisions = (template as any).entity.spec.steps.some(
        (step: any) => step.action === 'slipway:provision-infra',
      );
      expect({
        target,
        created: provisions
          ? await hostExists(target)
          : await appExists(target),
      }).toEqual({ target, created: false });
    },
  );

  it('fails a dry run with bad parameters, naming the field and the rule', async () => {
    const template = listedTemplates().find(
      t => t.name === 'slipway-deploy-existing-repo',
    )!;
    const res = await dryRun(template, {
      ...values()['slipway-deploy-existing-repo'],
      // Passes the form's pattern, breaks Slipway's rules.
      repo: 'https://127.0.0.1/x.git --upload-pack=touch',
      owner: 'everyone',
    });
    const text = await res.text();
    expect(res.status).not.toBe(200);
    expect(text).toMatch(/repo: repo must/);
    expect(text).toMatch(/owner: owner must be an entity reference/);
  });

  it('runs the deploy template for real: log in order, entity in the catalog, app answering', async () => {
    const port = await freePort();
    const task = await runDeployTask({
      name: appName,
      repo: repoUrl,
      owner: 'group:default/platform-team',
      description: 'Deployed by the template test',
      host: 'harness',
      port,
      container_port: 8080,
      health_path: '/health',
    });
    const events = task.events;
    // Step log lines arrive as "<level>: <message>", the level coloured.
    const messages = events.map(e =>
      (e.body.message ?? '')
        // eslint-disable-next-line no-control-regex
        .replace(/\u001b\[[0-9;]*m/g, '')
        .replace(/^(info|warn|error): /, ''),
    );
    expect({
      status: task.status,
      tail: task.status === 'completed' ? [] : messages.slice(-15),
    }).toEqual({
      status: 'completed',
      tail: [],
    });
    const at = (p: RegExp) => messages.findIndex(m => p.test(m));
    const order = [
      /^Deploying /,
      /^Cloning at commit/,
      /^Step 1\/\d+ : FROM/,
      /^Successfully built/,
      /^Health gate: GET/,
      /^Healthy after/,
      /is running at/,
      /^Registered component:default\//,
    ].map(at);
    expect(order.every(i => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const entity = await waitFor(
      'the component in the catalog',
      async () => {
        const res = await api(
          `/catalog/entities/by-name/component/default/${appName}`,
        );
        return res.status === 200 ? res.json() : undefined;
      },
      60_000,
      500,
    );
    expect(entity.metadata.annotations['slipway/app-name']).toBe(appName);
    expect(entity.spec.owner).toBe('group:default/platform-team');
    expect(entity.metadata.description).toBe('Deployed by the template test');

    const res = await fetch(`http://${getHarness().ssh.host}:${port}/health`);
    expect(res.status).toBe(200);
  });

  it('fails a real task with bad parameters, naming the field and the rule, and deploys nothing', async () => {
    const name = `bad-${suffix}`;
    const { status, events } = await runDeployTask({
      ...values()['slipway-deploy-existing-repo'],
      name,
      ref: '--upload-pack=touch /tmp/pwned',
    });
    expect(status).toBe('failed');
    const text = JSON.stringify(events);
    expect(text).toMatch(/ref: ref must not start with \\"-\\"/);
    expect((await api(`/slipway/apps/${name}/status`)).status).toBe(404);
  });
});

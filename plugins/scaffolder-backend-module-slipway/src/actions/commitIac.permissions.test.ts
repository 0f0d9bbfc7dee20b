import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject } from '@backstage/types';
import permissionModuleSlipwayPolicy from '@slipway/plugin-permission-backend-module-slipway-policy';
import fs from 'node:fs';
import {
  createBareRepo,
  git,
  redirectGit,
  refs,
  tempDir,
} from '../gitops/__testUtils__/gitRemotes';
import { scaffolderModuleSlipway } from '../module';

jest.setTimeout(60_000);

const JANE = 'user:default/jane';
const ROOT = 'user:default/root';
const ownership: Record<string, string[]> = {
  [JANE]: [JANE, 'group:default/team-a'],
  [ROOT]: [ROOT, 'group:default/platform-admins'],
};

const ALLOWED_PREFIX =
  'git::https://git.example.com/platform/modules.git//docker-host?ref=';

const hostRequest = {
  name: 'docker-1',
  owner: 'group:team-a',
  region: 'eu-west-1',
  instance_type: 't3.small',
  ssh_cidrs: ['203.0.113.0/24'],
  tags: { CostCenter: 'cc-42' },
};

/**
 * The portal's wiring: this package's scaffolder module with the real permission backend and
 * Slipway policy module; only the scaffolder itself is replaced by the list of its actions.
 */
async function startPortal() {
  const actions: TemplateAction<any, any, any>[] = [];
  const backend = await startTestBackend({
    extensionPoints: [
      [
        scaffolderActionsExtensionPoint,
        { addActions: (...added: typeof actions) => actions.push(...added) },
      ],
    ],
    features: [
      permissionPlugin,
      permissionModuleSlipwayPolicy,
      scaffolderModuleSlipway,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          integrations: {
            github: [{ host: 'github.com', token: 'ghp_test_token_value' }],
          },
          slipway: {
            permissions: { adminGroups: ['group:default/platform-admins'] },
            gitops: { allowedModuleSources: [`${ALLOWED_PREFIX}*`] },
          },
        },
      }),
      mockServices.userInfo.mock({
        getUserInfo: async credentials => {
          const ref = (credentials.principal as { userEntityRef: string })
            .userEntityRef;
          return {
            userEntityRef: ref,
            ownershipEntityRefs: ownership[ref] ?? [ref],
          };
        },
      }).factory,
    ],
  });
  const action = actions.find(a => a.id === 'slipway:commit-iac');
  if (!action) throw new Error('slipway:commit-iac was not registered');
  return { backend, action };
}

describe('slipway:commit-iac authorization, with the real Slipway policy', () => {
  const workspace = createMockDirectory();
  let portal: Awaited<ReturnType<typeof startPortal>>;
  let root: string;
  let remote: string;
  let restoreEnv: () => void;

  beforeAll(async () => {
    portal = await startPortal();
    // Node's fetch agent keeps idle sockets for 5 s, as long as the server does: a request at
    // that moment meets a closed socket (ECONNRESET). Let the client drop them first.
    portal.backend.server.keepAliveTimeout = 30_000;
  });
  afterAll(async () => {
    await portal?.backend.stop();
  });

  beforeEach(() => {
    workspace.clear();
    root = tempDir('slipway-gitops-authz-');
    remote = createBareRepo(root, 'github/acme/infra');
    restoreEnv = redirectGit({
      'https://github.com/acme/infra.git': `file://${remote}`,
    });
  });
  afterEach(() => {
    restoreEnv();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function context(user: string, input: JsonObject, isDryRun = false) {
    const ctx = createMockActionContext({
      input: { repoUrl: 'github.com?owner=acme&repo=infra', ...input },
      workspacePath: workspace.path,
      user: { ref: user },
    });
    const credentials = mockCredentials.user(user);
    return Object.assign(ctx, {
      isDryRun,
      getInitiatorCredentials: async () => credentials,
    });
  }

  const refusal =
    /^mode "push" commits straight to main and needs the slipway\.iac\.push permission, which only Slipway admins have by default; use mode "pull-request"$/;

  it.each([
    ['a run', false],
    ['a dry run', true],
  ])(
    'refuses push mode to a user who is not an admin, in %s, and changes nothing',
    async (_name, isDryRun) => {
      const before = refs(remote);
      const ctx = context(
        JANE,
        {
          kind: 'host',
          mode: 'push',
          targetBranch: 'main',
          request: hostRequest,
        },
        isDryRun,
      );
      const failure = portal.action.handler(ctx as any);
      await expect(failure).rejects.toThrow(refusal);
      await expect(failure).rejects.toMatchObject({ name: 'NotAllowedError' });
      expect(refs(remote)).toEqual(before);
      expect(ctx.createTemporaryDirectory).not.toHaveBeenCalled();
      expect(ctx.output).not.toHaveBeenCalled();
    },
  );

  it('lets the same user propose the change as a pull request (dry run)', async () => {
    const ctx = context(JANE, { kind: 'host', request: hostRequest }, true);
    await portal.action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith(
      'branch',
      'slipway/host-docker-1-mocktask',
    );
  });

  it('lets an admin push straight to the branch', async () => {
    const mainBefore = git(remote, 'rev-parse', 'main');
    const ctx = context(ROOT, {
      kind: 'host',
      mode: 'push',
      request: hostRequest,
    });
    await portal.action.handler(ctx as any);
    const head = git(remote, 'rev-parse', 'main');
    expect(git(remote, 'rev-parse', 'main^')).toBe(mainBefore);
    expect(ctx.output).toHaveBeenCalledWith('commitSha', head);
    expect(Object.keys(refs(remote))).toEqual(['refs/heads/main']);
  });

  it.each([
    ['a user', JANE, 'pull-request'],
    ['an admin', ROOT, 'push'],
  ])(
    'refuses a module source outside the allow-list to %s, naming the field, and changes nothing',
    async (_who, user, mode) => {
      const before = refs(remote);
      for (const isDryRun of [false, true]) {
        const ctx = context(
          user,
          {
            kind: 'host',
            mode,
            moduleSource: 'git::https://evil.example.com/modules.git//miner',
            request: hostRequest,
          },
          isDryRun,
        );
        const failure = portal.action.handler(ctx as any);
        await expect(failure).rejects.toThrow(
          `moduleSource "git::https://evil.example.com/modules.git//miner" is not allowed: it must be one of the sources in slipway.gitops.allowedModuleSources (${ALLOWED_PREFIX}*)`,
        );
        await expect(failure).rejects.toMatchObject({ name: 'InputError' });
        expect(ctx.createTemporaryDirectory).not.toHaveBeenCalled();
      }
      expect(refs(remote)).toEqual(before);
    },
  );

  it('accepts a module source that matches an allowed prefix', async () => {
    const source = `${ALLOWED_PREFIX}v2.1.0`;
    const ctx = context(ROOT, {
      kind: 'host',
      mode: 'push',
      moduleSource: source,
      request: hostRequest,
    });
    await portal.action.handler(ctx as any);
    const tf = JSON.parse(
      git(remote, 'show', 'main:slipway/hosts/docker-1/main.tf.json'),
    );
    expect(tf.module.docker_host.source).toBe(source);
  });

  it('registers slipway.iac.push with the scaffolder plugin for the permission framework', async () => {
    const res = await fetch(
      `http://localhost:${portal.backend.server.port()}/api/scaffolder/.well-known/backstage/permissions/metadata`,
      { headers: { Authorization: mockCredentials.service.header() } },
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.permissions).toContainEqual({
      type: 'basic',
      name: 'slipway.iac.push',
      attributes: { action: 'update' },
    });
  });
});

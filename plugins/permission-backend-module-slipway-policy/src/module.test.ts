import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  slipwayAppDeployPermission,
  slipwayAppReadPermission,
  slipwayHostDestroyPermission,
  slipwayPermissions,
} from '@slipway/plugin-slipway-common';
import {
  slipwayAppResourceRef,
  slipwayAppRules,
  slipwayHostResourceRef,
  slipwayHostRules,
  SlipwayOwnedResource,
} from '@slipway/plugin-slipway-node';
import permissionModuleSlipwayPolicy from '.';

const catalogEntityDeletePermission = createPermission({
  name: 'catalog.entity.delete',
  attributes: { action: 'delete' },
  resourceType: 'catalog-entity',
});

const ownership: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/team-a'],
  'user:default/bob': ['user:default/bob', 'group:default/team-b'],
  'user:default/root': ['user:default/root', 'group:default/platform-admins'],
};

const apps: SlipwayOwnedResource[] = [
  { name: 'a-app', owner: 'group:default/team-a' },
];
const hosts: SlipwayOwnedResource[] = [
  { name: 'a-host', owner: 'group:default/team-a' },
];

/**
 * A stand-in for the Slipway backend: its resource types and IS_OWNER rules registered as the
 * real one registers them, and one route that asks the permissions service about a permission
 * on a resource, as the real routes do.
 */
const fakeSlipwayPlugin = createBackendPlugin({
  pluginId: 'slipway',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ httpRouter, httpAuth, permissions, permissionsRegistry }) {
        permissionsRegistry.addResourceType({
          resourceRef: slipwayAppResourceRef,
          permissions: slipwayPermissions.filter(
            p => p.resourceType === 'slipway-app',
          ),
          rules: Object.values(slipwayAppRules),
          getResources: async refs =>
            refs.map(ref => apps.find(a => a.name === ref)),
        });
        permissionsRegistry.addResourceType({
          resourceRef: slipwayHostResourceRef,
          permissions: slipwayPermissions.filter(
            p => p.resourceType === 'slipway-host',
          ),
          rules: Object.values(slipwayHostRules),
          getResources: async refs =>
            refs.map(ref => hosts.find(h => h.name === ref)),
        });
        httpRouter.use(async (req, res, next) => {
          try {
            const match = /^\/check\/([^/]+)\/([^/]+)$/.exec(req.path);
            if (!match) {
              next();
              return;
            }
            const permission = [
              ...slipwayPermissions,
              catalogEntityDeletePermission,
            ].find(p => p.name === match[1]) as ResourcePermission;
            const credentials = await httpAuth.credentials(req, {
              allow: ['user', 'service'],
            });
            const [decision] = await permissions.authorize(
              [{ permission, resourceRef: match[2] }],
              { credentials },
            );
            if (decision.result !== AuthorizeResult.ALLOW) {
              throw new NotAllowedError(`not allowed: ${permission.name}`);
            }
            res.json({ allowed: true });
          } catch (error) {
            next(error);
          }
        });
      },
    });
  },
});

/**
 * The mock auth services, except that a token a plugin got on behalf of a user keeps that
 * plugin as the actor, as real tokens do. The mocks drop it, and without an actor the
 * permission backend refuses conditional queries and a plugin refuses to apply conditions
 * (both take such a request for a user's own direct call).
 */
const MOCK_SERVICE_TOKEN_PREFIX = 'mock-service-token:';

function withActor(
  credentials: BackstageCredentials,
  token: string,
): BackstageCredentials {
  if (!token.startsWith(MOCK_SERVICE_TOKEN_PREFIX)) return credentials;
  const { sub, obo } = JSON.parse(
    token.slice(MOCK_SERVICE_TOKEN_PREFIX.length),
  );
  return obo
    ? mockCredentials.user(obo, {
        actor: { subject: sub ?? 'external:test-service' },
      })
    : credentials;
}

const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { pluginMetadata: coreServices.pluginMetadata },
  factory({ pluginMetadata }) {
    const inner = mockServices.auth({ pluginId: pluginMetadata.getId() });
    return new Proxy(inner, {
      get(target, property) {
        if (property === 'authenticate') {
          return async (token: string, options?: any) =>
            withActor(await target.authenticate(token, options), token);
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  },
});

const httpAuthWithActors = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { auth: coreServices.auth },
  factory({ auth }): HttpAuthService {
    return {
      async credentials(
        req: Parameters<HttpAuthService['credentials']>[0],
        options?: { allow?: string[] },
      ) {
        const token = /^Bearer\s+(\S+)$/i.exec(
          req.headers.authorization ?? '',
        )?.[1];
        const credentials = token
          ? await auth.authenticate(token)
          : await auth.getNoneCredentials();
        const { type } = credentials.principal as { type: string };
        if (options?.allow && !options.allow.includes(type)) {
          if (type === 'none') throw new AuthenticationError('No token');
          throw new NotAllowedError(`'${type}' credentials are not allowed`);
        }
        return credentials as any;
      },
      async issueUserCookie() {
        throw new Error('not supported in this test');
      },
    };
  },
});

describe('permissionModuleSlipwayPolicy in a permission backend', () => {
  jest.setTimeout(60_000);

  async function start(slipway: object = {}) {
    return startTestBackend({
      features: [
        permissionPlugin,
        permissionModuleSlipwayPolicy,
        fakeSlipwayPlugin,
        authWithActors,
        httpAuthWithActors,
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true }, slipway },
        }),
        mockServices.userInfo.mock({
          getUserInfo: async credentials => {
            const userEntityRef = (credentials.principal as any)
              .userEntityRef as string;
            return {
              userEntityRef,
              ownershipEntityRefs: ownership[userEntityRef] ?? [userEntityRef],
            };
          },
        }).factory,
      ],
    });
  }

  it('decides with ownership, admin groups and the framework rules for services', async () => {
    const backend = await start({
      permissions: { adminGroups: ['group:platform-admins'] },
    });
    try {
      const status = async (
        permission: string,
        resourceRef: string,
        authorization: string,
      ) =>
        (
          await fetch(
            `http://localhost:${backend.server.port()}/api/slipway/check/${permission}/${resourceRef}`,
            { headers: { Authorization: authorization } },
          )
        ).status;
      const alice = mockCredentials.user.header('user:default/alice');
      const bob = mockCredentials.user.header('user:default/bob');
      const root = mockCredentials.user.header('user:default/root');
      const service = mockCredentials.service.header();

      // Team A's member deploys over their app and destroys their host; team B may not.
      expect(
        await status(slipwayAppDeployPermission.name, 'a-app', alice),
      ).toBe(200);
      expect(await status(slipwayAppDeployPermission.name, 'a-app', bob)).toBe(
        403,
      );
      expect(
        await status(slipwayHostDestroyPermission.name, 'a-host', alice),
      ).toBe(200);
      expect(
        await status(slipwayHostDestroyPermission.name, 'a-host', bob),
      ).toBe(403);
      // Reads are open to every signed-in user by default.
      expect(await status(slipwayAppReadPermission.name, 'a-app', bob)).toBe(
        200,
      );
      // Admins may do everything.
      expect(await status(slipwayAppDeployPermission.name, 'a-app', root)).toBe(
        200,
      );
      expect(
        await status(slipwayHostDestroyPermission.name, 'a-host', root),
      ).toBe(200);
      // Other plugins' permissions are allowed, as the allow-all policy did.
      expect(
        await status(catalogEntityDeletePermission.name, 'component:x', bob),
      ).toBe(200);
      // Services never reach the policy: the framework allows them (within their access
      // restrictions, if any).
      expect(
        await status(slipwayAppDeployPermission.name, 'a-app', service),
      ).toBe(200);
    } finally {
      await backend.stop();
    }
  });

  it('restricts reads to owners with readAccess owners', async () => {
    const backend = await start({ permissions: { readAccess: 'owners' } });
    try {
      const read = async (authorization: string) =>
        (
          await fetch(
            `http://localhost:${backend.server.port()}/api/slipway/check/${
              slipwayAppReadPermission.name
            }/a-app`,
            { headers: { Authorization: authorization } },
          )
        ).status;
      expect(
        await read(mockCredentials.user.header('user:default/alice')),
      ).toBe(200);
      expect(await read(mockCredentials.user.header('user:default/bob'))).toBe(
        403,
      );
    } finally {
      await backend.stop();
    }
  });

  it('refuses to start with a bad config value, naming the key', async () => {
    await expect(
      start({ permissions: { readAccess: 'everyone' } }),
    ).rejects.toThrow(
      /slipway\.permissions\.readAccess: must be one of 'all', 'owners'/,
    );
  });
});

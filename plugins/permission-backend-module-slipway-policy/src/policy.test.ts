import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  createPermission,
  Permission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
  PermissionPolicy,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  SLIPWAY_APP_RESOURCE_TYPE,
  slipwayAppDeployPermission,
  slipwayAppDestroyPermission,
  slipwayAppOperatePermission,
  slipwayAppReadPermission,
  slipwayHostDeployPermission,
  slipwayHostDestroyPermission,
  slipwayHostProvisionPermission,
  slipwayHostReadPermission,
  slipwayIacPushPermission,
  slipwayPermissions,
  slipwayScaffolderPermissions,
} from '@slipway/plugin-slipway-common';
import {
  slipwayAppRules,
  slipwayHostRules,
  SlipwayOwnedResource,
} from '@slipway/plugin-slipway-node';
import {
  decideSlipwayPermission,
  readSlipwayPolicyOptions,
  SlipwayPermissionPolicy,
  SlipwayPolicyOptions,
} from '.';

/** A signed-in user as the permission backend hands it to a policy. */
function mockUser(
  userEntityRef: string,
  groups: string[] = [],
): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(userEntityRef),
    info: {
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...groups],
    },
  };
}

const users = {
  // A member of team A, which owns the app and the host below.
  owner: mockUser('user:default/alice', ['group:default/team-a']),
  // Signed in, in another team: reads, but owns nothing here.
  reader: mockUser('user:default/bob', ['group:default/team-b']),
  // Owns the resources directly, not through a group.
  directOwner: mockUser('user:default/carol'),
  // In the admin group, written in another case and with the namespace.
  admin: mockUser('user:default/root', ['group:default/Platform-Admins']),
};
type Who = keyof typeof users | 'nobody';

const teamAResource: SlipwayOwnedResource = {
  name: 'a-app',
  owner: 'group:default/team-a',
};

const rulesByType: Record<
  string,
  Record<
    string,
    { name: string; apply(r: SlipwayOwnedResource, p: any): boolean }
  >
> = {
  'slipway-app': slipwayAppRules,
  'slipway-host': slipwayHostRules,
};

/**
 * What a decision comes to for one resource: a CONDITIONAL one is applied with Slipway's own
 * rules, as the Slipway backend applies it for `resourceRef`.
 */
function outcomeFor(
  decision: PolicyDecision,
  permission: Permission,
  resource: SlipwayOwnedResource,
): 'ALLOW' | 'DENY' {
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return decision.result === AuthorizeResult.ALLOW ? 'ALLOW' : 'DENY';
  }
  return applyConditions(decision, permission, resource) ? 'ALLOW' : 'DENY';
}

function applyConditions(
  decision: ConditionalPolicyDecision,
  permission: Permission,
  resource: SlipwayOwnedResource,
): boolean {
  expect(decision.pluginId).toBe('slipway');
  expect(permission.type).toBe('resource');
  expect(decision.resourceType).toBe(
    (permission as { resourceType: string }).resourceType,
  );
  const rules = Object.values(rulesByType[decision.resourceType]);
  const evaluate = (
    criteria: PermissionCriteria<PermissionCondition>,
  ): boolean => {
    if (isAndCriteria(criteria)) return criteria.allOf.every(evaluate);
    if (isOrCriteria(criteria)) return criteria.anyOf.some(evaluate);
    if (isNotCriteria(criteria)) return !evaluate(criteria.not);
    const rule = rules.find(r => r.name === criteria.rule);
    if (!rule) throw new Error(`unknown rule ${criteria.rule}`);
    return rule.apply(resource, criteria.params);
  };
  return evaluate(decision.conditions);
}

const adminConfig: SlipwayPolicyOptions = {
  adminGroups: ['group:platform-admins'],
};

async function decide(
  who: Who,
  permission: Permission,
  options: SlipwayPolicyOptions = adminConfig,
  resource: SlipwayOwnedResource = teamAResource,
) {
  const policy = new SlipwayPermissionPolicy(options);
  const user = who === 'nobody' ? undefined : users[who];
  const decision = await policy.handle({ permission }, user);
  return { decision, outcome: outcomeFor(decision, permission, resource) };
}

describe('SlipwayPermissionPolicy: who may do what (readAccess all, the default)', () => {
  // Each row: the permission, then reader / owner / direct owner / admin / no user.
  const matrix: Array<[Permission, Record<Who, 'ALLOW' | 'DENY'>]> = [
    [
      slipwayAppReadPermission,
      {
        reader: 'ALLOW',
        owner: 'ALLOW',
        directOwner: 'ALLOW',
        admin: 'ALLOW',
        nobody: 'DENY',
      },
    ],
    [
      slipwayAppDeployPermission,
      {
        reader: 'DENY',
        owner: 'ALLOW',
        directOwner: 'ALLOW',
        admin: 'ALLOW',
        nobody: 'DENY',
      },
    ],
    [
      slipwayAppOperatePermission,
      {
        reader: 'DENY',
        owner: 'ALLOW',
        directOwner: 'ALLOW',
        admin: 'ALLOW',
        nobody: 'DENY',
      },
    ],
    [
      slipwayAppDestroyPermission,
      {
        reader: 'DENY',
        owner: 'ALLOW',
        directOwner: 'ALLOW',
        admin: 'ALLOW',
        nobody: 'DENY',
      },
    ],
    [
      slipwayHostReadPermission,
      {
        reader: 'ALLOW',
        owner: 'ALLOW',
        directOwner: 'ALLOW',
        admin: 'ALLOW',
        nobody: 'DENY',
      },
    ],
    [
      slipwayHostProvisionPermission,
      {
        reader: 'DENY',
        owner: 'ALLOW',
        directOwner: 'ALLOW',
        admin: 'ALLOW',
        nobody: 'DENY',
      },
    ],
    [
      slipwayHostDeployPermission,
      {
        reader: 'DENY',
        owner: 'ALLOW',
        directOwner: 'ALLOW',
        admin: 'ALLOW',
        nobody: 'DENY',
      },
    ],
    [
      slipwayHostDestroyPermission,
      {
        reader: 'DENY',
        owner: 'ALLOW',
        directOwner: 'ALLOW',
        admin: 'ALLOW',
        nobody: 'DENY',
      },
    ],
    // Basic: a push to a GitOps branch skips review whatever it touches, so owning grants nothing.
    [
      slipwayIacPushPermission,
      {
        reader: 'DENY',
        owner: 'DENY',
        directOwner: 'DENY',
        admin: 'ALLOW',
        nobody: 'DENY',
      },
    ],
  ];
  const everySlipwayPermission = [
    ...slipwayPermissions,
    ...slipwayScaffolderPermissions,
  ];

  const rows = matrix.flatMap(([permission, expected]) =>
    (Object.keys(expected) as Who[]).map(
      who => [permission.name, who, permission, expected[who]] as const,
    ),
  );

  it('covers every Slipway permission', () => {
    expect(matrix.map(([p]) => p.name).sort()).toEqual(
      everySlipwayPermission.map(p => p.name).sort(),
    );
  });

  it('lets every signed-in user deploy onto a shared host (one without an owner)', async () => {
    const shared = { name: 'shared-host', owner: null };
    expect(
      (await decide('reader', slipwayHostDeployPermission, adminConfig, shared))
        .outcome,
    ).toBe('ALLOW');
    expect(
      (await decide('nobody', slipwayHostDeployPermission, adminConfig, shared))
        .outcome,
    ).toBe('DENY');
  });

  it.each(rows)('%s by %s', async (_name, who, permission, expected) => {
    const directlyOwned = { name: 'a-app', owner: 'user:default/carol' };
    const resource = who === 'directOwner' ? directlyOwned : teamAResource;
    const { outcome } = await decide(who, permission, adminConfig, resource);
    expect(outcome).toBe(expected);
  });

  it('allows reads outright and makes changes conditional on IS_OWNER with the user claims', async () => {
    expect((await decide('reader', slipwayAppReadPermission)).decision).toEqual(
      { result: AuthorizeResult.ALLOW },
    );
    expect(
      (await decide('reader', slipwayAppDeployPermission)).decision,
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'slipway',
      resourceType: SLIPWAY_APP_RESOURCE_TYPE,
      conditions: {
        rule: 'IS_OWNER',
        resourceType: SLIPWAY_APP_RESOURCE_TYPE,
        params: {
          claims: ['user:default/bob', 'group:default/team-b'],
        },
      },
    });
    expect(
      (await decide('owner', slipwayHostProvisionPermission)).decision,
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      resourceType: 'slipway-host',
      conditions: { rule: 'IS_OWNER' },
    });
  });

  it('gives admins a definitive ALLOW, not a condition', async () => {
    for (const permission of everySlipwayPermission) {
      expect((await decide('admin', permission)).decision).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('matches an owner written in the short form', async () => {
    const shortForm = { name: 'a-app', owner: 'group:Team-A' };
    expect(
      (
        await decide(
          'owner',
          slipwayAppDestroyPermission,
          adminConfig,
          shortForm,
        )
      ).outcome,
    ).toBe('ALLOW');
  });

  it('denies an app nobody owns to everyone but admins', async () => {
    const unowned = { name: 'old-app', owner: null };
    for (const who of ['reader', 'owner', 'directOwner'] as const) {
      expect(
        (await decide(who, slipwayAppOperatePermission, adminConfig, unowned))
          .outcome,
      ).toBe('DENY');
    }
    expect(
      (await decide('admin', slipwayAppOperatePermission, adminConfig, unowned))
        .outcome,
    ).toBe('ALLOW');
  });
});

describe('readAccess: owners', () => {
  const owners: SlipwayPolicyOptions = { ...adminConfig, readAccess: 'owners' };

  it.each([
    [slipwayAppReadPermission, 'reader', 'DENY'],
    [slipwayAppReadPermission, 'owner', 'ALLOW'],
    [slipwayAppReadPermission, 'admin', 'ALLOW'],
    [slipwayAppReadPermission, 'nobody', 'DENY'],
    [slipwayHostReadPermission, 'reader', 'DENY'],
    [slipwayHostReadPermission, 'owner', 'ALLOW'],
    [slipwayHostReadPermission, 'admin', 'ALLOW'],
    [slipwayHostReadPermission, 'nobody', 'DENY'],
    [slipwayAppDeployPermission, 'reader', 'DENY'],
    [slipwayAppDeployPermission, 'owner', 'ALLOW'],
  ] as const)('%s by %s: %s', async (permission, who, expected) => {
    expect((await decide(who, permission, owners)).outcome).toBe(expected);
  });

  it('makes reads conditional, so lists are filtered by owner', async () => {
    expect(
      (await decide('reader', slipwayAppReadPermission, owners)).decision,
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_OWNER' },
    });
  });
});

describe('admin groups', () => {
  it('compares case-insensitively, with or without the default namespace', async () => {
    for (const adminGroups of [
      ['group:platform-admins'],
      ['group:default/platform-admins'],
      ['GROUP:Default/PLATFORM-ADMINS'],
    ]) {
      expect(
        (await decide('admin', slipwayAppDestroyPermission, { adminGroups }))
          .decision,
      ).toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('does not confuse namespaces', async () => {
    const { outcome } = await decide('admin', slipwayAppDestroyPermission, {
      adminGroups: ['group:ops/platform-admins'],
    });
    expect(outcome).toBe('DENY');
  });

  it('has no admins by default', async () => {
    const { outcome } = await decide('admin', slipwayHostDestroyPermission, {});
    expect(outcome).toBe('DENY');
  });
});

describe('permissions that are not Slipway resources', () => {
  const catalogRead = createPermission({
    name: 'catalog.entity.read',
    attributes: { action: 'read' },
    resourceType: 'catalog-entity',
  });
  const taskCreate = createPermission({
    name: 'scaffolder.task.create',
    attributes: { action: 'create' },
  });

  it('are left to the caller by decideSlipwayPermission', () => {
    for (const permission of [catalogRead, taskCreate]) {
      expect(
        decideSlipwayPermission({ permission }, users.reader, adminConfig),
      ).toBeUndefined();
    }
  });

  it('are allowed by default, to users and to unauthenticated requests alike', async () => {
    for (const who of ['reader', 'admin', 'nobody'] as const) {
      expect((await decide(who, catalogRead)).decision).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect((await decide(who, taskCreate)).decision).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('go to the fallback policy when one is given', async () => {
    const fallbackPolicy: PermissionPolicy = {
      handle: jest.fn(async () => ({ result: AuthorizeResult.DENY } as const)),
    };
    const policy = new SlipwayPermissionPolicy({
      ...adminConfig,
      fallbackPolicy,
    });
    expect(
      await policy.handle({ permission: catalogRead }, users.reader),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(fallbackPolicy.handle).toHaveBeenCalledWith(
      { permission: catalogRead },
      users.reader,
    );
    // Slipway's own never reach it.
    await policy.handle({ permission: slipwayAppReadPermission }, users.reader);
    expect(fallbackPolicy.handle).toHaveBeenCalledTimes(1);
  });

  it('slipway.iac.push and any other basic slipway.* permission are for admins only', async () => {
    const future = createPermission({
      name: 'slipway.something.new',
      attributes: { action: 'update' },
    });
    for (const permission of [slipwayIacPushPermission, future]) {
      expect(permission.type).toBe('basic');
      expect((await decide('owner', permission)).decision).toEqual({
        result: AuthorizeResult.DENY,
      });
      expect((await decide('reader', permission)).decision).toEqual({
        result: AuthorizeResult.DENY,
      });
      expect((await decide('admin', permission)).decision).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });
});

describe('configuration', () => {
  const read = (slipway: unknown) =>
    readSlipwayPolicyOptions(new ConfigReader({ slipway } as any));

  it('defaults to reads for all and no admins', () => {
    expect(read(undefined)).toEqual({ adminGroups: [], readAccess: 'all' });
    expect(read({ permissions: {} })).toEqual({
      adminGroups: [],
      readAccess: 'all',
    });
  });

  it('reads and normalizes the admin groups', () => {
    expect(
      read({
        permissions: {
          adminGroups: ['group:Platform-Admins', 'group:ops/sre'],
          readAccess: 'owners',
        },
      }),
    ).toEqual({
      adminGroups: ['group:default/platform-admins', 'group:ops/sre'],
      readAccess: 'owners',
    });
  });

  it.each([
    [
      { readAccess: 'everyone' },
      `Invalid config slipway.permissions.readAccess: must be one of 'all', 'owners', got "everyone"`,
    ],
    [
      { readAccess: 1 },
      `Invalid config slipway.permissions.readAccess: must be one of 'all', 'owners', got 1`,
    ],
    [
      { adminGroups: 'group:default/platform-admins' },
      `Invalid config slipway.permissions.adminGroups: must be a list of group entity refs such as 'group:default/platform-admins', got "group:default/platform-admins"`,
    ],
    [
      { adminGroups: ['group:default/a', 'platform-admins'] },
      `Invalid config slipway.permissions.adminGroups[1]: must be a group entity ref such as 'group:default/platform-admins' (kind 'group', namespace optional), got "platform-admins"`,
    ],
    [
      { adminGroups: ['user:default/alice'] },
      `Invalid config slipway.permissions.adminGroups[0]: must be a group entity ref`,
    ],
    [
      { adminGroups: [42] },
      `Invalid config slipway.permissions.adminGroups[0]: must be a group entity ref`,
    ],
  ])('refuses %j', (permissions, message) => {
    expect(() => read({ permissions })).toThrow(message);
  });

  it('refuses bad options given in code too', () => {
    expect(
      () => new SlipwayPermissionPolicy({ adminGroups: ['admins'] }),
    ).toThrow(/options\.adminGroups\[0\]: must be a group entity ref/);
    expect(
      () =>
        new SlipwayPermissionPolicy({
          readAccess: 'some' as SlipwayPolicyOptions['readAccess'],
        }),
    ).toThrow(/options\.readAccess: must be one of 'all', 'owners'/);
  });

  it('builds the policy from config', async () => {
    const policy = SlipwayPermissionPolicy.fromConfig(
      new ConfigReader({
        slipway: { permissions: { readAccess: 'owners' } },
      }),
    );
    const decision = await policy.handle(
      { permission: slipwayHostReadPermission },
      users.reader,
    );
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
  });
});

describe('composing decideSlipwayPermission into another policy (as in the README)', () => {
  class MyPolicy implements PermissionPolicy {
    constructor(private readonly slipway: SlipwayPolicyOptions) {}

    async handle(
      request: { permission: Permission },
      user?: PolicyQueryUser,
    ): Promise<PolicyDecision> {
      const slipway = decideSlipwayPermission(request, user, this.slipway);
      if (slipway) return slipway;
      // The deployer's own rule for everything else: no catalog deletes.
      return request.permission.name === 'catalog.entity.delete'
        ? { result: AuthorizeResult.DENY }
        : { result: AuthorizeResult.ALLOW };
    }
  }

  it('decides Slipway permissions as the Slipway policy does and leaves the rest', async () => {
    const policy = new MyPolicy(
      readSlipwayPolicyOptions(
        new ConfigReader({
          slipway: { permissions: { adminGroups: ['group:platform-admins'] } },
        }),
      ),
    );
    const catalogDelete = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
      resourceType: 'catalog-entity',
    });
    expect(
      await policy.handle({ permission: catalogDelete }, users.admin),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(
      await policy.handle(
        { permission: slipwayAppDestroyPermission },
        users.admin,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    const forReader = await policy.handle(
      { permission: slipwayAppDestroyPermission },
      users.reader,
    );
    expect(
      outcomeFor(forReader, slipwayAppDestroyPermission, teamAResource),
    ).toBe('DENY');
    expect(
      outcomeFor(
        await policy.handle(
          { permission: slipwayAppDestroyPermission },
          users.owner,
        ),
        slipwayAppDestroyPermission,
        teamAResource,
      ),
    ).toBe('ALLOW');
  });
});

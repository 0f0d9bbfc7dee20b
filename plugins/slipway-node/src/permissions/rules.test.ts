import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  slipwayAppPermissions,
  slipwayAppDeployPermission,
  slipwayHostDestroyPermission,
  isOwnedBy,
} from '@slipway/plugin-slipway-common';
import {
  createSlipwayAppConditionalDecision,
  createSlipwayHostConditionalDecision,
  slipwayAppConditions,
  slipwayHostConditions,
} from './conditions';
import { isAppOwner, isHostOwner } from './rules';

const app = (owner: string | null) => ({ name: 'a-app', owner });

describe('IS_OWNER', () => {
  it.each([
    ['group:default/team-a', ['group:default/team-a']],
    ['group:team-a', ['group:default/team-a']],
    ['group:default/team-a', ['group:team-a']],
    ['Group:Default/Team-A', ['group:team-a']],
    ['group:team-a', ['user:default/alice', 'GROUP:DEFAULT/TEAM-A']],
    ['group:platform/team-a', ['group:Platform/Team-A']],
  ])('applies to an app owned by %s for claims %j', (owner, claims) => {
    expect(isAppOwner.apply(app(owner), { claims })).toBe(true);
    expect(isHostOwner.apply(app(owner), { claims })).toBe(true);
  });

  it.each([
    ['group:team-b', ['group:default/team-a']],
    ['group:platform/team-a', ['group:team-a']],
    ['group:team-a', ['group:platform/team-a']],
    ['user:team-a', ['group:team-a']],
    [null, ['group:team-a']],
    ['group:team-a', []],
  ])('does not apply to an app owned by %s for claims %j', (owner, claims) => {
    expect(isAppOwner.apply(app(owner), { claims })).toBe(false);
  });

  it('becomes an owner filter for lists', () => {
    const claims = ['user:default/alice', 'group:team-a'];
    expect(isAppOwner.toQuery({ claims })).toEqual({ owners: claims });
    expect(isHostOwner.toQuery({ claims })).toEqual({ owners: claims });
  });

  it('is named and typed for its resource', () => {
    expect(isAppOwner.name).toBe('IS_OWNER');
    expect(isAppOwner.resourceType).toBe('slipway-app');
    expect(isHostOwner.resourceType).toBe('slipway-host');
  });

  it('agrees with the shared owner comparison', () => {
    expect(isOwnedBy('group:default/x', ['group:X'])).toBe(true);
    expect(isOwnedBy('', ['group:x'])).toBe(false);
  });
});

describe('condition exports', () => {
  it('build the conditions and decisions a policy returns', () => {
    const claims = ['group:default/team-a'];
    expect(slipwayAppConditions.isOwner({ claims })).toEqual({
      rule: 'IS_OWNER',
      resourceType: 'slipway-app',
      params: { claims },
    });
    expect(
      createSlipwayAppConditionalDecision(
        slipwayAppDeployPermission,
        slipwayAppConditions.isOwner({ claims }),
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'slipway',
      resourceType: 'slipway-app',
      conditions: {
        rule: 'IS_OWNER',
        resourceType: 'slipway-app',
        params: { claims },
      },
    });
    expect(
      createSlipwayHostConditionalDecision(slipwayHostDestroyPermission, {
        anyOf: [slipwayHostConditions.isOwner({ claims })],
      }),
    ).toMatchObject({ resourceType: 'slipway-host', pluginId: 'slipway' });
    expect(slipwayAppPermissions.map(p => p.resourceType)).toEqual([
      'slipway-app',
      'slipway-app',
      'slipway-app',
      'slipway-app',
    ]);
  });
});

import { Entity } from '@backstage/catalog-model';
import { catalogOwnersOf, repositoryKey } from './catalogOwners';

function component(
  name: string,
  opts: {
    app?: string;
    owner?: string;
    location?: string;
    namespace?: string;
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: opts.namespace,
      annotations: {
        ...(opts.app && { 'slipway/app-name': opts.app }),
        ...(opts.location && {
          'backstage.io/managed-by-location': opts.location,
        }),
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: opts.owner },
  };
}

const app = (name: string, repo: string) => ({
  name,
  repo,
  catalogOwner: null,
  catalogEntity: null,
});

describe('repositoryKey', () => {
  it.each([
    ['https://git.example.com/team/shop.git', 'git.example.com/team/shop'],
    ['https://Git.Example.com/team/shop/', 'git.example.com/team/shop'],
    ['git@git.example.com:team/shop.git', 'git.example.com/team/shop'],
    ['ssh://git@git.example.com/team/shop.git', 'git.example.com/team/shop'],
    [
      'https://user:token@git.example.com/team/shop',
      'git.example.com/team/shop',
    ],
    [
      'url:https://git.example.com/team/shop/blob/main/catalog-info.yaml',
      'git.example.com/team/shop/blob/main/catalog-info.yaml',
    ],
    [
      'file:/srv/repos/shop/catalog-info.yaml',
      '/srv/repos/shop/catalog-info.yaml',
    ],
    ['file:///srv/repos/shop', '/srv/repos/shop'],
  ])('%s is %s', (url, key) => {
    expect(repositoryKey(url)).toBe(key);
  });
});

describe('catalogOwnersOf', () => {
  const repo = 'https://git.example.com/team/shop.git';
  const inRepo =
    'url:https://git.example.com/team/shop/blob/main/catalog-info.yaml';

  it('takes the owner of the Component read from the app’s repository', () => {
    const { owners, ignored } = catalogOwnersOf(
      [app('shop', repo), app('other', 'https://git.example.com/team/other')],
      [component('shop', { app: 'shop', owner: 'team-a', location: inRepo })],
    );
    expect([...owners]).toEqual([
      [
        'shop',
        { owner: 'group:default/team-a', entity: 'component:default/shop' },
      ],
    ]);
    expect(ignored).toEqual([]);
  });

  it('completes a short owner with the kind Group and the entity’s namespace', () => {
    const { owners } = catalogOwnersOf(
      [app('a', repo), app('b', repo), app('c', repo)],
      [
        component('a', {
          app: 'a',
          owner: 'team-a',
          namespace: 'ops',
          location: inRepo,
        }),
        component('b', { app: 'b', owner: 'user:alice', location: inRepo }),
        component('c', {
          app: 'c',
          owner: 'Group:Ops/Team-C',
          location: inRepo,
        }),
      ],
    );
    expect(owners.get('a')?.owner).toBe('group:ops/team-a');
    expect(owners.get('b')?.owner).toBe('user:default/alice');
    expect(owners.get('c')?.owner).toBe('group:Ops/Team-C');
  });

  it('ignores a Component registered outside the app’s repository: no takeover by catalog file', () => {
    const { owners, ignored } = catalogOwnersOf(
      [app('shop', repo)],
      [
        component('shop-claim', {
          app: 'shop',
          owner: 'team-b',
          location:
            'url:https://git.example.com/team-b/shop-fork/blob/main/catalog-info.yaml',
        }),
        component('shop-prefix', {
          app: 'shop',
          owner: 'team-b',
          location:
            'url:https://git.example.com/team/shop-evil/catalog-info.yaml',
        }),
      ],
    );
    expect(owners.size).toBe(0);
    expect(ignored.map(i => [i.entity, i.reason])).toEqual([
      ['component:default/shop-claim', 'outside-repository'],
      ['component:default/shop-prefix', 'outside-repository'],
    ]);
  });

  it('ignores Components Slipway emitted itself, and ones without an owner or annotation', () => {
    const { owners, ignored } = catalogOwnersOf(
      [app('shop', repo)],
      [
        component('shop', {
          app: 'shop',
          owner: 'team-a',
          location: 'slipway-app:shop',
        }),
        component('shop2', { app: 'shop', location: inRepo }),
        component('shop3', { owner: 'team-a', location: inRepo }),
      ],
    );
    expect(owners.size).toBe(0);
    expect(ignored).toEqual([]);
  });

  it('uses no owner while two Components of the repository disagree', () => {
    const { owners, ignored } = catalogOwnersOf(
      [app('shop', repo)],
      [
        component('shop', { app: 'shop', owner: 'team-a', location: inRepo }),
        component('shop-too', {
          app: 'shop',
          owner: 'team-b',
          location: inRepo,
        }),
      ],
    );
    expect(owners.size).toBe(0);
    expect(ignored.map(i => i.reason)).toEqual(['conflict', 'conflict']);
  });
});

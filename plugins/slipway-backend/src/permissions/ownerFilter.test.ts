import { isOwnedBy } from '@slipway/plugin-slipway-common';
import knexFactory, { Knex } from 'knex';
import { OwnerCriteria, whereOwnerCriteria } from './ownerFilter';

/** The filter is the list form of IS_OWNER's `apply`: both must pick the same rows. */
describe('whereOwnerCriteria', () => {
  let knex: Knex;
  const owners = [
    'group:default/team-a',
    'Group:Team-A',
    'group:platform/team-a',
    'group:team-b',
    'user:default/alice',
    null,
  ];

  beforeAll(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await knex.schema.createTable('t', table => {
      table.integer('id');
      table.string('owner').nullable();
    });
    await knex('t').insert(owners.map((owner, id) => ({ id, owner })));
  });

  afterAll(() => knex.destroy());

  /** What `apply` says of each row for the same criteria. */
  function applied(criteria: OwnerCriteria): number[] {
    const test = (c: OwnerCriteria, owner: string | null): boolean => {
      if ('allOf' in c) return c.allOf.every(p => test(p, owner));
      if ('anyOf' in c) return c.anyOf.some(p => test(p, owner));
      if ('not' in c) return !test(c.not, owner);
      return 'unowned' in c ? !owner : isOwnedBy(owner, c.owners);
    };
    return owners.flatMap((owner, id) => (test(criteria, owner) ? [id] : []));
  }

  async function selected(criteria: OwnerCriteria): Promise<number[]> {
    const query = knex('t').select('id').orderBy('id');
    whereOwnerCriteria(query, criteria);
    return (await query).map((r: { id: number }) => r.id);
  }

  it.each<[string, OwnerCriteria]>([
    ['one claim in another spelling', { owners: ['GROUP:team-a'] }],
    ['a namespaced claim', { owners: ['group:Platform/team-a'] }],
    ['no claims', { owners: [] }],
    [
      'anyOf',
      { anyOf: [{ owners: ['group:team-b'] }, { owners: ['user:alice'] }] },
    ],
    // Not NonEmptyArray as the types say, but a policy could build one: handled like apply.
    ['an empty anyOf', { anyOf: [] } as unknown as OwnerCriteria],
    ['an empty allOf', { allOf: [] } as unknown as OwnerCriteria],
    [
      'allOf',
      {
        allOf: [
          { owners: ['group:team-a', 'group:team-b'] },
          { owners: ['group:team-b'] },
        ],
      },
    ],
    ['not (rows without an owner too)', { not: { owners: ['group:team-a'] } }],
    [
      'nested',
      {
        anyOf: [
          { not: { anyOf: [{ owners: ['group:team-a'] }] } },
          { owners: ['group:team-a'] },
        ],
      },
    ],
  ])('selects what IS_OWNER applies to: %s', async (_name, criteria) => {
    expect(await selected(criteria)).toEqual(applied(criteria));
  });

  it('matches stored spellings of the default namespace', async () => {
    expect(await selected({ owners: ['group:team-a'] })).toEqual([0, 1]);
  });
});

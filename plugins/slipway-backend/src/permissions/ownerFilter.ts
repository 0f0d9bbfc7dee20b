import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { ownerForms } from '@slipway/plugin-slipway-common';
import { SlipwayOwnerFilter } from '@slipway/plugin-slipway-node';
import { Knex } from 'knex';

/** A policy's conditions on a list, as the rules' `toQuery` made them: owner filters in a tree. */
export type OwnerCriteria = PermissionCriteria<SlipwayOwnerFilter>;

/**
 * What a caller may see of a list: everything (ALLOW), nothing (DENY), or the rows that pass
 * the policy's conditions (CONDITIONAL).
 */
export type ListAccess =
  | { result: 'all' }
  | { result: 'none' }
  | { result: 'filter'; criteria: OwnerCriteria };

/**
 * Where a table keeps its owner: a column name, or an SQL expression over columns (an app's
 * owner is `coalesce(catalog_owner, owner)`). Always a constant of the code, never input.
 */
export type OwnerColumn = string | { sql: string };

function ownerSql(column: OwnerColumn): string {
  return typeof column === 'string' ? `"${column}"` : `(${column.sql})`;
}

/**
 * One leaf: the owner column holds one of the owners' stored spellings, matched the way
 * `AppStore.listApps` matches its `owner` query (see `ownerForms`). The `is not null` keeps a
 * `not` around it true for rows without an owner, as `IS_OWNER`'s `apply` says.
 */
function whereOwner(
  qb: Knex.QueryBuilder,
  column: OwnerColumn,
  filter: SlipwayOwnerFilter,
) {
  const sql = ownerSql(column);
  if ('unowned' in filter) {
    qb.whereRaw(`${sql} is null`);
    return;
  }
  const forms = [...new Set(filter.owners.flatMap(ownerForms))].filter(Boolean);
  if (!forms.length) {
    qb.whereRaw('1 = 0');
    return;
  }
  qb.whereRaw(`${sql} is not null`).whereRaw(
    `lower(${sql}) in (${forms.map(() => '?').join(', ')})`,
    forms,
  );
}

/** Rows whose owner is one of `owner`'s spellings (a plain `?owner=` query, not a policy). */
export function whereOwnerIs(
  qb: Knex.QueryBuilder,
  owner: string,
  column: OwnerColumn = 'owner',
): void {
  whereOwner(qb, column, { owners: [owner] });
}

/**
 * Adds the criteria to `qb` as one parenthesized where clause over `column`. An empty `anyOf`
 * matches nothing and an empty `allOf` everything, as the permission framework evaluates them.
 */
export function whereOwnerCriteria(
  qb: Knex.QueryBuilder,
  criteria: OwnerCriteria,
  column: OwnerColumn = 'owner',
): void {
  qb.where(inner => {
    if (isAndCriteria(criteria)) {
      for (const part of criteria.allOf)
        inner.andWhere(b => whereOwnerCriteria(b, part, column));
    } else if (isOrCriteria(criteria)) {
      if (!criteria.anyOf.length) inner.whereRaw('1 = 0');
      for (const part of criteria.anyOf)
        inner.orWhere(b => whereOwnerCriteria(b, part, column));
    } else if (isNotCriteria(criteria)) {
      inner.whereNot(b => whereOwnerCriteria(b, criteria.not, column));
    } else {
      whereOwner(inner, column, criteria);
    }
  });
}

/** Applies a list's access to a query: no clause, a clause that matches nothing, or the filter. */
export function applyListAccess(
  qb: Knex.QueryBuilder,
  access: ListAccess | undefined,
  column: OwnerColumn = 'owner',
): void {
  if (!access || access.result === 'all') return;
  if (access.result === 'none') qb.whereRaw('1 = 0');
  else whereOwnerCriteria(qb, access.criteria, column);
}

import { Knex } from 'knex';
import { now } from './rows';

/** An app as the catalog sync sees it: where its code lives, and its catalog owner now. */
export type AppOwnership = {
  name: string;
  repo: string;
  catalogOwner: string | null;
  catalogEntity: string | null;
};

/** What the catalog says an app's owner is, and which Component says it. */
export type CatalogOwner = { owner: string; entity: string };

/** An app whose catalog owner changed in a sync, for the log. */
export type CatalogOwnerChange = {
  app: string;
  from: string | null;
  to: string | null;
};

/**
 * The catalog's side of app ownership: which Component names an app's owner. Kept apart from
 * AppStore because only the catalog sync writes it, and it announces nothing (ownership is
 * read when a permission is decided, not pushed).
 */
export class CatalogOwnerStore {
  constructor(private readonly knex: Knex) {}

  /** The live apps with their repositories and current catalog owners: the sync's input. */
  async listOwnership(): Promise<AppOwnership[]> {
    const rows = await this.knex('slipway_apps')
      .select('name', 'repo', 'catalog_owner', 'catalog_entity')
      .whereNull('destroyed_at');
    return rows.map(row => ({
      name: row.name,
      repo: row.repo,
      catalogOwner: row.catalog_owner ?? null,
      catalogEntity: row.catalog_entity ?? null,
    }));
  }

  /**
   * Sets every app's catalog owner to what `owners` says (null where it says nothing), writing
   * only the rows that change, in one transaction.
   */
  async apply(
    apps: AppOwnership[],
    owners: Map<string, CatalogOwner>,
  ): Promise<CatalogOwnerChange[]> {
    const changes = apps.flatMap(app => {
      const next = owners.get(app.name);
      const owner = next?.owner ?? null;
      const entity = next?.entity ?? null;
      return owner === app.catalogOwner && entity === app.catalogEntity
        ? []
        : [{ app, owner, entity }];
    });
    if (!changes.length) return [];
    await this.knex.transaction(async trx => {
      for (const { app, owner, entity } of changes) {
        await trx('slipway_apps').where({ name: app.name }).update({
          catalog_owner: owner,
          catalog_entity: entity,
          updated_at: now(),
        });
      }
    });
    return changes.map(({ app, owner }) => ({
      app: app.name,
      from: app.catalogOwner,
      to: owner,
    }));
  }
}

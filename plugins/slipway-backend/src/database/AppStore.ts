import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  App,
  AppState,
  AppTransition,
  canTransitionApp,
} from '@slipway/plugin-slipway-common';
import type { AppTransitionEvent } from '../changes/StoreChange';
import { Knex } from 'knex';
import { ChangeWriter, isUniqueViolation } from './ChangeWriter';
import { AppRow, appFromRow, now, transitionFromRow } from './rows';
import {
  applyListAccess,
  ListAccess,
  OwnerColumn,
  whereOwnerIs,
} from '../permissions/ownerFilter';

/**
 * An app's owner: its catalog Component's `spec.owner` when the catalog names one (see
 * CatalogOwnerSync), else the owner recorded at first deploy. Lists filter on this, and
 * `appFromRow` reads the same, so a list and a single check never disagree.
 */
export const APP_OWNER: OwnerColumn = {
  sql: 'coalesce(catalog_owner, owner)',
};

export type NewApp = {
  name: string;
  host: string;
  repo: string;
  ref: string | null;
  port: number;
  containerPort: number;
  healthPath: string;
  /** Build and resource settings: null clears one (a deploy states them all, every time). */
  context?: string | null;
  dockerfile?: string | null;
  memory?: string | null;
  cpus?: number | null;
  envNames: string[];
  initiator: string | null;
  /** Left as they are when undefined, so a redeploy without them keeps the catalog data. */
  owner?: string;
  description?: string;
};

/**
 * Apps and their state history. `transitionApp` is the one way an app's state changes; it and
 * an app's creation announce an `app.transition`.
 */
export class AppStore {
  private readonly knex: Knex;

  constructor(private readonly writer: ChangeWriter) {
    this.knex = writer.knex;
  }

  async getApp(name: string): Promise<App | undefined> {
    const row = await this.knex<AppRow>('slipway_apps').where({ name }).first();
    return row ? appFromRow(row) : undefined;
  }

  async requireApp(name: string): Promise<App> {
    const app = await this.getApp(name);
    if (!app) throw new NotFoundError(`No app named "${name}"`);
    return app;
  }

  /** The apps of these names (destroyed ones too), in one query: the permission resources. */
  async getAppsByName(names: string[]): Promise<App[]> {
    if (!names.length) return [];
    const rows = await this.knex<AppRow>('slipway_apps').whereIn('name', names);
    return rows.map(appFromRow);
  }

  /** Whether the app passes the caller's read access (destroyed apps too). */
  async isVisible(name: string, permission: ListAccess): Promise<boolean> {
    const query = this.knex<AppRow>('slipway_apps').where({ name }).first();
    applyListAccess(query, permission, APP_OWNER);
    return Boolean(await query);
  }

  async listApps(
    filter: {
      state?: AppState;
      host?: string;
      /** An entity ref; `group:x` and `group:default/x` name the same owner. */
      owner?: string;
      includeDestroyed?: boolean;
      /** What the caller may read, from the permission policy; all when undefined. */
      permission?: ListAccess;
    } = {},
  ): Promise<App[]> {
    const query = this.knex<AppRow>('slipway_apps').orderBy('name');
    applyListAccess(query, filter.permission, APP_OWNER);
    if (filter.state) query.where('state', filter.state);
    if (filter.host) query.where('host', filter.host);
    if (filter.owner) whereOwnerIs(query, filter.owner, APP_OWNER);
    if (!filter.includeDestroyed) query.whereNull('destroyed_at');
    return (await query).map(appFromRow);
  }

  /** The live app (if any) that holds a host port. */
  async appOnPort(host: string, port: number): Promise<App | undefined> {
    const row = await this.knex<AppRow>('slipway_apps')
      .where({ host, port })
      .whereNull('destroyed_at')
      .first();
    return row ? appFromRow(row) : undefined;
  }

  /**
   * Creates the app on its first deploy (state `pending`), or records a redeploy's new settings.
   * A port taken by another live app on the host is a 409.
   */
  async upsertAppForDeploy(app: NewApp): Promise<App> {
    const fields = {
      host: app.host,
      repo: app.repo,
      ref: app.ref,
      port: app.port,
      container_port: app.containerPort,
      health_path: app.healthPath,
      build_context: app.context ?? null,
      dockerfile: app.dockerfile ?? null,
      memory: app.memory ?? null,
      cpus: app.cpus ?? null,
      env_names: JSON.stringify(app.envNames),
      initiator: app.initiator,
      ...(app.owner !== undefined && { owner: app.owner }),
      ...(app.description !== undefined && { description: app.description }),
      updated_at: now(),
    };
    try {
      await this.writer.write(
        async trx => {
          const existing = await trx<AppRow>('slipway_apps')
            .where({ name: app.name })
            .first();
          if (!existing) {
            const at = now();
            await trx('slipway_apps').insert({
              name: app.name,
              ...fields,
              state: 'pending',
              state_reason: 'first deploy requested',
              consecutive_failures: 0,
              state_changed_at: at,
              created_at: at,
            });
            await trx('slipway_app_transitions').insert({
              app: app.name,
              from_state: null,
              to_state: 'pending',
              reason: 'first deploy requested',
              created_at: at,
            });
            const transition: AppTransitionEvent = {
              app: app.name,
              from: null,
              to: 'pending',
              reason: 'first deploy requested',
              deploymentId: null,
              at,
            };
            return {
              value: undefined,
              change: { kind: 'app.transition', transition },
            };
          }
          await trx('slipway_apps')
            .where({ name: app.name })
            .update({ ...fields, destroyed_at: null });
          return { value: undefined };
        },
        { transaction: true },
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        const holder = await this.appOnPort(app.host, app.port);
        throw new ConflictError(
          `port ${app.port} on host ${app.host} is already used by app "${
            holder?.name ?? 'another app'
          }"`,
        );
      }
      throw error;
    }
    return this.requireApp(app.name);
  }

  async markDestroyed(name: string): Promise<void> {
    await this.knex('slipway_apps').where({ name }).update({
      destroyed_at: now(),
      current_deployment_id: null,
      updated_at: now(),
    });
  }

  async setCurrentDeployment(
    name: string,
    deploymentId: string | null,
  ): Promise<void> {
    await this.knex('slipway_apps')
      .where({ name })
      .update({ current_deployment_id: deploymentId, updated_at: now() });
  }

  async setConsecutiveFailures(name: string, count: number): Promise<void> {
    await this.knex('slipway_apps')
      .where({ name })
      .update({ consecutive_failures: count });
  }

  /**
   * The one way an app's state changes: checked against the state machine, stored with its
   * time and reason, recorded in the history, then announced. Returns false when the app is
   * already in that state (nothing is recorded twice).
   */
  async transitionApp(
    name: string,
    to: AppState,
    reason: string,
    deploymentId?: string,
  ): Promise<boolean> {
    return this.writer.write(
      async trx => {
        const query = trx<AppRow>('slipway_apps').where({ name }).first();
        // SQLite serializes writers anyway and does not know FOR UPDATE.
        if (this.writer.postgres) query.forUpdate();
        const row = await query;
        if (!row) throw new NotFoundError(`No app named "${name}"`);
        if (row.state === to) return { value: false };
        if (!canTransitionApp(row.state, to)) {
          throw new ConflictError(
            `App "${name}" cannot go from ${row.state} to ${to}`,
          );
        }
        const at = now();
        await trx('slipway_apps')
          .where({ name })
          .update({
            state: to,
            state_reason: reason.slice(0, 1024),
            state_changed_at: at,
            updated_at: at,
            ...(to === 'running' ? { consecutive_failures: 0 } : {}),
          });
        await trx('slipway_app_transitions').insert({
          app: name,
          from_state: row.state,
          to_state: to,
          reason: reason.slice(0, 1024),
          deployment_id: deploymentId ?? null,
          created_at: at,
        });
        const transition: AppTransitionEvent = {
          app: name,
          from: row.state,
          to,
          reason,
          deploymentId: deploymentId ?? null,
          at,
        };
        return { value: true, change: { kind: 'app.transition', transition } };
      },
      { transaction: true },
    );
  }

  async listTransitions(name: string, limit = 50): Promise<AppTransition[]> {
    const rows = await this.knex('slipway_app_transitions')
      .where({ app: name })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(transitionFromRow);
  }
}

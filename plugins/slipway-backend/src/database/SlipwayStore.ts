import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  App,
  AppState,
  AppTransition,
  AppUptime,
  canTransitionApp,
  canTransitionDeployment,
  Deployment,
  DeploymentKind,
  DeploymentLogLine,
  DeploymentStatus,
  HealthSample,
} from '@slipway/plugin-slipway-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { eventOfChange } from '../events/events';
import type { OutboxWriter } from '../events/Outbox';
import { currentMigration } from './migrations';
import {
  AppRow,
  appFromRow,
  DeploymentRow,
  deploymentFromRow,
  healthSampleFromRow,
  logLineFromRow,
  now,
  toIso,
  transitionFromRow,
} from './rows';

/** A stored app state change, as later handed to the events outbox. */
export type AppTransitionEvent = AppTransition & { app: string };

export type TransitionListener = (event: AppTransitionEvent) => void;

/**
 * A write the store has made (committed), announced to its listeners: what the live events are
 * made of. One kind per kind of event, each announced from the one method that writes it.
 */
export type StoreChange =
  | { kind: 'app.transition'; transition: AppTransitionEvent }
  /** A deployment was created (`queued`) or changed status: the record after the change. */
  | { kind: 'deployment.status'; deployment: Deployment }
  | {
      kind: 'deployment.log';
      app: string;
      deploymentId: string;
      line: DeploymentLogLine;
    }
  | { kind: 'health.sample'; app: string; sample: HealthSample };

export type StoreChangeListener = (change: StoreChange) => void;

/** What a write stored, and the change it announces (if any). */
type Written<T> = { value: T; change?: StoreChange };

export type NewApp = {
  name: string;
  host: string;
  repo: string;
  ref: string | null;
  port: number;
  containerPort: number;
  healthPath: string;
  envNames: string[];
  initiator: string | null;
  /** Left as they are when undefined, so a redeploy without them keeps the catalog data. */
  owner?: string;
  description?: string;
};

const MAX_LOG_LINE = 8192;
/** Deployment -> app names remembered for log lines; a deployment's app never changes. */
const MAX_REMEMBERED_DEPLOYMENTS = 1000;

function isUniqueViolation(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error);
  return /unique|duplicate key/i.test(text);
}

/**
 * The spellings of one owner as a deploy may have stored it. Entity refs are case-insensitive
 * and the `default` namespace may be left out, so `group:default/Team` and `group:team` match.
 */
function ownerForms(owner: string): string[] {
  const match = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(owner.toLowerCase());
  if (!match) return [owner.toLowerCase()];
  const [, kind, namespace, name] = match;
  return !namespace || namespace === 'default'
    ? [`${kind}:${name}`, `${kind}:default/${name}`]
    : [`${kind}:${namespace}/${name}`];
}

/**
 * Slipway's persistence: hosts, apps, deployments and their logs, health, locks.
 *
 * Every write that makes an event goes through `write()`: with an outbox (NATS configured), the
 * event's row is stored in the same transaction as the change, so neither exists without the
 * other; listeners hear of the change once it is committed.
 */
export class SlipwayStore {
  private readonly listeners = new Set<StoreChangeListener>();
  private readonly appOfDeployment = new Map<string, string>();
  private readonly outbox?: OutboxWriter;
  private readonly postgres: boolean;

  constructor(
    private readonly knex: Knex,
    options: { outbox?: OutboxWriter } = {},
  ) {
    this.outbox = options.outbox;
    this.postgres = knex.client.config.client === 'pg';
  }

  /**
   * Runs a write that announces at most one change. In a transaction when there is an outbox
   * (or the write asks for one), with the change's event appended last; listeners and the
   * outbox's relay hear of it after the commit. Inside `work`, only `db` may be used: SQLite
   * has one connection, and it belongs to the transaction.
   */
  private async write<T>(
    work: (db: Knex | Knex.Transaction) => Promise<Written<T>>,
    options: { transaction?: boolean } = {},
  ): Promise<T> {
    const outbox = this.outbox;
    const run = async (db: Knex | Knex.Transaction) => {
      const written = await work(db);
      if (outbox && written.change)
        await outbox.append(
          db as Knex.Transaction,
          eventOfChange(written.change),
        );
      return written;
    };
    const written =
      outbox || options.transaction
        ? await this.knex.transaction(run)
        : await run(this.knex);
    if (written.change) {
      this.announce(written.change);
      outbox?.committed();
    }
    return written.value;
  }

  /** Whether the database answers, and at which migration it is. */
  async ping(): Promise<{ ok: boolean; migration?: string; error?: string }> {
    try {
      await this.knex.raw('select 1');
      return { ok: true, migration: await currentMigration(this.knex) };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  // ── hosts ──────────────────────────────────────────────────────────────

  /** Makes sure every configured host has a row (apps reference it). */
  async syncConfiguredHosts(
    hosts: {
      name: string;
      address: string | null;
      sshPort: number | null;
      user: string | null;
    }[],
  ) {
    for (const host of hosts) {
      const row = {
        name: host.name,
        source: 'config',
        state: 'ready',
        address: host.address,
        ssh_port: host.sshPort,
        ssh_user: host.user,
        updated_at: now(),
      };
      await this.knex('slipway_hosts')
        .insert({ ...row, created_at: now() })
        .onConflict('name')
        .merge(row);
    }
  }

  // ── locks ──────────────────────────────────────────────────────────────

  /**
   * Takes a named lock as a lease of `ttlMs`; false when someone else holds it, live or lapsed
   * (a lapsed lock is freed by reconcile once its job is settled, not taken over here).
   * Atomic through the primary key.
   */
  async tryLock(name: string, holder: string, ttlMs: number): Promise<boolean> {
    try {
      await this.knex('slipway_locks').insert({
        name,
        holder,
        acquired_at: now(),
        expires_at: new Date(Date.now() + ttlMs).toISOString(),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Extends the leases of the locks held by these jobs (the running jobs of one backend). */
  async renewLocks(holders: string[], ttlMs: number): Promise<void> {
    if (!holders.length) return;
    await this.knex('slipway_locks')
      .whereIn('holder', holders)
      .update({ expires_at: new Date(Date.now() + ttlMs).toISOString() });
  }

  async lockHolder(name: string): Promise<string | undefined> {
    const row = await this.knex('slipway_locks').where({ name }).first();
    return row?.holder;
  }

  /** True while `holder` holds `name` and its backend keeps renewing it. */
  async holdsLiveLock(name: string, holder: string): Promise<boolean> {
    const row = await this.knex('slipway_locks')
      .where({ name, holder })
      .first();
    return Boolean(
      row?.expires_at && new Date(toIso(row.expires_at)).getTime() > Date.now(),
    );
  }

  async unlock(name: string, holder: string): Promise<void> {
    await this.knex('slipway_locks').where({ name, holder }).delete();
  }

  /**
   * Locks left by a backend that died: their lease lapsed. Called by reconcile after it has
   * settled the jobs of its own kind, so `holders` are those it may free (deployments' or
   * provisioning jobs').
   */
  async releaseLapsedLocks(prefix: string): Promise<number> {
    return this.knex('slipway_locks')
      .where('name', 'like', `${prefix}%`)
      .andWhere(q =>
        q.whereNull('expires_at').orWhere('expires_at', '<', now()),
      )
      .delete();
  }

  // ── apps ───────────────────────────────────────────────────────────────

  async getApp(name: string): Promise<App | undefined> {
    const row = await this.knex<AppRow>('slipway_apps').where({ name }).first();
    return row ? appFromRow(row) : undefined;
  }

  async requireApp(name: string): Promise<App> {
    const app = await this.getApp(name);
    if (!app) throw new NotFoundError(`No app named "${name}"`);
    return app;
  }

  async listApps(
    filter: {
      state?: AppState;
      host?: string;
      /** An entity ref; `group:x` and `group:default/x` name the same owner. */
      owner?: string;
      includeDestroyed?: boolean;
    } = {},
  ): Promise<App[]> {
    const query = this.knex<AppRow>('slipway_apps').orderBy('name');
    if (filter.state) query.where('state', filter.state);
    if (filter.host) query.where('host', filter.host);
    if (filter.owner) {
      const forms = ownerForms(filter.owner);
      query.whereRaw(
        `lower(owner) in (${forms.map(() => '?').join(', ')})`,
        forms,
      );
    }
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
      env_names: JSON.stringify(app.envNames),
      initiator: app.initiator,
      ...(app.owner !== undefined && { owner: app.owner }),
      ...(app.description !== undefined && { description: app.description }),
      updated_at: now(),
    };
    try {
      await this.write(
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

  onTransition(listener: TransitionListener): () => void {
    return this.onChange(change => {
      if (change.kind === 'app.transition') listener(change.transition);
    });
  }

  /** Called after each announced write has committed; returns the way to stop listening. */
  onChange(listener: StoreChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure must not undo, or fail, a stored write.
      }
    }
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
    return this.write(
      async trx => {
        const query = trx<AppRow>('slipway_apps').where({ name }).first();
        // SQLite serializes writers anyway and does not know FOR UPDATE.
        if (this.postgres) query.forUpdate();
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

  // ── deployments ────────────────────────────────────────────────────────

  async createDeployment(opts: {
    id?: string;
    app: string;
    kind: DeploymentKind;
    initiator: string | null;
    request: object;
    image?: string | null;
    commitSha?: string | null;
  }): Promise<Deployment> {
    const id = opts.id ?? randomUUID();
    this.rememberApp(id, opts.app);
    return this.write(async db => {
      await db('slipway_deployments').insert({
        id,
        app: opts.app,
        kind: opts.kind,
        status: 'queued',
        initiator: opts.initiator,
        request: JSON.stringify(opts.request),
        image: opts.image ?? null,
        commit_sha: opts.commitSha ?? null,
        created_at: now(),
      });
      // Read back for the values as the database stores them (times), as the API returns them.
      const row = await db<DeploymentRow>('slipway_deployments')
        .where({ id })
        .first();
      const deployment = deploymentFromRow(row!);
      return {
        value: deployment,
        change: { kind: 'deployment.status', deployment },
      };
    });
  }

  private rememberApp(deploymentId: string, app: string) {
    if (this.appOfDeployment.size >= MAX_REMEMBERED_DEPLOYMENTS) {
      // Maps iterate in insertion order: the first key is the oldest.
      this.appOfDeployment.delete(this.appOfDeployment.keys().next().value!);
    }
    this.appOfDeployment.set(deploymentId, app);
  }

  /** The app of a deployment, read once per deployment rather than once per log line. */
  private async deploymentApp(id: string): Promise<string | undefined> {
    const known = this.appOfDeployment.get(id);
    if (known) return known;
    const row = await this.knex('slipway_deployments')
      .where({ id })
      .first('app');
    if (row) this.rememberApp(id, row.app);
    return row?.app;
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    const row = await this.knex<DeploymentRow>('slipway_deployments')
      .where({ id })
      .first();
    return row ? deploymentFromRow(row) : undefined;
  }

  async requireDeployment(id: string): Promise<Deployment> {
    const deployment = await this.getDeployment(id);
    if (!deployment) throw new NotFoundError(`No deployment with id "${id}"`);
    return deployment;
  }

  async listDeployments(app: string, limit = 50): Promise<Deployment[]> {
    const rows = await this.knex<DeploymentRow>('slipway_deployments')
      .where({ app })
      .orderBy('created_at', 'desc')
      .limit(limit);
    return rows.map(deploymentFromRow);
  }

  async listUnfinishedDeployments(): Promise<Deployment[]> {
    const rows = await this.knex<DeploymentRow>('slipway_deployments').whereIn(
      'status',
      ['queued', 'in_progress'],
    );
    return rows.map(deploymentFromRow);
  }

  async updateDeployment(
    id: string,
    patch: Partial<
      Pick<Deployment, 'commitSha' | 'image' | 'container' | 'diagnosis'>
    >,
  ): Promise<void> {
    const row: Record<string, unknown> = {};
    if (patch.commitSha !== undefined) row.commit_sha = patch.commitSha;
    if (patch.image !== undefined) row.image = patch.image;
    if (patch.container !== undefined) row.container = patch.container;
    if (patch.diagnosis !== undefined) row.diagnosis = patch.diagnosis;
    if (Object.keys(row).length)
      await this.knex('slipway_deployments').where({ id }).update(row);
  }

  /** Moves a deployment forward through its states; a backward move is a bug and throws. */
  async setDeploymentStatus(
    id: string,
    to: DeploymentStatus,
    diagnosis?: string,
  ): Promise<void> {
    await this.write(
      async trx => {
        const query = trx<DeploymentRow>('slipway_deployments')
          .where({ id })
          .first();
        // A check-and-set: a concurrent change (a cancel) waits for this one.
        if (this.postgres) query.forUpdate();
        const found = await query;
        if (!found) throw new NotFoundError(`No deployment with id "${id}"`);
        const current = deploymentFromRow(found);
        if (current.status === to) return { value: undefined };
        if (!canTransitionDeployment(current.status, to)) {
          throw new ConflictError(
            `Deployment ${id} cannot go from ${current.status} to ${to}`,
          );
        }
        const at = now();
        const row: Record<string, unknown> = { status: to };
        const after: Deployment = { ...current, status: to };
        if (to === 'in_progress') row.started_at = after.startedAt = at;
        if (to !== 'in_progress' && to !== 'queued')
          row.finished_at = after.finishedAt = at;
        if (diagnosis !== undefined)
          row.diagnosis = after.diagnosis = diagnosis;
        await trx('slipway_deployments').where({ id }).update(row);
        return {
          value: undefined,
          change: { kind: 'deployment.status', deployment: after },
        };
      },
      { transaction: true },
    );
  }

  async appendLog(
    deploymentId: string,
    stream: DeploymentLogLine['stream'],
    line: string,
  ): Promise<void> {
    const stored = {
      stream,
      line:
        line.length > MAX_LOG_LINE ? `${line.slice(0, MAX_LOG_LINE)}…` : line,
      createdAt: now(),
    };
    // Read before the write's transaction: SQLite's one connection is the transaction's then.
    const app =
      this.outbox || this.listeners.size
        ? await this.deploymentApp(deploymentId)
        : undefined;
    await this.write(async db => {
      const [inserted] = await db('slipway_deployment_logs')
        .insert({
          deployment_id: deploymentId,
          stream: stored.stream,
          line: stored.line,
          created_at: stored.createdAt,
        })
        .returning('id');
      if (!app) return { value: undefined };
      return {
        value: undefined,
        change: {
          kind: 'deployment.log',
          app,
          deploymentId,
          // The id is the one `GET /deployments/:id` pages with, so a client can join both.
          line: { id: Number(inserted?.id ?? inserted), ...stored },
        },
      };
    });
  }

  async getLogs(
    deploymentId: string,
    afterId = 0,
    limit = 5000,
  ): Promise<DeploymentLogLine[]> {
    const rows = await this.knex('slipway_deployment_logs')
      .where({ deployment_id: deploymentId })
      .andWhere('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    return rows.map(logLineFromRow);
  }

  // ── health ─────────────────────────────────────────────────────────────

  async recordHealthSample(
    app: string,
    sample: Omit<HealthSample, 'checkedAt'>,
  ): Promise<void> {
    const stored: HealthSample = {
      ok: sample.ok,
      latencyMs: sample.latencyMs,
      httpStatus: sample.httpStatus,
      error: sample.error?.slice(0, 1024) ?? null,
      checkedAt: now(),
    };
    await this.write(async db => {
      await db('slipway_health_samples').insert({
        app,
        ok: stored.ok,
        latency_ms: stored.latencyMs,
        http_status: stored.httpStatus,
        error: stored.error,
        checked_at: stored.checkedAt,
      });
      return {
        value: undefined,
        change: { kind: 'health.sample', app, sample: stored },
      };
    });
  }

  /**
   * The share of passing health checks since `since`, counted by the database (a day of samples
   * every 10 s is 8640 rows per app; none of them need to reach the backend).
   */
  async uptimeSince(app: string, since: Date): Promise<AppUptime> {
    const row = await this.knex('slipway_health_samples')
      .where({ app })
      .andWhere('checked_at', '>=', since.toISOString())
      .first(
        this.knex.raw('count(*) as samples'),
        // `ok` is a boolean on PostgreSQL and 0/1 on SQLite; CASE reads both.
        this.knex.raw('sum(case when ok then 1 else 0 end) as passed'),
      );
    const samples = Number(row?.samples ?? 0);
    return {
      ratio: samples ? Number(row.passed) / samples : null,
      samples,
    };
  }

  async listHealthSamples(app: string, limit = 50): Promise<HealthSample[]> {
    const rows = await this.knex('slipway_health_samples')
      .where({ app })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(healthSampleFromRow).reverse();
  }

  async pruneHealthSamples(olderThan: Date): Promise<number> {
    return this.knex('slipway_health_samples')
      .where('checked_at', '<', olderThan.toISOString())
      .delete();
  }
}

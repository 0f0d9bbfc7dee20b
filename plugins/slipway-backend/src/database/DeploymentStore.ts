import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  canTransitionDeployment,
  Deployment,
  DeploymentKind,
  DeploymentLogLine,
  DeploymentStatus,
} from '@slipway/plugin-slipway-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { ChangeWriter } from './ChangeWriter';
import { DeploymentRow, deploymentFromRow, logLineFromRow, now } from './rows';

const MAX_LOG_LINE = 8192;
/** Deployment -> app names remembered for log lines; a deployment's app never changes. */
const MAX_REMEMBERED_DEPLOYMENTS = 1000;

/**
 * Deployments (the jobs of apps) and their log lines. A deployment's creation and each status
 * change announce a `deployment.status`, each log line a `deployment.log`.
 */
export class DeploymentStore {
  private readonly knex: Knex;
  private readonly appOfDeployment = new Map<string, string>();

  constructor(private readonly writer: ChangeWriter) {
    this.knex = writer.knex;
  }

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
    return this.writer.write(async db => {
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

  /**
   * The images of the app's newest `limit` succeeded releases (deploys and rollbacks), newest
   * first: what image retention keeps. A rollback counts as a release of its image again.
   */
  async listReleasedImages(app: string, limit: number): Promise<string[]> {
    const rows = await this.knex<DeploymentRow>('slipway_deployments')
      .where({ app, status: 'succeeded' })
      .whereIn('kind', ['deploy', 'rollback'])
      .whereNotNull('image')
      .orderBy('created_at', 'desc')
      .limit(limit)
      .select('image');
    return rows.map(r => r.image!);
  }

  /** Another deployment of the app that succeeded with the image, or is running with it now. */
  async otherDeploymentWithImage(
    app: string,
    image: string,
    exceptId: string,
  ): Promise<Deployment | undefined> {
    const row = await this.knex<DeploymentRow>('slipway_deployments')
      .where({ app, image })
      .whereNot({ id: exceptId })
      .whereIn('status', ['succeeded', 'queued', 'in_progress'])
      .orderBy('created_at', 'desc')
      .first();
    return row ? deploymentFromRow(row) : undefined;
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
    await this.writer.write(
      async trx => {
        const query = trx<DeploymentRow>('slipway_deployments')
          .where({ id })
          .first();
        // A check-and-set: a concurrent change (a cancel) waits for this one.
        if (this.writer.postgres) query.forUpdate();
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
    const app = this.writer.announcing
      ? await this.deploymentApp(deploymentId)
      : undefined;
    await this.writer.write(async db => {
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
}

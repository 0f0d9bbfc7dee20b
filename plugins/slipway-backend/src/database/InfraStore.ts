import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { infraJobEvent } from '../changes/events';
import type { OutboxWriter } from '../changes/StoreChange';
import { now, toIso } from './rows';
import { applyListAccess, ListAccess } from '../permissions/ownerFilter';

export type HostState =
  | 'ready'
  | 'provisioning'
  | 'failed'
  | 'destroying'
  | 'destroyed';
export type InfraJobStatus =
  | 'queued'
  | 'in_progress'
  | 'succeeded'
  | 'failed'
  | 'cancelled';
export type PlanSummary = { add: number; change: number; remove: number };

export type HostRecord = {
  name: string;
  source: 'config' | 'provisioned';
  state: HostState;
  address: string | null;
  sshPort: number | null;
  sshUser: string | null;
  hostKey: string | null;
  owner: string | null;
  outputs: Record<string, unknown> | null;
  planSummary: PlanSummary | null;
  createdAt: string;
  updatedAt: string;
};

export type InfraJob = {
  id: string;
  host: string;
  kind: 'provision' | 'destroy';
  status: InfraJobStatus;
  planSummary: PlanSummary | null;
  diagnosis: string | null;
  initiator: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

const parse = <T>(text: string | null): T | null =>
  text ? (JSON.parse(text) as T) : null;
const isoOrNull = (v: unknown) =>
  v === null || v === undefined ? null : toIso(v);

function hostFromRow(row: any): HostRecord {
  return {
    name: row.name,
    source: row.source,
    state: row.state,
    address: row.address,
    sshPort: row.ssh_port === null ? null : Number(row.ssh_port),
    sshUser: row.ssh_user,
    hostKey: row.host_key,
    owner: row.owner,
    outputs: parse(row.outputs),
    planSummary: parse(row.plan_summary),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

function jobFromRow(row: any): InfraJob {
  return {
    id: row.id,
    host: row.host,
    kind: row.kind,
    status: row.status,
    planSummary: parse(row.plan_summary),
    diagnosis: row.diagnosis,
    initiator: row.initiator,
    createdAt: toIso(row.created_at),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
  };
}

/**
 * Persistence of provisioned hosts and their IaC jobs. With an outbox, a job's creation and each
 * change of its status store their `infra.job` event in the same transaction.
 */
export class InfraStore {
  private readonly outbox?: OutboxWriter;

  constructor(
    private readonly knex: Knex,
    options: { outbox?: OutboxWriter } = {},
  ) {
    this.outbox = options.outbox;
  }

  /** Runs a write of a job; with the outbox, in a transaction that also stores its event. */
  private async writeJob(
    id: string,
    work: (db: Knex | Knex.Transaction) => Promise<void>,
  ): Promise<void> {
    const outbox = this.outbox;
    if (!outbox) {
      await work(this.knex);
      return;
    }
    await this.knex.transaction(async trx => {
      await work(trx);
      // Read back for the host, kind and the times the write set.
      const row = await trx('slipway_infra_jobs').where({ id }).first();
      if (row) await outbox.append(trx, infraJobEvent(jobFromRow(row)));
    });
    outbox.committed();
  }

  /** Makes sure every configured host has a row (apps reference it). */
  async syncConfiguredHosts(
    hosts: {
      name: string;
      address: string | null;
      sshPort: number | null;
      user: string | null;
      owner?: string | null;
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
        owner: host.owner ?? null,
        updated_at: now(),
      };
      await this.knex('slipway_hosts')
        .insert({ ...row, created_at: now() })
        .onConflict('name')
        .merge(row);
    }
  }

  async getHost(name: string): Promise<HostRecord | undefined> {
    const row = await this.knex('slipway_hosts').where({ name }).first();
    return row ? hostFromRow(row) : undefined;
  }

  async requireHost(name: string): Promise<HostRecord> {
    const host = await this.getHost(name);
    if (!host) throw new NotFoundError(`No host named "${name}"`);
    return host;
  }

  async listHosts(
    filter: { source?: 'config' | 'provisioned'; state?: HostState } = {},
  ): Promise<HostRecord[]> {
    const query = this.knex('slipway_hosts').orderBy('name');
    if (filter.source) query.where('source', filter.source);
    if (filter.state) query.where('state', filter.state);
    return (await query).map(hostFromRow);
  }

  /** The hosts of these names, in one query: the permission resources. */
  async getHostsByName(names: string[]): Promise<HostRecord[]> {
    if (!names.length) return [];
    const rows = await this.knex('slipway_hosts').whereIn('name', names);
    return rows.map(hostFromRow);
  }

  /** The names of the hosts the caller may see, filtered by the database on the owner column. */
  async hostNamesVisible(
    permission: ListAccess,
    among?: string[],
  ): Promise<Set<string>> {
    const query = this.knex('slipway_hosts').select('name');
    if (among) query.whereIn('name', among);
    applyListAccess(query, permission);
    return new Set((await query).map((row: { name: string }) => row.name));
  }

  async countHostsOfOwner(owner: string): Promise<number> {
    const rows = await this.knex('slipway_hosts')
      .where({ owner, source: 'provisioned' })
      .whereNot('state', 'destroyed')
      .count({ n: '*' });
    return Number(rows[0].n);
  }

  /**
   * Claims a host name for provisioning. A name in use (configured, ready or being worked on)
   * is a 409; a destroyed or failed host may be provisioned again.
   */
  async claimForProvisioning(name: string, owner: string): Promise<void> {
    await this.knex.transaction(async trx => {
      const row = await trx('slipway_hosts').where({ name }).first();
      if (row && !['destroyed', 'failed'].includes(row.state)) {
        throw new ConflictError(
          `Host name "${name}" is already in use (${row.source}, ${row.state})`,
        );
      }
      const fields = {
        source: 'provisioned',
        state: 'provisioning',
        owner,
        updated_at: now(),
      };
      if (row) await trx('slipway_hosts').where({ name }).update(fields);
      else
        await trx('slipway_hosts').insert({
          name,
          ...fields,
          created_at: now(),
        });
    });
  }

  async setHostState(name: string, state: HostState): Promise<void> {
    await this.knex('slipway_hosts')
      .where({ name })
      .update({ state, updated_at: now() });
  }

  async registerHost(
    name: string,
    fields: {
      address: string;
      sshPort: number;
      sshUser: string;
      hostKey: string | null;
      outputs: Record<string, unknown>;
      planSummary: PlanSummary | null;
    },
  ): Promise<void> {
    await this.knex('slipway_hosts')
      .where({ name })
      .update({
        state: 'ready',
        address: fields.address,
        ssh_port: fields.sshPort,
        ssh_user: fields.sshUser,
        host_key: fields.hostKey,
        outputs: JSON.stringify(fields.outputs),
        plan_summary: fields.planSummary
          ? JSON.stringify(fields.planSummary)
          : null,
        updated_at: now(),
      });
  }

  async pinHostKey(name: string, hostKey: string): Promise<void> {
    await this.knex('slipway_hosts')
      .where({ name })
      .update({ host_key: hostKey, updated_at: now() });
  }

  async createJob(opts: {
    host: string;
    kind: InfraJob['kind'];
    initiator: string | null;
    request: object;
    id?: string;
  }) {
    const id = opts.id ?? randomUUID();
    await this.writeJob(id, async db => {
      await db('slipway_infra_jobs').insert({
        id,
        host: opts.host,
        kind: opts.kind,
        status: 'queued',
        initiator: opts.initiator,
        request: JSON.stringify(opts.request),
        created_at: now(),
      });
    });
    return (await this.getJob(id))!;
  }

  async getJob(id: string): Promise<InfraJob | undefined> {
    const row = await this.knex('slipway_infra_jobs').where({ id }).first();
    return row ? jobFromRow(row) : undefined;
  }

  async requireJob(id: string): Promise<InfraJob> {
    const job = await this.getJob(id);
    if (!job) throw new NotFoundError(`No provisioning job with id "${id}"`);
    return job;
  }

  async getJobRequest(id: string): Promise<object | undefined> {
    const row = await this.knex('slipway_infra_jobs')
      .where({ id })
      .first('request');
    return row ? JSON.parse(row.request) : undefined;
  }

  async listJobs(host: string, limit = 20): Promise<InfraJob[]> {
    const rows = await this.knex('slipway_infra_jobs')
      .where({ host })
      .orderBy('created_at', 'desc')
      .limit(limit);
    return rows.map(jobFromRow);
  }

  async listUnfinishedJobs(): Promise<InfraJob[]> {
    return (
      await this.knex('slipway_infra_jobs').whereIn('status', [
        'queued',
        'in_progress',
      ])
    ).map(jobFromRow);
  }

  async setJobStatus(
    id: string,
    status: InfraJobStatus,
    diagnosis?: string,
  ): Promise<void> {
    const row: Record<string, unknown> = { status };
    if (status === 'in_progress') row.started_at = now();
    if (!['queued', 'in_progress'].includes(status)) row.finished_at = now();
    if (diagnosis !== undefined) row.diagnosis = diagnosis;
    await this.writeJob(id, async db => {
      await db('slipway_infra_jobs').where({ id }).update(row);
    });
  }

  async setJobPlanSummary(id: string, summary: PlanSummary): Promise<void> {
    await this.knex('slipway_infra_jobs')
      .where({ id })
      .update({ plan_summary: JSON.stringify(summary) });
  }

  async appendLog(
    jobId: string,
    stream: 'system' | 'stdout' | 'stderr',
    line: string,
  ): Promise<void> {
    await this.knex('slipway_infra_job_logs').insert({
      job_id: jobId,
      stream,
      line: line.slice(0, 8192),
      created_at: now(),
    });
  }

  async getLogs(jobId: string, afterId = 0) {
    const rows = await this.knex('slipway_infra_job_logs')
      .where({ job_id: jobId })
      .andWhere('id', '>', afterId)
      .orderBy('id');
    return rows.map(r => ({
      id: Number(r.id),
      stream: r.stream,
      line: r.line,
      createdAt: toIso(r.created_at),
    }));
  }
}

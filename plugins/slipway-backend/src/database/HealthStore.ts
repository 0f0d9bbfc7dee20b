import { AppUptime, HealthSample } from '@slipway/plugin-slipway-common';
import { Knex } from 'knex';
import { ChangeWriter } from './ChangeWriter';
import { healthSampleFromRow, now } from './rows';

/**
 * The health monitor's samples: each one announces a `health.sample`; uptime is counted by the
 * database, and old samples are pruned.
 */
export class HealthStore {
  private readonly knex: Knex;

  constructor(private readonly writer: ChangeWriter) {
    this.knex = writer.knex;
  }

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
    await this.writer.write(async db => {
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

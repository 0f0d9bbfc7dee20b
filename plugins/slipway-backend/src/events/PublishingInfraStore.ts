import { Knex } from 'knex';
import { InfraJob, InfraJobStatus, InfraStore } from '../database/InfraStore';
import { infraJobEvent } from '../changes/events';
import { SlipwayEventBus } from './SlipwayEventBus';

/**
 * The InfraStore that publishes an `infra.job` event after each job is created or changes
 * status: the two writes every provisioning job's status goes through.
 */
export class PublishingInfraStore extends InfraStore {
  constructor(knex: Knex, private readonly bus: SlipwayEventBus) {
    super(knex);
  }

  override async createJob(
    opts: Parameters<InfraStore['createJob']>[0],
  ): Promise<InfraJob> {
    const job = await super.createJob(opts);
    this.bus.publish(infraJobEvent(job));
    return job;
  }

  override async setJobStatus(
    id: string,
    status: InfraJobStatus,
    diagnosis?: string,
  ): Promise<void> {
    await super.setJobStatus(id, status, diagnosis);
    // Read back for the host, kind and the times the write set.
    const job = await this.getJob(id);
    if (job) this.bus.publish(infraJobEvent(job));
  }
}

import { InfraStore } from '../database/InfraStore';

/** A provisioning job's log: lines in order, straight to the database. */
export class InfraLog {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: InfraStore,
    private readonly jobId: string,
  ) {}

  write(line: string, stream: 'system' | 'stdout' = 'system'): Promise<void> {
    this.pending = this.pending
      .then(() => this.store.appendLog(this.jobId, stream, line))
      .catch(() => undefined);
    return this.pending;
  }

  flush(): Promise<void> {
    return this.pending;
  }
}

import { LockStore } from '../database/LockStore';

/**
 * What deploy and provisioning jobs share: a named lock held by the job's id from the request
 * to the job's end (taken atomically in the database, so replicas agree), a background run
 * with an AbortSignal, and the bookkeeping to cancel, await and shut down jobs.
 */
/** How long a job's lock stays live without a renewal: a dead backend's jobs wait this long. */
export const DEFAULT_LOCK_TTL_MS = 30_000;

export class BackgroundJobs {
  private readonly controllers = new Map<string, AbortController>();
  private readonly jobs = new Map<string, Promise<void>>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly locks: LockStore,
    private readonly lockTtlMs: number = DEFAULT_LOCK_TTL_MS,
  ) {}

  /**
   * Renews the leases of this backend's running jobs, three times per TTL. A timer rather than
   * a scheduler task on purpose: it lives exactly as long as jobs run in this process, and a
   * missed beat is what tells other replicas this process is gone.
   */
  private beat() {
    if (this.jobs.size === 0) {
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      return;
    }
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      this.locks
        .renewLocks([...this.jobs.keys()], this.lockTtlMs)
        .catch(() => undefined);
    }, Math.max(100, Math.floor(this.lockTtlMs / 3)));
    this.heartbeat.unref();
  }

  /**
   * Takes `lock` for a new job id, lets `prepare` create the job's records (the lock is given
   * back if it throws), then runs the job in the background and returns the record at once.
   * `conflict` words the 409 for a lock held by another job (its holder id is passed).
   */
  async start<T extends { id: string }>(opts: {
    lock: string;
    conflict: (holder: string | undefined) => Promise<Error>;
    prepare: (
      id: string,
    ) => Promise<{ record: T; run: (signal: AbortSignal) => Promise<void> }>;
  }): Promise<T> {
    const id = crypto.randomUUID();
    if (!(await this.locks.tryLock(opts.lock, id, this.lockTtlMs))) {
      throw await opts.conflict(await this.locks.lockHolder(opts.lock));
    }
    let prepared;
    try {
      prepared = await opts.prepare(id);
    } catch (error) {
      await this.locks.unlock(opts.lock, id);
      throw error;
    }
    const controller = new AbortController();
    this.controllers.set(id, controller);
    const job = prepared.run(controller.signal).finally(async () => {
      this.controllers.delete(id);
      this.jobs.delete(id);
      this.beat();
      await this.locks.unlock(opts.lock, id);
    });
    this.jobs.set(id, job);
    this.beat();
    return prepared.record;
  }

  /** Aborts a running job; false when this backend does not run it. */
  cancel(id: string): boolean {
    const controller = this.controllers.get(id);
    if (!controller) return false;
    controller.abort(new Error('cancelled'));
    return true;
  }

  isRunning(id: string): boolean {
    return this.jobs.has(id);
  }

  async waitFor(id: string): Promise<void> {
    await this.jobs.get(id);
  }

  async shutdown(): Promise<void> {
    for (const controller of this.controllers.values()) {
      controller.abort(new Error('backend shutting down'));
    }
    await Promise.allSettled(this.jobs.values());
  }
}

import {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { LockStore } from '../database/LockStore';

/**
 * Why reconcile ended a job, in its diagnosis: the replica that settles a job is not always
 * the one that ran it, and the one that ran it may be gone for good.
 */
export const SETTLED_BY_THIS_REPLICA =
  "the job's backend stopped renewing its lock (it died or restarted); this replica settled the job";

/** A kind of job reconcile settles (app jobs, infra jobs), registered by its runner. */
export type ReconcileKind<J extends { id: string }> = {
  /** For the log: "deployments", "infra jobs". */
  name: string;
  /** The prefix of this kind's lock names: lapsed ones are released after each round. */
  lockPrefix: string;
  /** The lock the job holds while it runs (its holder is the job's id). */
  lockOf(job: J): string;
  /** The jobs the database has queued or in progress. */
  listUnfinished(): Promise<J[]>;
  /** Whether this process runs the job. */
  isRunningHere(id: string): boolean;
  /** Ends a job whose backend is gone: its record, its log and what it left on a host. */
  settle(job: J): Promise<void>;
};

/**
 * Settles jobs whose backend stopped renewing their lock: for each unfinished job that this
 * process does not run and whose lock's lease lapsed, the kind's `settle`, then the lock is
 * released. Jobs of live replicas are left alone. One mechanism for every kind of job.
 */
export class JobReconciler {
  private readonly kinds: ReconcileKind<{ id: string }>[] = [];
  private round: Promise<void> | undefined;

  constructor(
    private readonly locks: LockStore,
    private readonly options: { logger: LoggerService; lockTtlMs: number },
  ) {}

  register<J extends { id: string }>(kind: ReconcileKind<J>): void {
    this.kinds.push(kind);
  }

  /**
   * Runs at start and on a global schedule. A call while a round runs joins it: the startup
   * run and the scheduled one must not settle the same job twice.
   */
  reconcile(): Promise<void> {
    this.round ??= this.reconcileAll().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  /**
   * A round right after startup, not awaited (an unreachable host must not delay the backend's
   * start), and one on a global schedule: jobs whose backend died are settled by whichever
   * replica runs it, not only by the one that restarts, since a replica may never come back.
   */
  async schedule(
    scheduler: SchedulerService,
    lifecycle: LifecycleService,
  ): Promise<void> {
    lifecycle.addStartupHook(() => {
      this.reconcile().catch(error =>
        this.options.logger.error(
          `Reconciling unfinished jobs failed: ${error}`,
        ),
      );
    });
    await scheduler.scheduleTask({
      id: 'slipway-reconcile',
      scope: 'global',
      frequency: { seconds: Math.max(5, this.options.lockTtlMs / 2000) },
      timeout: { minutes: 5 },
      fn: () => this.reconcile(),
    });
  }

  /** Every kind gets its round, even when another one fails. */
  private async reconcileAll(): Promise<void> {
    const failures: string[] = [];
    for (const kind of this.kinds) {
      await this.reconcileKind(kind).catch(error =>
        failures.push(`${kind.name}: ${error}`),
      );
    }
    if (failures.length) throw new Error(failures.join('; '));
  }

  private async reconcileKind(kind: ReconcileKind<{ id: string }>) {
    for (const job of await kind.listUnfinished()) {
      if (kind.isRunningHere(job.id)) continue;
      // Another replica runs it while it keeps renewing the lock.
      const lock = kind.lockOf(job);
      if (await this.locks.holdsLiveLock(lock, job.id)) continue;
      await kind.settle(job);
      await this.locks.unlock(lock, job.id);
    }
    await this.locks.releaseLapsedLocks(kind.lockPrefix);
  }
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  App,
  Deployment,
  DeploymentKind,
  ValidDeployRequest,
} from '@slipway/plugin-slipway-common';
import {
  dockerRemoveContainer,
  dockerStart,
  HostConnection,
} from '@slipway/plugin-slipway-node';
import { SlipwayStores } from '../database/SlipwayStores';
import { HostRegistry } from '../hosts/HostRegistry';
import { probeHttp } from '../health/probe';
import { runDeployJob } from './deployJob';
import { listAppContainers } from '../hosts/containers';
import { JobContext, JobOutcome } from './JobContext';
import { GitAuth, GitCredentials } from './gitCredentials';
import { BackgroundJobs } from './BackgroundJobs';
import { JobLog } from './JobLog';
import { resolveCommit } from './resolveCommit';
import {
  runDestroyJob,
  runRedeployJob,
  runRestartJob,
  runRollbackJob,
} from './operateJobs';
import { DeploySettings } from './settings';

const appLock = (app: string) => `app:${app}`;

/** The deploy request a redeploy of `app` stands for, without the env values. */
export function redeployRequest(app: App, ref?: string): ValidDeployRequest {
  return {
    name: app.name,
    host: app.host,
    repo: app.repo,
    ref: ref ?? app.ref ?? undefined,
    port: app.port,
    container_port: app.containerPort,
    health_path: app.healthPath,
    env: {},
  };
}

const ENDINGS = {
  failed: 'Failed',
  rolled_back: 'Rolled back',
  cancelled: 'Cancelled',
} as const;

/**
 * Starts, runs and finishes jobs. A job holds its app's lock from the request until its end,
 * so a second job for the same app is a 409 naming the one in progress, while jobs of
 * different apps run side by side. Jobs run in the background; the caller gets the deployment
 * record at once and follows its log.
 */
export class JobRunner {
  private readonly jobs: BackgroundJobs;

  constructor(
    private readonly store: SlipwayStores,
    private readonly hosts: HostRegistry,
    private readonly settings: DeploySettings,
    private readonly logger: LoggerService,
    private readonly gitCredentials?: GitCredentials,
  ) {
    this.jobs = new BackgroundJobs(store.locks, settings.lockTtlMs);
  }

  /** The deployment id of the job that holds the app (in any replica), if one does. */
  async runningJobOf(appName: string): Promise<string | undefined> {
    return this.store.locks.lockHolder(appLock(appName));
  }

  async deploy(
    request: ValidDeployRequest,
    initiator: string | null,
  ): Promise<Deployment> {
    this.hosts.requireForRequest(request.host);
    const existing = await this.store.apps.getApp(request.name);
    if (existing && !existing.destroyedAt && existing.host !== request.host) {
      throw new ConflictError(
        `App "${request.name}" runs on host ${existing.host}; destroy it there before deploying it to ${request.host}`,
      );
    }
    return this.startDeploy(request, initiator);
  }

  /**
   * A new deploy of the app's recorded repo, ref (or `opts.ref`, which becomes the recorded
   * one), ports and health path, with the env values of its current container: Slipway never
   * stores them, so the job reads them on the host.
   */
  async redeploy(
    appName: string,
    initiator: string | null,
    opts: { ref?: string } = {},
  ): Promise<Deployment> {
    const app = await this.liveApp(appName);
    const request = redeployRequest(app, opts.ref);
    this.hosts.requireForRequest(request.host);
    return this.startDeploy(request, initiator, {
      envNames: app.envNames,
      redeployOf: app.currentDeploymentId,
    });
  }

  /**
   * The deploy job for a request. A redeploy has no env values yet (`request.env` is empty):
   * its job carries the values of `redeploy.envNames` over from the host.
   */
  private startDeploy(
    request: ValidDeployRequest,
    initiator: string | null,
    redeploy?: { envNames: string[]; redeployOf: string | null },
  ): Promise<Deployment> {
    return this.start(request.name, 'deploy', async holder => {
      const { env, ...withoutEnv } = request;
      const envNames = redeploy?.envNames ?? Object.keys(env).sort();
      const app = await this.store.apps.upsertAppForDeploy({
        name: request.name,
        host: request.host,
        repo: request.repo,
        ref: request.ref ?? null,
        port: request.port,
        containerPort: request.container_port,
        healthPath: request.health_path,
        envNames,
        initiator,
        owner: request.owner,
        description: request.description,
      });
      const deployment = await this.store.deployments.createDeployment({
        id: holder,
        app: app.name,
        kind: 'deploy',
        initiator,
        request: {
          ...withoutEnv,
          envNames,
          ...(redeploy && { redeployOf: redeploy.redeployOf }),
        },
      });
      const gitAuth = this.gitCredentials?.forRepo(request.repo);
      // Asked while the job connects to the host; undefined means "resolve it on the host".
      const knownCommit = this.settings.resolveRefOnBackend
        ? resolveCommit(request.repo, request.ref, gitAuth)
        : Promise.resolve(undefined);
      return {
        deployment,
        secrets: [...Object.values(env), ...(gitAuth?.secrets ?? [])],
        gitAuth,
        work: (ctx: JobContext) =>
          redeploy
            ? runRedeployJob(ctx, request, knownCommit)
            : runDeployJob(ctx, request, knownCommit),
      };
    });
  }

  async rollback(
    appName: string,
    initiator: string | null,
    toDeploymentId?: string,
  ): Promise<Deployment> {
    const app = await this.liveApp(appName);
    const history = await this.store.deployments.listDeployments(appName, 200);
    const target = toDeploymentId
      ? history.find(d => d.id === toDeploymentId)
      : history.find(
          d =>
            d.status === 'succeeded' &&
            d.image &&
            d.id !== app.currentDeploymentId &&
            d.kind !== 'destroy',
        );
    if (!target) {
      throw new ConflictError(
        toDeploymentId
          ? `App "${appName}" has no deployment ${toDeploymentId}`
          : `App "${appName}" has no earlier successful deployment to roll back to`,
      );
    }
    if (!target.image || !target.commitSha || target.status !== 'succeeded') {
      throw new ConflictError(
        `Deployment ${target.id} did not succeed with an image, so it cannot be rolled back to`,
      );
    }
    return this.start(appName, 'rollback', async holder => ({
      deployment: await this.store.deployments.createDeployment({
        id: holder,
        app: appName,
        kind: 'rollback',
        initiator,
        request: { rollbackTo: target.id },
        image: target.image,
        commitSha: target.commitSha,
      }),
      secrets: [],
      work: ctx =>
        runRollbackJob(ctx, {
          image: target.image!,
          commit: target.commitSha!,
          fromDeployment: target.id,
        }),
    }));
  }

  async restart(
    appName: string,
    initiator: string | null,
  ): Promise<Deployment> {
    await this.liveApp(appName);
    return this.simpleJob(appName, 'restart', initiator, runRestartJob);
  }

  async destroy(
    appName: string,
    initiator: string | null,
  ): Promise<Deployment> {
    await this.liveApp(appName);
    return this.simpleJob(appName, 'destroy', initiator, runDestroyJob);
  }

  /** Cancels a running job: its remote command is killed and the previous version restored. */
  cancel(deploymentId: string): boolean {
    return this.jobs.cancel(deploymentId);
  }

  /** Whether a job of this backend is still running (cleanup included). */
  isRunning(deploymentId: string): boolean {
    return this.jobs.isRunning(deploymentId);
  }

  /** Resolves when the job has finished (for tests and graceful shutdown). */
  async waitFor(deploymentId: string): Promise<void> {
    await this.jobs.waitFor(deploymentId);
  }

  async shutdown(): Promise<void> {
    await this.jobs.shutdown();
  }

  private async liveApp(name: string): Promise<App> {
    const app = await this.store.apps.requireApp(name);
    if (app.destroyedAt)
      throw new ConflictError(
        `App "${name}" was destroyed; deploy it again first`,
      );
    return app;
  }

  private simpleJob(
    appName: string,
    kind: DeploymentKind,
    initiator: string | null,
    work: (ctx: JobContext) => Promise<JobOutcome>,
  ): Promise<Deployment> {
    return this.start(appName, kind, async holder => ({
      deployment: await this.store.deployments.createDeployment({
        id: holder,
        app: appName,
        kind,
        initiator,
        request: {},
      }),
      secrets: [],
      work,
    }));
  }

  private async start(
    appName: string,
    kind: DeploymentKind,
    prepare: (holder: string) => Promise<{
      deployment: Deployment;
      secrets: string[];
      gitAuth?: GitAuth;
      work: (ctx: JobContext) => Promise<JobOutcome>;
    }>,
  ): Promise<Deployment> {
    const deployment = await this.jobs.start({
      lock: appLock(appName),
      // The lock holder is the running job's deployment id (its row may be a moment behind).
      conflict: async running => {
        const other = running
          ? await this.store.deployments.getDeployment(running)
          : undefined;
        return new ConflictError(
          other
            ? `App "${appName}" already has a ${
                other.kind
              } in progress: deployment ${other.id} (${other.status}, started ${
                other.startedAt ?? other.createdAt
              })`
            : `App "${appName}" already has a job in progress: deployment ${
                running ?? 'unknown'
              }`,
        );
      },
      prepare: async id => {
        const {
          deployment: record,
          secrets,
          work,
          gitAuth,
        } = await prepare(id);
        return {
          record,
          run: signal => this.run(record, secrets, work, signal, gitAuth),
        };
      },
    });
    this.logger.info(`Started ${kind} ${deployment.id} of app ${appName}`);
    return deployment;
  }

  private async run(
    deployment: Deployment,
    secrets: string[],
    work: (ctx: JobContext) => Promise<JobOutcome>,
    signal: AbortSignal,
    gitAuth?: GitAuth,
  ): Promise<void> {
    const log = new JobLog(this.store.deployments, deployment.id, secrets);
    let conn: HostConnection | undefined;
    let outcome: JobOutcome;
    let app = await this.store.apps.requireApp(deployment.app);
    try {
      await this.store.deployments.setDeploymentStatus(
        deployment.id,
        'in_progress',
      );
      await log.step(
        `${deployment.kind} ${deployment.id} of ${app.name} started by ${
          deployment.initiator ?? 'unknown'
        }`,
      );
      await log.step(`Connecting to host ${app.host}`);
      conn = await this.hosts.connect(app.host);
      outcome = await work({
        store: this.store,
        hosts: this.hosts,
        settings: this.settings,
        deployment,
        app,
        conn,
        log,
        signal,
        gitAuth,
      });
    } catch (error) {
      const message = log.redact((error as Error).message ?? String(error));
      outcome = signal.aborted
        ? { status: 'cancelled', diagnosis: `cancelled: ${message}` }
        : { status: 'failed', diagnosis: message };
    }
    try {
      app = await this.store.apps.requireApp(deployment.app);
      // The outcome is recorded first: users wait for it, not for the cleanup after it.
      await this.finish(deployment, app, outcome, log);
      // The app is free for the next job as soon as the outcome is recorded; cleanup is
      // best-effort and tolerates a job that starts meanwhile.
      await this.store.locks.unlock(appLock(app.name), deployment.id);
      if (outcome.status === 'succeeded' && outcome.afterwards) {
        await outcome
          .afterwards()
          .catch(error =>
            log.step(`Cleanup failed (harmless): ${error.message}`),
          );
      }
    } finally {
      await log.flush();
      await conn?.close().catch(() => undefined);
    }
  }

  private async finish(
    deployment: Deployment,
    app: App,
    outcome: JobOutcome,
    log: JobLog,
  ): Promise<void> {
    try {
      if (outcome.status === 'succeeded') {
        await log.step(`Succeeded: ${outcome.summary}`);
        await this.store.deployments.setDeploymentStatus(
          deployment.id,
          'succeeded',
        );
        if (deployment.kind === 'destroy') {
          await this.store.apps.markDestroyed(app.name);
        } else {
          if (deployment.kind !== 'restart')
            await this.store.apps.setCurrentDeployment(app.name, deployment.id);
          await this.store.apps.transitionApp(
            app.name,
            'running',
            `${deployment.kind} ${deployment.id} healthy: ${outcome.summary}`,
            deployment.id,
          );
        }
      } else {
        await log.step(`${ENDINGS[outcome.status]}: ${outcome.diagnosis}`);
        await this.store.deployments.setDeploymentStatus(
          deployment.id,
          outcome.status,
          outcome.diagnosis,
        );
        const noneServing = outcome.nothingServing || app.state === 'pending';
        if (
          noneServing &&
          deployment.kind !== 'destroy' &&
          app.state !== 'failed'
        ) {
          await this.store.apps.transitionApp(
            app.name,
            'failed',
            `${deployment.kind} ${deployment.id} ${outcome.status}: ${
              outcome.diagnosis.split('\n')[0]
            }`,
            deployment.id,
          );
        }
      }
    } catch (error) {
      this.logger.error(
        `Could not record the end of deployment ${deployment.id}: ${error}`,
      );
    } finally {
      await log.flush();
    }
  }

  /**
   * Deployments left `queued` or `in_progress` by a backend that died (their lock's lease
   * lapsed) are settled from the host's real containers (found by their labels), and their
   * locks released. Jobs of live replicas are left alone. Runs at start and on a schedule.
   */
  private reconciling: Promise<void> | undefined;

  async reconcile(): Promise<void> {
    // The startup hook and the scheduled round must not settle the same job twice.
    this.reconciling ??= this.reconcileOnce().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    for (const deployment of await this.store.deployments.listUnfinishedDeployments()) {
      if (this.jobs.isRunning(deployment.id)) continue;
      // Another replica runs it while it keeps renewing the app's lock.
      if (
        await this.store.locks.holdsLiveLock(
          appLock(deployment.app),
          deployment.id,
        )
      )
        continue;
      const app = await this.store.apps.requireApp(deployment.app);
      const log = new JobLog(this.store.deployments, deployment.id);
      let diagnosis = 'the backend restarted during this job';
      let succeeded = false;
      let conn: HostConnection | undefined;
      try {
        conn = await this.hosts.connect(app.host);
        const containers = await listAppContainers(conn, app.name);
        const mine = containers.find(c => c.deployment === deployment.id);
        const probe = mine?.running
          ? await probeHttp(
              {
                address: this.hosts.probeAddress(app.host),
                port: app.port,
                path: app.healthPath,
              },
              this.settings.healthGate.probeTimeoutMs,
            )
          : undefined;
        if (mine && probe?.ok && deployment.kind !== 'destroy') {
          succeeded = true;
          for (const other of containers.filter(c => c.id !== mine.id)) {
            await conn.exec(dockerRemoveContainer(other.id), {
              allowFailure: true,
            });
          }
        } else {
          if (mine && deployment.kind === 'deploy') {
            await conn.exec(dockerRemoveContainer(mine.id), {
              allowFailure: true,
            });
          }
          const serving = containers.find(c => c.running && c.id !== mine?.id);
          const previous = containers.find(
            c => c.deployment === app.currentDeploymentId && c.id !== mine?.id,
          );
          if (!serving && previous) {
            await conn.exec(dockerStart(previous.id), { allowFailure: true });
            diagnosis += `; restored the previous container ${previous.name}`;
          }
        }
      } catch (error) {
        diagnosis += `; could not read host ${app.host}: ${
          (error as Error).message
        }`;
      } finally {
        await conn?.close().catch(() => undefined);
      }
      await log.step(
        `Reconciled after a backend restart: ${
          succeeded ? 'the new container is running and healthy' : diagnosis
        }`,
      );
      if (deployment.status === 'queued')
        await this.store.deployments.setDeploymentStatus(
          deployment.id,
          'in_progress',
        );
      await this.finish(
        deployment,
        app,
        succeeded
          ? {
              status: 'succeeded',
              summary: 'reconciled after a backend restart',
            }
          : { status: 'failed', diagnosis },
        log,
      );
      await this.store.locks.unlock(appLock(app.name), deployment.id);
    }
    await this.store.locks.releaseLapsedLocks('app:');
  }
}

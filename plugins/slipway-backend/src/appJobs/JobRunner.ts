import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  App,
  Deployment,
  DeploymentKind,
  ValidDeployRequest,
} from '@slipway/plugin-slipway-common';
import { SlipwayStores } from '../database/SlipwayStores';
import { HostRegistry } from '../hosts/HostRegistry';
import { BackgroundJobs } from '../jobs/BackgroundJobs';
import { JobReconciler } from '../jobs/JobReconciler';
import { deployApp } from '../deploy/deployApp';
import { GitCredentials } from '../deploy/gitCredentials';
import { JobWork } from '../deploy/JobContext';
import { settleDeployment } from '../deploy/reconcile';
import { resolveCommit } from '../deploy/resolveCommit';
import { DeploySettings } from '../deploy/settings';
import { destroyApp } from '../operations/destroy';
import { redeployApp } from '../operations/redeploy';
import { restartApp } from '../operations/restart';
import { rollbackApp, rollbackTarget } from '../operations/rollback';
import { APP_LOCK_PREFIX, appLock } from '../jobs/lockNames';
import { AppJobDeps, PreparedJob, runAppJob } from './runJob';

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
    ...(app.context && { context: app.context }),
    ...(app.dockerfile && { dockerfile: app.dockerfile }),
    ...(app.memory && { memory: app.memory }),
    ...(app.cpus && { cpus: app.cpus }),
  };
}

/**
 * Starts, runs and finishes jobs. A job holds its app's lock from the request until its end,
 * so a second job for the same app is a 409 naming the one in progress, while jobs of
 * different apps run side by side. Jobs run in the background; the caller gets the deployment
 * record at once and follows its log.
 */
export class JobRunner {
  private readonly jobs: BackgroundJobs;
  private readonly deps: AppJobDeps;

  constructor(
    private readonly store: SlipwayStores,
    private readonly hosts: HostRegistry,
    private readonly settings: DeploySettings,
    private readonly logger: LoggerService,
    private readonly reconciler: JobReconciler,
    private readonly gitCredentials?: GitCredentials,
  ) {
    this.jobs = new BackgroundJobs(store.locks, settings.lockTtlMs);
    this.deps = { store, hosts, settings, logger };
    reconciler.register({
      name: 'deployments',
      lockPrefix: APP_LOCK_PREFIX,
      lockOf: deployment => appLock(deployment.app),
      listUnfinished: () => store.deployments.listUnfinishedDeployments(),
      isRunningHere: id => this.jobs.isRunning(id),
      settle: deployment => settleDeployment(this.deps, deployment),
    });
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
        context: request.context,
        dockerfile: request.dockerfile,
        memory: request.memory,
        cpus: request.cpus,
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
        work: ctx =>
          redeploy
            ? redeployApp(ctx, request, knownCommit)
            : deployApp(ctx, request, knownCommit),
      };
    });
  }

  async rollback(
    appName: string,
    initiator: string | null,
    toDeploymentId?: string,
  ): Promise<Deployment> {
    const app = await this.liveApp(appName);
    const target = rollbackTarget(
      app,
      await this.store.deployments.listDeployments(appName, 200),
      toDeploymentId,
    );
    return this.start(appName, 'rollback', async holder => ({
      deployment: await this.store.deployments.createDeployment({
        id: holder,
        app: appName,
        kind: 'rollback',
        initiator,
        request: { rollbackTo: target.fromDeployment },
        image: target.image,
        commitSha: target.commit,
      }),
      secrets: [],
      work: ctx => rollbackApp(ctx, target),
    }));
  }

  async restart(
    appName: string,
    initiator: string | null,
  ): Promise<Deployment> {
    await this.liveApp(appName);
    return this.simpleJob(appName, 'restart', initiator, restartApp);
  }

  async destroy(
    appName: string,
    initiator: string | null,
  ): Promise<Deployment> {
    await this.liveApp(appName);
    return this.simpleJob(appName, 'destroy', initiator, destroyApp);
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
    work: JobWork,
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
    prepare: (holder: string) => Promise<PreparedJob>,
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
        const job = await prepare(id);
        return {
          record: job.deployment,
          run: signal => runAppJob(this.deps, job, signal),
        };
      },
    });
    this.logger.info(`Started ${kind} ${deployment.id} of app ${appName}`);
    return deployment;
  }

  /**
   * Settles the jobs of backends that stopped renewing their locks (app and infra jobs alike:
   * one round of the JobReconciler). Runs at start and on a schedule.
   */
  async reconcile(): Promise<void> {
    await this.reconciler.reconcile();
  }
}

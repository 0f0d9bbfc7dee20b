import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ValidProvisionRequest } from '@slipway/plugin-slipway-common';
import { IacOutputs, IacTool } from '@slipway/plugin-slipway-node';
import { HostRecord, InfraJob, InfraStore } from '../database/InfraStore';
import { SlipwayStores } from '../database/SlipwayStores';
import { HostRegistry } from '../hosts/HostRegistry';
import { BackgroundJobs } from '../jobs/BackgroundJobs';
import { JobReconciler, SETTLED_BY_THIS_REPLICA } from '../jobs/JobReconciler';
import { InfraLog } from './InfraLog';
import { moduleVariables } from './rootModule';
import { remoteStateRefusal, StateMissingError } from './remoteState';
import { initWorkDir } from './workDir';
import type { InfraSettings } from './InfraSettings';
import { HOST_LOCK_PREFIX, hostLock } from '../jobs/lockNames';

export type { InfraSettings } from './InfraSettings';

function outputString(outputs: IacOutputs, name: string): string | undefined {
  const value = outputs[name]?.value;
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * Provision and destroy jobs: like deploy jobs they have a record, a log and a lock (per host
 * name), run in the background, and are settled by the JobReconciler when their backend dies.
 */
export class InfraRunner {
  private readonly jobs: BackgroundJobs;

  constructor(
    private readonly infra: InfraStore,
    private readonly store: SlipwayStores,
    private readonly hosts: HostRegistry,
    private readonly tool: IacTool,
    private readonly settings: InfraSettings,
    private readonly logger: LoggerService,
    reconciler: JobReconciler,
    lockTtlMs?: number,
  ) {
    this.jobs = new BackgroundJobs(store.locks, lockTtlMs);
    const refusal = remoteStateRefusal(settings);
    if (refusal) logger.warn(refusal);
    reconciler.register({
      name: 'infra jobs',
      lockPrefix: HOST_LOCK_PREFIX,
      lockOf: job => hostLock(job.host),
      listUnfinished: () => infra.listUnfinishedJobs(),
      isRunningHere: id => this.jobs.isRunning(id),
      settle: job => this.settle(job),
    });
  }

  /** A 503 when this configuration may not provision at all (a dry run answers the same). */
  assertMayProvision(): void {
    const refusal = remoteStateRefusal(this.settings);
    if (refusal) throw new ServiceUnavailableError(refusal);
  }

  async provision(
    request: ValidProvisionRequest,
    initiator: string | null,
  ): Promise<InfraJob> {
    this.assertMayProvision();
    if (!this.settings.sshPublicKey) {
      throw new InputError(
        'Provisioning needs slipway.iac.sshPublicKey (and slipway.iac.sshPrivateKey) in app-config',
      );
    }
    if (
      this.hosts.has(request.name) &&
      this.hosts.sourceOf(request.name) === 'config'
    ) {
      throw new ConflictError(
        `Host name "${request.name}" is used by a host in app-config`,
      );
    }
    return this.start(request.name, async holder => {
      await this.infra.claimForProvisioning(request.name, request.owner);
      const job = await this.infra.createJob({
        id: holder,
        host: request.name,
        kind: 'provision',
        initiator,
        request,
      });
      return {
        job,
        work: (log, signal) => this.runProvision(job, request, log, signal),
      };
    });
  }

  async destroy(
    name: string,
    opts: { force: boolean },
    initiator: string | null,
  ): Promise<InfraJob> {
    const host = await this.infra.requireHost(name);
    if (host.source !== 'provisioned') {
      throw new ConflictError(
        `Host "${name}" comes from app-config; remove it there instead`,
      );
    }
    if (host.state === 'destroyed')
      throw new ConflictError(`Host "${name}" is already destroyed`);
    const liveApps = await this.store.apps.listApps({ host: name });
    if (liveApps.length && !opts.force) {
      throw new ConflictError(
        `Host "${name}" still runs ${liveApps.length} app(s): ${liveApps
          .map(a => a.name)
          .join(', ')}. Destroy them first, or pass force: true`,
      );
    }
    return this.start(name, async holder => {
      const job = await this.infra.createJob({
        id: holder,
        host: name,
        kind: 'destroy',
        initiator,
        request: { force: opts.force },
      });
      return {
        job,
        work: (log, signal) =>
          this.runDestroy(
            job,
            liveApps.map(a => a.name),
            log,
            signal,
          ),
      };
    });
  }

  cancel(jobId: string): boolean {
    return this.jobs.cancel(jobId);
  }

  async waitFor(jobId: string): Promise<void> {
    await this.jobs.waitFor(jobId);
  }

  async shutdown(): Promise<void> {
    await this.jobs.shutdown();
  }

  /**
   * A job whose backend stopped renewing its lock (see JobReconciler): failed with the reason,
   * the host marked `failed`. The IaC tool's state is kept, so a new run converges.
   */
  private async settle(job: InfraJob): Promise<void> {
    const log = new InfraLog(this.infra, job.id);
    await log.write(
      `Reconciled: ${SETTLED_BY_THIS_REPLICA}. The IaC run was interrupted; run it again to converge (the state is kept)`,
    );
    await this.infra.setJobStatus(job.id, 'failed', SETTLED_BY_THIS_REPLICA);
    await this.infra.setHostState(job.host, 'failed');
  }

  private async start(
    name: string,
    prepare: (holder: string) => Promise<{
      job: InfraJob;
      work: (log: InfraLog, signal: AbortSignal) => Promise<void>;
    }>,
  ): Promise<InfraJob> {
    const job = await this.jobs.start({
      lock: hostLock(name),
      conflict: async running =>
        new ConflictError(
          `Host "${name}" already has a provisioning job in progress: ${
            running ?? 'unknown'
          }`,
        ),
      prepare: async id => {
        const { job: record, work } = await prepare(id);
        return { record, run: signal => this.run(record, work, signal) };
      },
    });
    this.logger.info(`Started ${job.kind} ${job.id} of host ${name}`);
    return job;
  }

  private async run(
    job: InfraJob,
    work: (log: InfraLog, signal: AbortSignal) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const log = new InfraLog(this.infra, job.id);
    try {
      await this.infra.setJobStatus(job.id, 'in_progress');
      await log.write(
        `${job.kind} of host ${job.host} started by ${
          job.initiator ?? 'unknown'
        } with ${this.tool.name}`,
      );
      await work(log, signal);
      await log.write('Succeeded');
      await this.infra.setJobStatus(job.id, 'succeeded');
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      const status = signal.aborted ? 'cancelled' : 'failed';
      await log.write(
        `${status === 'cancelled' ? 'Cancelled' : 'Failed'}: ${message}`,
      );
      await this.infra.setJobStatus(job.id, status, message);
      // Without state nothing was touched: the host stays as it was.
      if (!(error instanceof StateMissingError))
        await this.infra.setHostState(job.host, 'failed');
    } finally {
      await log.flush();
      await this.hosts.refresh(this.infra);
    }
  }

  private async runProvision(
    job: InfraJob,
    request: ValidProvisionRequest,
    log: InfraLog,
    signal: AbortSignal,
  ) {
    const workDir = await initWorkDir(
      this.settings,
      this.tool,
      request.name,
      log,
      signal,
    );
    const variables = moduleVariables(request, this.settings.sshPublicKey!);
    const onProgress = (line: string) => void log.write(line, 'stdout');
    await log.write('Planning');
    const plan = await this.tool.plan({
      workDir,
      onProgress,
      signal,
      variables,
    });
    const summary = {
      add: plan.summary.add,
      change: plan.summary.change,
      remove: plan.summary.remove,
    };
    await this.infra.setJobPlanSummary(job.id, summary);
    await log.write(
      `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.remove} to destroy`,
    );
    await log.write('Applying the saved plan');
    await this.tool.apply(plan.planFile, {
      workDir,
      onProgress,
      signal,
      variables,
    });
    const outputs = await this.tool.outputs({ workDir, signal });

    const address =
      outputString(outputs, 'address') ??
      outputString(outputs, 'public_ip') ??
      outputString(outputs, 'private_ip');
    if (!address)
      throw new Error(
        'the module returned no address, public_ip or private_ip output',
      );
    const hostKey = outputString(outputs, 'host_key') ?? null;
    if (!hostKey && this.settings.hostKeyPinning === 'output') {
      throw new Error(
        'the module returned no host_key output to pin; set slipway.iac.hostKeyPinning: first-connection to pin the key of the first verified connection',
      );
    }
    // Sensitive outputs are never stored.
    const visible = Object.fromEntries(
      Object.entries(outputs).map(([key, output]) => [
        key,
        output.sensitive ? '(sensitive)' : output.value,
      ]),
    );
    await this.infra.registerHost(request.name, {
      address,
      sshPort: Number(outputs.ssh_port?.value ?? 22),
      sshUser: outputString(outputs, 'ssh_user') ?? 'slipway',
      hostKey,
      outputs: visible,
      planSummary: summary,
    });
    await log.write(
      `Registered host ${request.name} at ${address}${
        hostKey ? ' with its host key pinned' : ''
      }`,
    );
  }

  private async runDestroy(
    job: InfraJob,
    appNames: string[],
    log: InfraLog,
    signal: AbortSignal,
  ) {
    const before = await this.infra.requireHost(job.host);
    await this.infra.setHostState(job.host, 'destroying');
    const workDir = await initWorkDir(
      this.settings,
      this.tool,
      job.host,
      log,
      signal,
    );
    const jobs = await this.infra.listJobs(job.host, 50);
    const resources = await this.tool.stateResources({ workDir, signal });
    await log.write(`State: ${resources.length} resource(s)`);
    if (!resources.length && hadResources(before, jobs)) {
      // Nothing was touched: the host goes back to what it was.
      await this.infra.setHostState(job.host, before.state);
      throw new StateMissingError(job.host, this.settings, workDir);
    }
    const onProgress = (line: string) => void log.write(line, 'stdout');
    const original = jobs.find(j => j.kind === 'provision');
    const variables = original
      ? await this.variablesOf(original.id)
      : undefined;
    await this.tool.destroy({ workDir, onProgress, signal, variables });
    for (const app of appNames) {
      await this.store.apps.markDestroyed(app);
      await log.write(`App ${app} went with the host`);
    }
    await this.infra.setHostState(job.host, 'destroyed');
    await log.write(`Host ${job.host} destroyed and unregistered`);
  }

  private async variablesOf(
    provisionJobId: string,
  ): Promise<Record<string, unknown> | undefined> {
    const request = await this.infra.getJobRequest(provisionJobId);
    return request
      ? moduleVariables(
          request as ValidProvisionRequest,
          this.settings.sshPublicKey ?? '',
        )
      : undefined;
  }
}

/**
 * Whether the host ever had resources: it was registered from outputs, or a provision got as far
 * as a plan that adds some (an apply that failed halfway leaves some behind).
 */
function hadResources(host: HostRecord, jobs: InfraJob[]): boolean {
  return (
    host.address !== null ||
    jobs.some(j => j.kind === 'provision' && (j.planSummary?.add ?? 0) > 0)
  );
}

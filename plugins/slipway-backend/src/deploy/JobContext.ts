import { App, Deployment } from '@slipway/plugin-slipway-common';
import { HostConnection } from '@slipway/plugin-slipway-node';
import { SlipwayStores } from '../database/SlipwayStores';
import { HostRegistry } from '../hosts/HostRegistry';
import { JobLog } from '../jobs/JobLog';
import { GitAuth } from './gitCredentials';
import { DeploySettings } from './settings';

/** Everything a job step needs: one connection per job, reused by all its commands. */
export type JobContext = {
  store: SlipwayStores;
  hosts: HostRegistry;
  settings: DeploySettings;
  deployment: Deployment;
  app: App;
  conn: HostConnection;
  log: JobLog;
  signal: AbortSignal;
  /** For a private repo: the Authorization header git sends (from the integrations config). */
  gitAuth?: GitAuth;
};

/** A job's end: the deployment status and, for failures, the diagnosis in plain words. */
export type JobOutcome =
  | {
      status: 'succeeded';
      summary: string;
      /** Work that can wait until the outcome is recorded (cleanup), on the same connection. */
      afterwards?: () => Promise<void>;
    }
  | {
      status: 'failed' | 'rolled_back' | 'cancelled';
      diagnosis: string;
      /** True when no version of the app is left serving (the app is then `failed`). */
      nothingServing?: boolean;
    };

/** What a job does on its host once connected: a deploy, a restart, a destroy... */
export type JobWork = (ctx: JobContext) => Promise<JobOutcome>;

export function shortId(id: string): string {
  return id.replace(/-/g, '').slice(0, 12);
}

export function containerName(app: string, deploymentId: string): string {
  return `slipway-${app}-${shortId(deploymentId)}`;
}

export function imageRef(app: string, deploymentId: string): string {
  return `slipway/${app}:${shortId(deploymentId)}`;
}

import {
  App,
  AppState,
  AppStatusResponse,
  Deployment,
  DeployRequest,
  DeploymentLogLine,
} from '@slipway/plugin-slipway-common';
import { SlipwayEvent } from './events';

/**
 * A Docker host as `GET /api/slipway/hosts` describes it.
 *
 * @public
 */
export type SlipwayHost = {
  name: string;
  type: 'local' | 'ssh';
  source: 'config' | 'provisioned';
  address: string | null;
  sshPort: number | null;
  user: string | null;
  hostKeyPinned: boolean;
};

/**
 * An app with what the entity card shows of it (`GET /apps/:name/status`),
 * as the backend declares it.
 *
 * @public
 */
export type SlipwayAppStatus = AppStatusResponse;

/**
 * Filters of `GET /apps`.
 *
 * @public
 */
export type SlipwayAppFilter = {
  state?: AppState;
  host?: string;
  owner?: string;
};

/**
 * A deployment with its log so far (`GET /deployments/:id`).
 *
 * @public
 */
export type SlipwayDeploymentWithLog = {
  deployment: Deployment;
  log: DeploymentLogLine[];
};

/**
 * One line of `GET /deployments/:id?follow=true`.
 *
 * @public
 */
export type SlipwayDeploymentFollowMessage =
  | { type: 'deployment'; deployment: Deployment }
  | ({ type: 'log' } & DeploymentLogLine)
  | { type: 'end'; deployment: Deployment };

/**
 * The last lines of an app's current container (`GET /apps/:name/logs`).
 *
 * @public
 */
export type SlipwayContainerLogs = {
  /** The container's name, `null` when the app has no container. */
  container: string | null;
  lines: string[];
};

/**
 * What `POST /apps/deploy?dryRun=true` answers when the deploy would start: validation and
 * policy passed, the host is known, the port is free and no job holds the app.
 *
 * @public
 */
export type SlipwayDeployCheck = {
  dryRun: true;
  policy: 'passed';
  /** The request as the backend read it, defaults applied, env values left out. */
  request: Omit<DeployRequest, 'env'> & { envNames: string[] };
  /** Whether an app of this name exists (the deploy would replace its container). */
  existing: boolean;
  /** Where the app would answer. */
  url: string | null;
};

/**
 * How the event stream of {@link SlipwayApi.subscribe} is doing.
 *
 * @public
 */
export type SlipwayStreamStatus =
  | { state: 'connecting' }
  | { state: 'open' }
  | {
      /** The stream dropped or could not be opened; it reconnects by itself. */
      state: 'closed';
      error: Error;
      retryInMs: number;
    };

/**
 * Slipway's backend API as the frontend uses it.
 *
 * @public
 */
export interface SlipwayApi {
  listApps(filter?: SlipwayAppFilter): Promise<App[]>;
  getAppStatus(name: string): Promise<SlipwayAppStatus>;
  /** Newest first. */
  listDeployments(name: string): Promise<Deployment[]>;
  getDeployment(id: string): Promise<SlipwayDeploymentWithLog>;
  /**
   * Reads a deployment's record and log as they are written, until the
   * deployment ends (the promise then resolves) or `signal` aborts.
   */
  followDeployment(
    id: string,
    onMessage: (message: SlipwayDeploymentFollowMessage) => void,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  getAppLogs(
    name: string,
    options?: { tail?: number },
  ): Promise<SlipwayContainerLogs>;
  /** Starts a deploy (`POST /apps/deploy`): a new app, or new settings for one. */
  deploy(request: DeployRequest): Promise<Deployment>;
  /** The deploy's dry run: what the backend would refuse, without starting anything. */
  checkDeploy(request: DeployRequest): Promise<SlipwayDeployCheck>;
  /** Starts a deploy of the app's repo again, at `ref` or the app's ref. */
  redeploy(name: string, options?: { ref?: string }): Promise<Deployment>;
  restart(name: string): Promise<Deployment>;
  rollback(name: string, deploymentId: string): Promise<Deployment>;
  destroy(name: string): Promise<Deployment>;
  listHosts(): Promise<SlipwayHost[]>;
  /**
   * Listens to Slipway's events, of one app or (without `app`) of all apps.
   * The stream reconnects by itself with a growing delay; `onStatus` tells
   * when it drops and when it is back. Returns the function that stops it.
   */
  subscribe(
    app: string | undefined,
    onEvent: (event: SlipwayEvent) => void,
    onStatus?: (status: SlipwayStreamStatus) => void,
  ): () => void;
}

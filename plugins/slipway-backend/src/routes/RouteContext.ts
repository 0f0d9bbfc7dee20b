import {
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InfraStore } from '../database/InfraStore';
import { SlipwayStores } from '../database/SlipwayStores';
import { SlipwayEventBus } from '../events/SlipwayEventBus';
import { HostRegistry } from '../hosts/HostRegistry';
import { InfraRunner } from '../infra/InfraRunner';
import { JobRunner } from '../appJobs/JobRunner';
import { PolicyConfig } from '../policy/policy';
import { Access } from '../service/access';

/**
 * What `createRouter` serves: the parts `createSlipwayServices` returns, and the Backstage
 * services that say who is asking and whether they may.
 *
 * @alpha
 */
export type RouterOptions = {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /**
   * Where the rules of Slipway's resource types are registered, to judge a policy's conditions
   * on an app or host that does not exist yet and to filter lists; without it, Slipway's own
   * rules.
   */
  permissionsRegistry?: PermissionsRegistryService;
  store: SlipwayStores;
  /** Whether the database answers, for `GET /health`. */
  ping: () => Promise<{ ok: boolean; migration?: string; error?: string }>;
  hosts: HostRegistry;
  runner: JobRunner;
  /** Platform rules checked before anything changes. */
  policy: PolicyConfig;
  infra: InfraStore;
  infraRunner: InfraRunner;
  /** How often a followed job log looks for new lines; default 250 ms. */
  followPollMs?: number;
  /** The live events `GET /events` streams. */
  events: SlipwayEventBus;
  /** How often an event stream sends a `: ping` comment; default 15 s. */
  eventsPingMs?: number;
};

/** What every route file gets: the options, who may do what, and the follow interval. */
export type RouteContext = RouterOptions & {
  access: Access;
  followPollMs: number;
};

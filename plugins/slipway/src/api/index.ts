export { SlipwayClient, slipwayApiRef } from './SlipwayClient';
export type { SlipwayClientOptions } from './SlipwayClient';
export { SlipwayApiError, isNotAllowed, isNotFound } from './SlipwayApiError';
export { parseSlipwayEvent } from './events';
export type { SlipwayEvent, SlipwayEventType } from './events';
export type {
  SlipwayApi,
  SlipwayAppFilter,
  SlipwayAppStatus,
  SlipwayContainerLogs,
  SlipwayDeployCheck,
  SlipwayDeploymentFollowMessage,
  SlipwayDeploymentWithLog,
  SlipwayHost,
  SlipwayStreamStatus,
} from './types';

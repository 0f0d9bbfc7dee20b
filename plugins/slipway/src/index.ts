/**
 * Slipway's frontend plugin: the app card and the Deployments tab on catalog
 * entity pages, the Slipway page and the `SlipwayHostPicker` field of
 * software templates.
 *
 * @remarks
 *
 * This entry point is for the legacy frontend system; the new frontend system
 * uses the default export of `@slipway/plugin-slipway/alpha`.
 *
 * @packageDocumentation
 */
export {
  slipwayPlugin,
  EntitySlipwayStatusCard,
  EntitySlipwayDeploymentsContent,
  SlipwayPage,
  SlipwayHostPickerFieldExtension,
} from './plugin';
export { isSlipwayAvailable } from './isSlipwayAvailable';
export type { SlipwayStatusCardProps } from './components/SlipwayStatusCard';
export type { SlipwayDeploymentsContentProps } from './components/SlipwayDeploymentsContent';
export { SlipwayHostPickerFieldSchema } from './components/SlipwayHostPicker';
export type { SlipwayHostPickerUiOptions } from './components/SlipwayHostPicker';
export { SlipwayClient, SlipwayApiError, slipwayApiRef } from './api';
export type {
  SlipwayApi,
  SlipwayAppFilter,
  SlipwayAppStatus,
  SlipwayClientOptions,
  SlipwayContainerLogs,
  SlipwayDeployCheck,
  SlipwayDeploymentFollowMessage,
  SlipwayDeploymentWithLog,
  SlipwayEvent,
  SlipwayEventType,
  SlipwayHost,
  SlipwayStreamStatus,
} from './api';
export { useSlipwayApp } from './hooks/useSlipwayApp';
export type { SlipwayAppView } from './hooks/useSlipwayApp';
export type { FollowedDeployment } from './hooks/appState';
export { useSlipwayApps } from './hooks/useSlipwayApps';
export type { SlipwayAppsView } from './hooks/useSlipwayApps';
export type { SlipwayLiveMode, SlipwayLiveState } from './hooks/useSlipwayLive';
export type { SlipwayDisplayState } from './components/shared/StatusLabels';

/**
 * Slipway's frontend plugin: the app card on catalog entity pages and the
 * Slipway page.
 *
 * @remarks
 *
 * This entry point is for the legacy frontend system; the new frontend system
 * uses the default export of `@slipway/plugin-slipway/alpha`.
 *
 * @packageDocumentation
 */
export { slipwayPlugin, EntitySlipwayStatusCard, SlipwayPage } from './plugin';
export { isSlipwayAvailable } from './isSlipwayAvailable';
export type { SlipwayStatusCardProps } from './components/SlipwayStatusCard';

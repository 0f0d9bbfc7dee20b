/**
 * Slipway's frontend plugin: the app card on catalog entity pages, the
 * Slipway page and the `SlipwayHostPicker` field of software templates.
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
  SlipwayPage,
  SlipwayHostPickerFieldExtension,
} from './plugin';
export { isSlipwayAvailable } from './isSlipwayAvailable';
export type { SlipwayStatusCardProps } from './components/SlipwayStatusCard';
export { SlipwayHostPickerFieldSchema } from './components/SlipwayHostPicker';
export type {
  SlipwayHost,
  SlipwayHostPickerUiOptions,
} from './components/SlipwayHostPicker';

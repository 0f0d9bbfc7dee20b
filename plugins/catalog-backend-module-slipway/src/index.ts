/**
 * Catalog module of Slipway: reads `slipway-app` locations into Component entities.
 *
 * @packageDocumentation
 */
export { catalogModuleSlipwayApps as default } from './module';
export {
  SlipwayAppProcessor,
  SLIPWAY_APP_LOCATION_TYPE,
  SLIPWAY_UNKNOWN_OWNER,
} from './SlipwayAppProcessor';

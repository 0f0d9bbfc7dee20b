/**
 * Scaffolder actions of Slipway.
 *
 * @packageDocumentation
 */
export { scaffolderModuleSlipway as default } from './module';
export * from './actions';

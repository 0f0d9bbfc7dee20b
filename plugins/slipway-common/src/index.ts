/**
 * Shared by every Slipway package: request schemas and their rules, app and deployment states,
 * permissions and annotation keys.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './states';
export * from './permissions';
export * from './ownerRefs';
export * from './schemas';
export * from './api/types';
export * from './api/events';

export * from './quote';
export * from './labels';
export * from './git';
export * from './docker';
export { HOSTILE_STRINGS } from './hostileStrings';

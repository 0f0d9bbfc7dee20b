export * from './rules';
export * from './deploy';
export * from './provision';
export * from './errors';

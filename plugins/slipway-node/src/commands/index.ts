export * from './quote';
export * from './labels';
export * from './git';
export * from './docker';

/**
 * Node.js building blocks of Slipway: remote commands as data (pure builders and the one
 * quoting function), and later the host connections and IaC runners.
 *
 * @packageDocumentation
 */
export * from './commands';
export * from './connection';
export * from './iac';

/**
 * Node.js building blocks of Slipway: remote commands as data (pure builders and the one
 * quoting function), host connections (SSH and local) and the IaC runner (`TerraformRunner`
 * behind the `IacTool` interface), and the permission resources, rules and conditions of apps and
 * hosts (for the backend and for permission policies). Test support is not exported here: it lives in
 * `@slipway/test-harness`.
 *
 * @packageDocumentation
 */
export * from './commands';
export * from './connection';
export * from './iac';
export * from './permissions';

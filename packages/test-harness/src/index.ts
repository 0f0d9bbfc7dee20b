/**
 * Real parts for Slipway's tests: a Docker Engine, an sshd on loopback with throwaway keys,
 * the examples' base image built from Debian's busybox-static, and private Caddy, image
 * registry and NATS servers on loopback. Also the test support the packages share: the corpus
 * of hostile strings and the scripted Terraform stand-in.
 *
 * @packageDocumentation
 */
export {
  getHarness,
  startHarness,
  stopHarness,
  HARNESS_STATE_ENV,
} from './harness';
export type { Harness } from './harness';
export {
  TEST_LABEL,
  removeTestResources,
  removeLabelled,
  ensureDockerDaemon,
} from './docker';
export { BASE_IMAGE, ensureBaseImage } from './baseImage';
export { startSshd, stopSshd, sshArgs } from './sshd';
export type { SshServer } from './sshd';
export { run, waitFor, freePort } from './exec';
export { slipwayTestDatabaseIds, TEST_POSTGRES_ID } from './databases';
export { startGitServer, createTestRepo } from './gitServer';
export { startNatsServer } from './natsServer';
export type { NatsServer } from './natsServer';
export { startCaddy, caddyAdminRequest } from './caddy';
export type { CaddyServer } from './caddy';
export { startRegistry } from './registry';
export type { ImageRegistry } from './registry';
export type { GitServer, TestRepo } from './gitServer';
export {
  CHROMIUM,
  chromiumLaunchOptions,
  guestToken,
  harnessHost,
  startBackend,
  stopBackend,
} from './portal';
export type { RunningBackend } from './portal';
export { HOSTILE_STRINGS } from './hostileStrings';
export {
  TERRAFORM_STANDIN_LOG_ENV,
  TERRAFORM_STANDIN_PATH,
  TERRAFORM_STANDIN_SCENARIO_ENV,
  installTerraformStandIn,
} from './terraformStandIn';

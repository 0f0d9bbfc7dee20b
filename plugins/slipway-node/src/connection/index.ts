export * from './types';
export type { HostRef } from './errors';
export {
  HostConnectionError,
  HostUnreachableError,
  AuthenticationRefusedError,
  HostKeyMismatchError,
  HostKeyUnknownError,
  ConnectionFailedError,
  CommandFailedError,
  CommandTimeoutError,
  CommandCancelledError,
} from './errors';
export { fingerprint as hostKeyFingerprint } from './hostKey';
export { SshConnection } from './SshConnection';
export { LocalConnection } from './LocalConnection';
export { connectToHost } from './connect';

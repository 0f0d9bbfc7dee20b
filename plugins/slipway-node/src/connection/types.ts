import { Command } from '../commands';

/** Which stream a line of output came from. */
export type OutputStream = 'stdout' | 'stderr';

export type ExecOptions = {
  /** Called for every complete line of output as it arrives (without the newline). */
  onLine?: (stream: OutputStream, line: string) => void;
  /**
   * Written to the command's stdin, which is then closed. This is how secrets reach a host
   * (e.g. `docker run --env-file /dev/stdin`): never through argv, logs or files.
   */
  stdin?: string;
  /** Kill the command (its whole process group) after this long. Default: the connection's. */
  timeoutMs?: number;
  /** Aborting kills the command on the host (its whole process group) and rejects. */
  signal?: AbortSignal;
  /** Resolve with the exit code instead of rejecting when the command exits non-zero. */
  allowFailure?: boolean;
};

export type ExecResult = {
  exitCode: number;
  /** Output, bounded (the last 1 MiB of each stream). */
  stdout: string;
  stderr: string;
};

/**
 * A connection to one Docker host, opened once per job and reused for all its commands.
 * Commands are argv arrays; the connection quotes them with `toShell` and nothing else.
 */
export interface HostConnection {
  /** The host's name in Slipway. */
  readonly hostName: string;
  exec(command: Command, options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

export type SshHostConfig = {
  type: 'ssh';
  name: string;
  address: string;
  port: number;
  user: string;
  /** Private key material (OpenSSH or PEM). */
  privateKey: string;
  /** Pinned host public key, `ssh-ed25519 AAAA...`. */
  hostKey?: string;
  /** Local development only; logged as a warning at every connection. */
  insecureSkipHostKeyVerification?: boolean;
};

export type LocalHostConfig = { type: 'local'; name: string };

export type HostConfig = SshHostConfig | LocalHostConfig;

export type ConnectOptions = {
  /**
   * Trust on first use for a host without a pinned key: the presented key is accepted and
   * handed to this callback to be pinned. Never used for hosts from app-config.
   */
  pinOnFirstUse?: (keyLine: string) => void;
  /** Default per-command timeout. */
  commandTimeoutMs?: number;
  /** How long to wait for the SSH handshake and authentication. */
  readyTimeoutMs?: number;
  /** For the loud warning when host key verification is skipped. */
  logger?: { warn(message: string): void };
};

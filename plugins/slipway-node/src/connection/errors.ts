/**
 * Errors of host connections. Each failure a user can act on has its own class and `code`, so
 * that callers (and the UI) can tell "fix the network" from "pin the host key" from "the
 * command failed". Messages are sentences that name the host; they never contain key material
 * or anything written to a command's stdin.
 */

/** How a host is named in messages: `docker-1 (203.0.113.10:22)`. */
export type HostRef = { name: string; address?: string };

export function describeHost(host: HostRef): string {
  return host.address
    ? `Host ${host.name} (${host.address})`
    : `Host ${host.name}`;
}

export class HostConnectionError extends Error {
  readonly code: string;
  readonly hostName: string;

  constructor(
    host: HostRef,
    code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.hostName = host.name;
  }
}

export class HostUnreachableError extends HostConnectionError {
  constructor(host: HostRef, reason: string, options?: { cause?: unknown }) {
    super(
      host,
      'HOST_UNREACHABLE',
      `${describeHost(host)} is unreachable: ${reason}`,
      options,
    );
  }
}

export class AuthenticationRefusedError extends HostConnectionError {
  constructor(host: HostRef, user: string, options?: { cause?: unknown }) {
    super(
      host,
      'AUTHENTICATION_REFUSED',
      `${describeHost(
        host,
      )} refused the SSH key of user ${user}: check that its public key is in that user's authorized_keys on the host`,
      options,
    );
  }
}

export class HostKeyMismatchError extends HostConnectionError {
  readonly presentedFingerprint: string;
  readonly pinnedFingerprint: string;

  constructor(
    host: HostRef,
    fingerprints: { presented: string; pinned: string },
  ) {
    super(
      host,
      'HOST_KEY_MISMATCH',
      `${describeHost(host)} presented host key ${
        fingerprints.presented
      }, but ${fingerprints.pinned} is pinned for it. ` +
        'Either the host was reinstalled or someone is intercepting the connection: refusing to connect. ' +
        'If the host really changed, update slipway.hosts[].hostKey.',
    );
    this.presentedFingerprint = fingerprints.presented;
    this.pinnedFingerprint = fingerprints.pinned;
  }
}

export class HostKeyUnknownError extends HostConnectionError {
  readonly presentedKey: string;

  constructor(
    host: HostRef,
    presented: { keyLine: string; fingerprint: string },
  ) {
    super(
      host,
      'HOST_KEY_UNKNOWN',
      `${describeHost(
        host,
      )} has no pinned host key, so its identity cannot be verified: refusing to connect. ` +
        `It presented ${presented.fingerprint}. After checking that fingerprint on the host ` +
        '(`ssh-keygen -lf` on its /etc/ssh/ssh_host_*_key.pub files), pin it with ' +
        `slipway.hosts[].hostKey: "${presented.keyLine}"`,
    );
    this.presentedKey = presented.keyLine;
  }
}

/** A failure of the connection itself that none of the classes above describes. */
export class ConnectionFailedError extends HostConnectionError {
  constructor(host: HostRef, reason: string, options?: { cause?: unknown }) {
    super(
      host,
      'CONNECTION_FAILED',
      `${describeHost(host)}: ${reason}`,
      options,
    );
  }
}

export class CommandFailedError extends HostConnectionError {
  readonly exitCode: number;
  /** The last lines of stdout and stderr together, in the order they arrived. */
  readonly lastLines: string[];

  constructor(
    host: HostRef,
    program: string,
    exitCode: number,
    lastLines: string[],
  ) {
    const output = lastLines.length
      ? `. Last lines of output:\n${lastLines.join('\n')}`
      : ', without output';
    super(
      host,
      'COMMAND_FAILED',
      `Command ${program} failed on ${describeHost(
        host,
      )} with exit code ${exitCode}${output}`,
    );
    this.exitCode = exitCode;
    this.lastLines = lastLines;
  }
}

export class CommandTimeoutError extends HostConnectionError {
  readonly timeoutMs: number;

  constructor(host: HostRef, program: string, timeoutMs: number) {
    super(
      host,
      'COMMAND_TIMEOUT',
      `Command ${program} on ${describeHost(
        host,
      )} did not finish within ${formatDuration(timeoutMs)} and was killed`,
    );
    this.timeoutMs = timeoutMs;
  }
}

export class CommandCancelledError extends HostConnectionError {
  constructor(host: HostRef, program: string) {
    super(
      host,
      'COMMAND_CANCELLED',
      `Command ${program} on ${describeHost(host)} was cancelled and killed`,
    );
  }
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

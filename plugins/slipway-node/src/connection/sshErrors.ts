import {
  AuthenticationRefusedError,
  ConnectionFailedError,
  HostConnectionError,
  HostRef,
  HostUnreachableError,
} from './errors';

/** ssh2 marks where an error came from with `level`, and socket errors keep Node's `code`. */
type Ssh2Error = Error & { level?: string; code?: string };

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'its address was not found in DNS',
  EAI_AGAIN: 'DNS lookup failed, try again later',
};

/** Turns an ssh2 error before the connection was ready into one the user can act on. */
export function connectError(
  host: HostRef,
  user: string,
  readyTimeoutMs: number,
  error: Ssh2Error,
): HostConnectionError {
  const options = { cause: error };
  if (error.level === 'client-authentication') {
    return new AuthenticationRefusedError(host, user, options);
  }
  if (error.level === 'client-timeout') {
    return new HostUnreachableError(
      host,
      `no SSH handshake within ${readyTimeoutMs / 1000} s`,
      options,
    );
  }
  const reason = error.code ? NETWORK_REASONS[error.code] : undefined;
  if (reason) return new HostUnreachableError(host, reason, options);
  return new ConnectionFailedError(
    host,
    `the SSH connection failed: ${error.message}`,
    options,
  );
}

/** The connection dropped after it was ready, e.g. keepalives went unanswered. */
export function lostError(
  host: HostRef,
  error?: Ssh2Error,
): HostConnectionError {
  const reason =
    error?.level === 'client-timeout'
      ? 'the host stopped answering keepalives'
      : error?.message ?? 'the connection was closed';
  return new ConnectionFailedError(host, `lost the SSH connection: ${reason}`, {
    cause: error,
  });
}

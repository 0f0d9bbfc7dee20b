import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { HostKeyMismatchError, HostKeyUnknownError, HostRef } from './errors';

/** A host public key as the SSH wire format has it: the blob starts with its own type name. */
export type PublicKey = { type: string; blob: Buffer };

/** OpenSSH's form, as `ssh-keygen -lf` prints it: `SHA256:` and unpadded base64. */
export function fingerprint(blob: Buffer): string {
  const hash = createHash('sha256').update(blob).digest('base64');
  return `SHA256:${hash.replace(/=+$/, '')}`;
}

/** The key as a line for known_hosts or `slipway.hosts[].hostKey`. */
export function keyLine(key: PublicKey): string {
  return `${key.type} ${key.blob.toString('base64')}`;
}

export function keyFromBlob(blob: Buffer): PublicKey {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type =
    length > 0 && length + 4 <= blob.length
      ? blob.subarray(4, 4 + length).toString('latin1')
      : 'unknown';
  return { type, blob };
}

/** Parses `ssh-ed25519 AAAA... [comment]`. */
export function parsePinnedKey(host: HostRef, line: string): PublicKey {
  const [type, base64] = line.trim().split(/\s+/);
  const key =
    base64 && /^[A-Za-z0-9+/]+={0,2}$/.test(base64)
      ? keyFromBlob(Buffer.from(base64, 'base64'))
      : undefined;
  if (!key || key.type !== type) {
    // The value is not repeated: someone may have pasted a private key by mistake.
    throw new InputError(
      `Host ${host.name}: slipway.hosts[].hostKey is not an OpenSSH public key line such as "ssh-ed25519 AAAA..." (the first two fields of the host's /etc/ssh/ssh_host_ed25519_key.pub)`,
    );
  }
  return key;
}

/**
 * Offering only the pinned key's algorithms makes the server present that key: otherwise it
 * could present another of its keys (say ECDSA when ed25519 is pinned) and look like a mismatch.
 */
export function hostKeyAlgorithms(
  key: PublicKey,
): ServerHostKeyAlgorithm[] | undefined {
  switch (key.type) {
    case 'ssh-rsa':
      return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
    case 'ssh-ed25519':
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      return [key.type];
    default:
      return undefined;
  }
}

export type HostKeyPolicy = {
  host: HostRef;
  pinned?: PublicKey;
  insecureSkipHostKeyVerification?: boolean;
  /**
   * Trust on first use: with no pinned key, accept the presented one and hand it over to be
   * pinned for every later connection (for hosts Slipway provisioned itself).
   */
  pinOnFirstUse?: (keyLine: string) => void;
  logger?: { warn(message: string): void };
};

/** Undefined when the presented key is acceptable, else the error to give the user. */
export function checkHostKey(
  policy: HostKeyPolicy,
  presentedBlob: Buffer,
): HostKeyMismatchError | HostKeyUnknownError | undefined {
  const presented = keyFromBlob(presentedBlob);
  const { host, pinned } = policy;
  if (pinned) {
    return pinned.blob.equals(presented.blob)
      ? undefined
      : new HostKeyMismatchError(host, {
          presented: fingerprint(presented.blob),
          pinned: fingerprint(pinned.blob),
        });
  }
  if (policy.pinOnFirstUse) {
    policy.logger?.warn(
      `Host ${host.name} (${
        host.address
      }) has no pinned host key yet: pinning the key it presented, ${fingerprint(
        presented.blob,
      )}, for every later connection (slipway.iac.hostKeyPinning: first-connection)`,
    );
    policy.pinOnFirstUse(keyLine(presented));
    return undefined;
  }
  if (policy.insecureSkipHostKeyVerification) {
    policy.logger?.warn(
      `SECURITY WARNING: host key verification is DISABLED for host ${host.name} (${host.address}) ` +
        `by insecureSkipHostKeyVerification. Accepting the key it presented, ${fingerprint(
          presented.blob,
        )}, without checking it: anyone who can intercept this connection can impersonate the host ` +
        `and receive its secrets. Use this only for local development, and pin the key with ` +
        `slipway.hosts[].hostKey: "${keyLine(presented)}"`,
    );
    return undefined;
  }
  return new HostKeyUnknownError(host, {
    keyLine: keyLine(presented),
    fingerprint: fingerprint(presented.blob),
  });
}

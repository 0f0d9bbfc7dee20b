import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';
import { describeZodError, dnsLabel } from '@slipway/plugin-slipway-common';

const hostConfigSchema = z
  .object({
    name: dnsLabel('name'),
    type: z.enum(['ssh', 'local']).default('ssh'),
    address: z
      .string()
      .regex(/^[A-Za-z0-9.:-]+$/, 'address must be a DNS name or an IP address')
      .max(255)
      .optional(),
    port: z.number().int().min(1).max(65535).default(22),
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'user must be a POSIX user name')
      .default('slipway'),
    privateKey: z.string().optional(),
    privateKeyFile: z.string().optional(),
    hostKey: z
      .string()
      .regex(
        /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+$/,
        'hostKey must be a public key line such as "ssh-ed25519 AAAA..."',
      )
      .optional(),
    insecureSkipHostKeyVerification: z.boolean().default(false),
    owner: z
      .string()
      .regex(
        /^[a-z0-9_-]+:([a-z0-9_.-]+\/)?[a-z0-9_.-]+$/i,
        'owner must be an entity ref such as group:default/platform-team',
      )
      .optional(),
  })
  .strict()
  .superRefine((host, ctx) => {
    if (host.type !== 'ssh') return;
    if (!host.address)
      ctx.addIssue({
        code: 'custom',
        path: ['address'],
        message: 'address is required for an ssh host',
      });
    if (!host.privateKey && !host.privateKeyFile) {
      ctx.addIssue({
        code: 'custom',
        path: ['privateKey'],
        message: 'privateKey or privateKeyFile is required for an ssh host',
      });
    }
    if (!host.hostKey && !host.insecureSkipHostKeyVerification) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostKey'],
        message:
          'hostKey (the pinned host public key) is required for an ssh host',
      });
    }
  });

export type ConfiguredHost = z.output<typeof hostConfigSchema>;

/** A host as the API shows it: where it is, never how to log in. */
export type PublicHost = {
  name: string;
  type: 'ssh' | 'local';
  source: 'config' | 'provisioned';
  address: string | null;
  sshPort: number | null;
  user: string | null;
  hostKeyPinned: boolean;
  /** Who may act on the host besides admins; configured hosts without one are admins' only. */
  owner?: string | null;
};

export const DEFAULT_LOCAL_HOST: ConfiguredHost = hostConfigSchema.parse({
  name: 'local',
  type: 'local',
});

/**
 * Reads `slipway.hosts`. A mistake names the config key and the rule, so the backend refuses to
 * start with a message that says what to fix.
 */
export function readConfiguredHosts(config: Config): ConfiguredHost[] {
  const raw = config.getOptional<unknown[]>('slipway.hosts');
  if (raw === undefined) {
    return [DEFAULT_LOCAL_HOST];
  }
  const result = z.array(hostConfigSchema).safeParse(raw);
  if (!result.success) {
    const problems = describeZodError(result.error, raw).map(v => {
      const [index, ...rest] = v.field.split('.');
      return `slipway.hosts[${index}]${
        rest.length ? `.${rest.join('.')}` : ''
      }: ${v.message}`;
    });
    throw new InputError(
      `Invalid Slipway host configuration: ${problems.join('; ')}`,
    );
  }
  const names = new Set<string>();
  for (const host of result.data) {
    if (names.has(host.name)) {
      throw new InputError(
        `Invalid Slipway host configuration: slipway.hosts: the name "${host.name}" is used twice`,
      );
    }
    names.add(host.name);
  }
  return result.data;
}

export function toPublicHost(
  host: ConfiguredHost,
  source: PublicHost['source'] = 'config',
): PublicHost {
  return {
    name: host.name,
    type: host.type,
    source,
    address: host.type === 'ssh' ? host.address ?? null : null,
    sshPort: host.type === 'ssh' ? host.port : null,
    user: host.type === 'ssh' ? host.user : null,
    hostKeyPinned: Boolean(host.hostKey),
    owner: host.owner ?? null,
  };
}

/**
 * Where an app published on a host port answers. A local host's apps are on this machine; an
 * ssh host's on its address (the same address Slipway's health checks use).
 */
export function appUrlOn(
  host: ConfiguredHost | undefined,
  port: number,
): string | null {
  if (!host) return null;
  const address = host.type === 'ssh' ? host.address : 'localhost';
  if (!address) return null;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

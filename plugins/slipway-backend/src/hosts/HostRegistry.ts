import { InputError, NotFoundError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  connectToHost,
  HostConfig,
  HostConnection,
} from '@slipway/plugin-slipway-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfiguredHost } from './configuredHosts';

/** The hosts Slipway can deploy to, and how to reach each one. */
export class HostRegistry {
  private readonly hosts: Map<string, ConfiguredHost>;

  constructor(
    hosts: ConfiguredHost[],
    private readonly logger: LoggerService,
    private readonly commandTimeoutMs: number,
  ) {
    this.hosts = new Map(hosts.map(h => [h.name, h]));
  }

  list(): ConfiguredHost[] {
    return [...this.hosts.values()];
  }

  has(name: string): boolean {
    return this.hosts.has(name);
  }

  get(name: string): ConfiguredHost {
    const host = this.hosts.get(name);
    if (!host) throw new NotFoundError(`No host named "${name}"`);
    return host;
  }

  /** For a request: an unknown host is the caller's mistake (400), naming the known ones. */
  requireForRequest(name: string): ConfiguredHost {
    const host = this.hosts.get(name);
    if (!host) {
      throw new InputError(
        `host: no host named "${name}" (known hosts: ${
          [...this.hosts.keys()].join(', ') || 'none'
        })`,
      );
    }
    return host;
  }

  /** Where the backend reaches an app's published port on this host. */
  probeAddress(name: string): string {
    const host = this.get(name);
    return host.type === 'local' ? '127.0.0.1' : host.address!;
  }

  /** Build folder on the host: SSH commands start in the user's home, local ones do not. */
  workRoot(name: string, workDir: string): string {
    const host = this.get(name);
    if (host.type === 'local' && !path.isAbsolute(workDir))
      return path.join(os.homedir(), workDir);
    return workDir;
  }

  async connect(name: string): Promise<HostConnection> {
    return connectToHost(this.connectionConfig(this.get(name)), {
      commandTimeoutMs: this.commandTimeoutMs,
      logger: this.logger,
    });
  }

  private connectionConfig(host: ConfiguredHost): HostConfig {
    if (host.type === 'local') return { type: 'local', name: host.name };
    const privateKey =
      host.privateKey ?? fs.readFileSync(host.privateKeyFile!, 'utf8');
    return {
      type: 'ssh',
      name: host.name,
      address: host.address!,
      port: host.port,
      user: host.user,
      privateKey,
      hostKey: host.hostKey,
      insecureSkipHostKeyVerification: host.insecureSkipHostKeyVerification,
    };
  }
}

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
import type { InfraStore } from '../database/InfraStore';
import type { SlipwayInstrumentation } from '../instrumentation';
import { ConfiguredHost } from './configuredHosts';

/**
 * The hosts Slipway can deploy to, and how to reach each one: those of app-config, and those
 * registered by provisioning (ready ones only), reached with `slipway.iac.sshPrivateKey`.
 */
export class HostRegistry {
  private hosts: Map<string, ConfiguredHost>;
  private readonly provisionedNames = new Set<string>();

  constructor(
    private readonly configured: ConfiguredHost[],
    private readonly logger: LoggerService,
    private readonly commandTimeoutMs: number,
    private readonly provisionedPrivateKey?: string,
    /** `slipway.iac.hostKeyPinning: first-connection`: pin a provisioned host's key on first use. */
    private readonly pinProvisionedOnFirstUse = false,
    /** Instrumentation's wrapper around every connection (benchmarks); default none. */
    private readonly wrapConnection?: SlipwayInstrumentation['wrapConnection'],
  ) {
    this.hosts = new Map(configured.map(h => [h.name, h]));
  }

  list(): ConfiguredHost[] {
    return [...this.hosts.values()];
  }

  sourceOf(name: string): 'config' | 'provisioned' {
    return this.provisionedNames.has(name) ? 'provisioned' : 'config';
  }

  /** Reloads provisioned hosts from the database (another replica may have registered one). */
  private infra?: InfraStore;

  async refresh(infra: InfraStore): Promise<void> {
    this.infra = infra;
    const ready = await infra.listHosts({
      source: 'provisioned',
      state: 'ready',
    });
    const next = new Map(this.configured.map(h => [h.name, h]));
    this.provisionedNames.clear();
    for (const host of ready) {
      if (next.has(host.name) || !host.address) continue;
      this.provisionedNames.add(host.name);
      next.set(host.name, {
        name: host.name,
        type: 'ssh',
        address: host.address,
        port: host.sshPort ?? 22,
        user: host.sshUser ?? 'slipway',
        privateKey: this.provisionedPrivateKey,
        privateKeyFile: undefined,
        hostKey: host.hostKey ?? undefined,
        insecureSkipHostKeyVerification: false,
      });
    }
    this.hosts = next;
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
    if (this.wrapConnection)
      return this.wrapConnection(name, () => this.open(name));
    return this.open(name);
  }

  private async open(name: string): Promise<HostConnection> {
    const host = this.get(name);
    const firstUse =
      this.pinProvisionedOnFirstUse &&
      this.provisionedNames.has(name) &&
      !host.hostKey &&
      this.infra;
    return connectToHost(this.connectionConfig(host), {
      commandTimeoutMs: this.commandTimeoutMs,
      logger: this.logger,
      pinOnFirstUse: firstUse
        ? keyLine => {
            host.hostKey = keyLine;
            this.infra!.pinHostKey(name, keyLine).catch(error =>
              this.logger.error(
                `Could not store the pinned host key of ${name}: ${error}`,
              ),
            );
          }
        : undefined,
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

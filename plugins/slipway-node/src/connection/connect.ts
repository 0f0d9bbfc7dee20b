import { ConnectOptions, HostConfig, HostConnection } from './types';
import { LocalConnection } from './LocalConnection';
import { SshConnection } from './SshConnection';

/** Opens the connection a job uses for all of its commands on one host. */
export async function connectToHost(
  config: HostConfig,
  options: ConnectOptions = {},
): Promise<HostConnection> {
  if (config.type === 'local') {
    return new LocalConnection(config, options);
  }
  return SshConnection.connect(config, options);
}

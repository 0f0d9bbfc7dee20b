import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import path from 'node:path';
import { InfraSettings } from './InfraRunner';

/** `slipway.iac`: which binary, where the working directories live, which module, how state is kept. */
export function readInfraSettings(
  config: Config,
): InfraSettings & { binary: string } {
  const c = config.getOptionalConfig('slipway.iac');
  const backendConfigFiles =
    c?.getOptionalStringArray('backendConfigFiles') ?? [];
  return {
    binary: c?.getOptionalString('binary') ?? 'terraform',
    workDir: path.resolve(c?.getOptionalString('workDir') ?? '.data/iac'),
    modulePath: path.resolve(
      c?.getOptionalString('modulePath') ??
        path.join(
          resolvePackagePath('@slipway/plugin-slipway-backend'),
          '../../terraform/modules/docker-host',
        ),
    ),
    backendConfigFiles,
    remoteBackend: backendConfigFiles.length
      ? c?.getOptionalString('remoteBackend') ?? 's3'
      : undefined,
    sshPublicKey: c?.getOptionalString('sshPublicKey'),
    hostKeyPinning:
      (c?.getOptionalString(
        'hostKeyPinning',
      ) as InfraSettings['hostKeyPinning']) ?? 'first-connection',
  };
}

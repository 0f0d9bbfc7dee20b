import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { InfraSettings } from './InfraSettings';
import { BACKEND_TYPES } from './remoteState';

/**
 * `slipway.iac`: which binary, where the working directories live, which module, how state is
 * kept; and, from `NODE_ENV` and `slipway.replicas`, whether state must be remote.
 */
export function readInfraSettings(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): InfraSettings & { binary: string } {
  const c = config.getOptionalConfig('slipway.iac');
  const backendConfigFiles = (
    c?.getOptionalStringArray('backendConfigFiles') ?? []
  ).map(file => path.resolve(file));
  backendConfigFiles.forEach((file, i) => {
    if (!fs.existsSync(file)) {
      throw new Error(
        `slipway.iac.backendConfigFiles[${i}]: ${file} does not exist; give the path of a Terraform backend configuration file`,
      );
    }
  });
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
    backend: readBackend(c, backendConfigFiles),
    remoteStateRequiredBy: remoteStateRequiredBy(config, env),
    sshPublicKey: c?.getOptionalString('sshPublicKey'),
    hostKeyPinning:
      (c?.getOptionalString(
        'hostKeyPinning',
      ) as InfraSettings['hostKeyPinning']) ?? 'first-connection',
  };
}

function readBackend(
  c: Config | undefined,
  backendConfigFiles: string[],
): string | undefined {
  // `remoteBackend` is the key's earlier, undocumented name.
  const backend =
    c?.getOptionalString('backend') ??
    c?.getOptionalString('remoteBackend') ??
    (backendConfigFiles.length ? 's3' : undefined);
  if (backend !== undefined && !BACKEND_TYPES.includes(backend)) {
    throw new Error(
      `slipway.iac.backend: "${backend}" is not supported; use one of ${BACKEND_TYPES.join(
        ', ',
      )} (Slipway must give each host its own state within the backend, and knows how for these)`,
    );
  }
  return backend;
}

/** Why state must be remote (production, or replicas that do not share a disk), if it must. */
function remoteStateRequiredBy(
  config: Config,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const replicas = config.getOptionalNumber('slipway.replicas') ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new Error(
      `slipway.replicas: ${replicas} is not a number of replicas; give a whole number of 1 or more`,
    );
  }
  if (env.NODE_ENV === 'production') return 'NODE_ENV=production';
  if (replicas > 1) return `slipway.replicas: ${replicas}`;
  return undefined;
}

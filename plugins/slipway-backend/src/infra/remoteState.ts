import type { InfraSettings } from './InfraSettings';

/**
 * Where each host's state goes within a remote backend: one backend configuration serves every
 * host, so Slipway adds the per-host part itself (in the working directory's
 * `slipway-host.tfbackend`, passed after `slipway.iac.backendConfigFiles`, so it wins). A
 * backend type not listed here would put every host into one state, where provisioning one
 * host plans to destroy the others.
 */
const PER_HOST_STATE: Record<string, (host: string) => [string, string]> = {
  s3: host => ['key', `hosts/${host}.tfstate`],
  azurerm: host => ['key', `hosts/${host}.tfstate`],
  gcs: host => ['prefix', `hosts/${host}`],
  consul: host => ['path', `hosts/${host}`],
  // Host names are DNS labels (no underscore), so this mapping is one to one.
  pg: host => ['schema_name', `slipway_host_${host.replace(/-/g, '_')}`],
};

export const BACKEND_TYPES = ['local', ...Object.keys(PER_HOST_STATE)];

export const HOST_BACKEND_FILE = 'slipway-host.tfbackend';

/** The per-host backend setting (`key = "…"`), or undefined for local state. */
export function hostBackendSetting(
  backend: string | undefined,
  host: string,
): { key: string; value: string } | undefined {
  const entry = backend ? PER_HOST_STATE[backend] : undefined;
  if (!entry) return undefined;
  const [key, value] = entry(host);
  return { key, value };
}

export function isRemoteState(settings: Pick<InfraSettings, 'backend'>) {
  return Boolean(settings.backend && settings.backend !== 'local');
}

/**
 * Why provisioning is refused with this configuration, or undefined when it may run: state on
 * one replica's disk is invisible to the others and lost with the disk.
 */
export function remoteStateRefusal(
  settings: Pick<
    InfraSettings,
    'backend' | 'remoteStateRequiredBy' | 'workDir'
  >,
): string | undefined {
  if (!settings.remoteStateRequiredBy || isRemoteState(settings))
    return undefined;
  return (
    `Provisioning is refused: ${settings.remoteStateRequiredBy} requires remote Terraform state, ` +
    `and state would stay on this replica's disk (${settings.workDir}), where a destroy from ` +
    `another replica, or after the disk is gone, finds none. Set slipway.iac.backend ` +
    `(${BACKEND_TYPES.filter(t => t !== 'local').join(', ')}) and ` +
    `slipway.iac.backendConfigFiles in app-config`
  );
}

/** A destroy that found no state for a host that has resources: it would destroy nothing. */
export class StateMissingError extends Error {
  constructor(
    host: string,
    settings: Pick<InfraSettings, 'backend'>,
    workDir: string,
  ) {
    const setting = hostBackendSetting(settings.backend, host);
    const where = isRemoteState(settings)
      ? `the ${settings.backend} backend's state for this host (${
          setting ? `${setting.key} = ${setting.value}` : 'as configured'
        })`
      : `terraform.tfstate in ${workDir}`;
    super(
      `no Terraform state for host ${host}: refusing to report a destroy that did nothing ` +
        `(its instance may still be running). Restore the state (${where}) and run the destroy ` +
        `again${
          isRemoteState(settings)
            ? ''
            : ', and set slipway.iac.backend and slipway.iac.backendConfigFiles so that state outlives one replica'
        }`,
    );
    this.name = 'StateMissingError';
  }
}

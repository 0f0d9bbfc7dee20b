import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { ScaffolderField } from '@backstage/plugin-scaffolder-react/alpha';
import CircularProgress from '@material-ui/core/CircularProgress';
import InputAdornment from '@material-ui/core/InputAdornment';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { ChangeEvent, useEffect, useState } from 'react';
import { slipwayHostDeployPermission } from '@slipway/plugin-slipway-common';
import { slipwayApiRef, SlipwayHost } from '../../api';
import { SlipwayHostPickerProps } from './schema';

type HostsState =
  | { status: 'loading' }
  | { status: 'loaded'; hosts: SlipwayHost[]; deployable: Set<string> }
  | { status: 'failed'; error: Error };

/**
 * The hosts the user may deploy onto (`slipway.host.deploy` on each): a team's host takes
 * only its owners' apps. Without a permission API, or when it fails, every host counts:
 * the backend decides again at deploy time.
 */
async function deployableHosts(
  permissionApi: PermissionApi | undefined,
  hosts: SlipwayHost[],
): Promise<Set<string>> {
  if (!permissionApi) return new Set(hosts.map(h => h.name));
  const allowed = await Promise.all(
    hosts.map(host =>
      permissionApi
        .authorize({
          permission: slipwayHostDeployPermission,
          resourceRef: host.name,
        })
        .then(
          r => r.result === AuthorizeResult.ALLOW,
          () => true,
        ),
    ),
  );
  return new Set(hosts.filter((_, i) => allowed[i]).map(h => h.name));
}

function useSlipwayHosts(): HostsState {
  const api = useApi(slipwayApiRef);
  const permissionApi = useApiHolder().get(permissionApiRef);
  const [state, setState] = useState<HostsState>({ status: 'loading' });

  useEffect(() => {
    // The field can unmount (Back, another step) before the answer arrives.
    let unmounted = false;
    api.listHosts().then(
      async hosts => {
        const deployable = await deployableHosts(permissionApi, hosts);
        if (!unmounted) setState({ status: 'loaded', hosts, deployable });
      },
      error => {
        if (!unmounted) {
          setState({
            status: 'failed',
            error: error instanceof Error ? error : new Error(String(error)),
          });
        }
      },
    );
    return () => {
      unmounted = true;
    };
  }, [api, permissionApi]);

  return state;
}

/** What the secondary line of a host in the list says: where it is. */
export function describeHost(host: SlipwayHost): string {
  if (host.type === 'local') {
    return 'this machine';
  }
  return host.address ?? 'address unknown';
}

/**
 * The `SlipwayHostPicker` field of software templates: a choice among the
 * Docker hosts Slipway can deploy to.
 *
 * @remarks
 *
 * When the hosts cannot be loaded the field turns into a text input, so that a
 * user who knows the host's name is not blocked by the list.
 */
export const SlipwayHostPicker = (props: SlipwayHostPickerProps) => {
  const {
    onChange,
    schema: { title = 'Host', description = 'The Docker host the app runs on' },
    required,
    uiSchema,
    rawErrors,
    formData,
    idSchema,
    errors,
    disabled,
    readonly,
  } = props;
  const allowedHosts = uiSchema?.['ui:options']?.allowedHosts;
  const isDisabled = Boolean(disabled || readonly || uiSchema?.['ui:disabled']);
  const hasErrors = (rawErrors?.length ?? 0) > 0;
  const state = useSlipwayHosts();

  const hosts =
    state.status === 'loaded'
      ? state.hosts.filter(
          host => !allowedHosts || allowedHosts.includes(host.name),
        )
      : undefined;
  const deployable =
    state.status === 'loaded' ? state.deployable : new Set<string>();
  const usable = hosts?.filter(host => deployable.has(host.name));
  const onlyHost = usable?.length === 1 ? usable[0].name : undefined;

  useEffect(() => {
    if (onlyHost && !formData && !isDisabled) {
      onChange(onlyHost);
    }
  }, [onlyHost, formData, isDisabled, onChange]);

  const handleChange = (
    event: ChangeEvent<{ name?: string; value: unknown }>,
  ) => {
    const value = String(event.target.value ?? '');
    onChange(value ? value : undefined);
  };

  const common = {
    id: idSchema?.$id,
    label: title,
    required,
    variant: 'outlined' as const,
    margin: 'dense' as const,
  };

  let input: JSX.Element;
  if (state.status === 'loading') {
    input = (
      <TextField
        {...common}
        disabled
        value=""
        helperText="Loading the Slipway hosts…"
        InputProps={{
          endAdornment: (
            <InputAdornment position="end">
              <CircularProgress size={20} aria-label="Loading hosts" />
            </InputAdornment>
          ),
        }}
      />
    );
  } else if (state.status === 'failed') {
    input = (
      <TextField
        {...common}
        disabled={isDisabled}
        error={hasErrors}
        value={formData ?? ''}
        onChange={handleChange}
        helperText={`The hosts could not be loaded (${state.error.message}). Type the host's name instead.`}
        FormHelperTextProps={{ role: 'alert' }}
      />
    );
  } else {
    const hostList = hosts ?? [];
    // A value from the query string or an earlier step may name a host that
    // is not in the list; it stays visible so the user sees what is chosen.
    const unknownValue =
      formData && !hostList.some(host => host.name === formData)
        ? formData
        : undefined;
    let emptyText: string | undefined;
    if (hostList.length === 0) {
      emptyText = allowedHosts
        ? `None of the hosts this template allows (${allowedHosts.join(
            ', ',
          )}) is known to Slipway.`
        : 'Slipway has no hosts to deploy to yet.';
    }
    input = (
      <TextField
        {...common}
        select
        disabled={isDisabled || (hostList.length === 0 && !unknownValue)}
        error={hasErrors}
        value={formData ?? ''}
        onChange={handleChange}
        helperText={emptyText}
        SelectProps={{ renderValue: value => String(value) }}
      >
        {hostList.map(host => (
          <MenuItem
            key={host.name}
            value={host.name}
            disabled={!deployable.has(host.name)}
          >
            <ListItemText
              primary={host.name}
              secondary={
                deployable.has(host.name)
                  ? describeHost(host)
                  : `${describeHost(
                      host,
                    )} · another team's host: ask its owners`
              }
            />
          </MenuItem>
        ))}
        {unknownValue && (
          <MenuItem value={unknownValue}>
            <ListItemText
              primary={unknownValue}
              secondary="not among the available hosts"
            />
          </MenuItem>
        )}
      </TextField>
    );
  }

  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema?.['ui:description'] ?? description}
      required={required}
      disabled={isDisabled}
      errors={errors}
    >
      {input}
    </ScaffolderField>
  );
};

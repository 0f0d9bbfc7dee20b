import { FieldExtensionUiSchema } from '@backstage/plugin-scaffolder-react';
import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { useCallback, useState } from 'react';
import { EvaluatePermissionRequest } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { authorizeByResource } from '../../__testUtils__/permissions';
import { SlipwayClient, slipwayApiRef, SlipwayHost } from '../../api';
import {
  SlipwayHostPickerProps,
  SlipwayHostPickerUiOptions,
  slipwayHostPickerValidation,
} from './schema';
import { SlipwayHostPicker } from './SlipwayHostPicker';

const local: SlipwayHost = {
  name: 'local',
  type: 'local',
  source: 'config',
  address: null,
  sshPort: null,
  user: null,
  hostKeyPinned: false,
};
const docker1: SlipwayHost = {
  name: 'docker-1',
  type: 'ssh',
  source: 'config',
  address: '203.0.113.10',
  sshPort: 22,
  user: 'slipway',
  hostKeyPinned: true,
};
const docker2: SlipwayHost = {
  name: 'docker-2',
  type: 'ssh',
  source: 'provisioned',
  address: '198.51.100.7',
  sshPort: 22,
  user: 'ubuntu',
  hostKeyPinned: true,
};

const statusTexts: Record<number, string> = {
  200: 'OK',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

// Only what the picker reads of a fetch Response. A string body stands for
// one that is not JSON, such as a proxy's error page.
function response(status: number, body: unknown): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: statusTexts[status],
    json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
  } as unknown as Response;
}

async function renderPicker(options: {
  response: Response | Promise<Response>;
  uiOptions?: SlipwayHostPickerUiOptions;
  formData?: string;
  required?: boolean;
  rawErrors?: string[];
  /** The permission API's answers; without it, the app has no permission API. */
  authorize?: ReturnType<typeof authorizeByResource>;
}) {
  const fetch = jest.fn(async (_input: RequestInfo | URL) => options.response);
  const onChange = jest.fn();

  // Holds the value the way the scaffolder form does, so that what the picker
  // reports is what it shows next.
  const Form = () => {
    const [value, setValue] = useState(options.formData);
    const handleChange = useCallback((next: string | undefined) => {
      onChange(next);
      setValue(next);
    }, []);
    const props = {
      schema: { title: 'Host', type: 'string' },
      uiSchema: { 'ui:options': options.uiOptions },
      idSchema: { $id: 'root_host' },
      formData: value,
      required: options.required,
      rawErrors: options.rawErrors,
      onChange: handleChange,
    } as unknown as SlipwayHostPickerProps;
    return <SlipwayHostPicker {...props} />;
  };

  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          slipwayApiRef,
          // The real client over a fake fetch: the picker's requests and
          // error messages are the client's.
          new SlipwayClient({
            discoveryApi: {
              getBaseUrl: async (id: string) => `http://backend.test/api/${id}`,
            },
            fetchApi: { fetch },
          }),
        ],
        ...(options.authorize
          ? [
              [
                permissionApiRef,
                {
                  authorize: async (request: EvaluatePermissionRequest) => ({
                    result: options.authorize!(request),
                  }),
                },
              ] as const,
            ]
          : []),
      ]}
    >
      <Form />
    </TestApiProvider>,
  );
  return { fetch, onChange };
}

function hostSelect() {
  return screen.getByRole('button', { name: /Host/ });
}

async function openHostList() {
  fireEvent.mouseDown(await screen.findByRole('button', { name: /Host/ }));
  return screen.findAllByRole('option');
}

describe('SlipwayHostPicker', () => {
  it('lists the hosts from the backend with their address', async () => {
    const { fetch, onChange } = await renderPicker({
      response: response(200, { items: [local, docker1] }),
    });

    expect(fetch).toHaveBeenCalledWith('http://backend.test/api/slipway/hosts');
    const options = await openHostList();
    expect(options.map(option => option.textContent)).toEqual([
      'localthis machine',
      'docker-1203.0.113.10',
    ]);
    // With a choice to make, nothing is chosen for the user.
    expect(onChange).not.toHaveBeenCalled();
  });

  it('offers only the hosts the user may deploy onto, and says why the others are not', async () => {
    const authorize = authorizeByResource({
      local: ['slipway.host.deploy'],
    });
    const { onChange } = await renderPicker({
      response: response(200, { items: [local, docker1] }),
      authorize,
    });

    const options = await openHostList();
    expect(options.map(option => option.textContent)).toEqual([
      'localthis machine',
      "docker-1203.0.113.10 · another team's host: ask its owners",
    ]);
    expect(options[1]).toHaveAttribute('aria-disabled', 'true');
    expect(options[0]).not.toHaveAttribute('aria-disabled', 'true');
    expect(authorize.mock.calls.map(([r]) => r.resourceRef).sort()).toEqual([
      'docker-1',
      'local',
    ]);
    // The one host the user may use is chosen for them, as when it is the only one.
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('local'));
  });

  it('shows that the hosts are loading', async () => {
    await renderPicker({ response: new Promise<Response>(() => {}) });

    expect(screen.getByText('Loading the Slipway hosts…')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Loading hosts' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /Host/ })).toBeDisabled();
  });

  it('reports the chosen host name', async () => {
    const { onChange } = await renderPicker({
      response: response(200, { items: [local, docker1] }),
    });

    const options = await openHostList();
    fireEvent.click(options[1]);

    expect(onChange).toHaveBeenLastCalledWith('docker-1');
    await waitFor(() => expect(hostSelect()).toHaveTextContent('docker-1'));
  });

  it('selects the only host', async () => {
    const { onChange } = await renderPicker({
      response: response(200, { items: [docker1] }),
    });

    await waitFor(() => expect(onChange).toHaveBeenCalledWith('docker-1'));
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(hostSelect()).toHaveTextContent('docker-1');
  });

  it('keeps a value that is not among the hosts', async () => {
    const { onChange } = await renderPicker({
      response: response(200, { items: [local] }),
      formData: 'docker-9',
    });

    const options = await openHostList();
    expect(options.map(option => option.textContent)).toEqual([
      'localthis machine',
      'docker-9not among the available hosts',
    ]);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('lets the user type a host name when the hosts cannot be loaded', async () => {
    const { onChange } = await renderPicker({
      response: response(500, { error: { message: 'database is down' } }),
    });

    expect(await screen.findByRole('alert')).toHaveTextContent(
      "The hosts could not be loaded (database is down (HTTP 500 Internal Server Error)). Type the host's name instead.",
    );
    const input = screen.getByRole('textbox', { name: /Host/ });
    expect(input).toBeEnabled();

    fireEvent.change(input, { target: { value: 'docker-9' } });

    expect(onChange).toHaveBeenLastCalledWith('docker-9');
    expect(input).toHaveValue('docker-9');
  });

  it('says which status failed when the error has no message', async () => {
    await renderPicker({ response: response(502, '<html>Bad Gateway</html>') });

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The hosts could not be loaded (HTTP 502 Bad Gateway)',
    );
  });

  it('offers only the allowed hosts', async () => {
    const { onChange } = await renderPicker({
      response: response(200, { items: [local, docker1, docker2] }),
      uiOptions: { allowedHosts: ['docker-1', 'docker-2'] },
    });

    const options = await openHostList();
    expect(options.map(option => option.textContent)).toEqual([
      'docker-1203.0.113.10',
      'docker-2198.51.100.7',
    ]);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('selects the only allowed host', async () => {
    const { onChange } = await renderPicker({
      response: response(200, { items: [local, docker1, docker2] }),
      uiOptions: { allowedHosts: ['docker-2'] },
    });

    await waitFor(() => expect(onChange).toHaveBeenCalledWith('docker-2'));
    expect(hostSelect()).toHaveTextContent('docker-2');
  });

  it('says so when none of the allowed hosts exists', async () => {
    await renderPicker({
      response: response(200, { items: [local] }),
      uiOptions: { allowedHosts: ['docker-1'] },
    });

    expect(
      await screen.findByText(
        'None of the hosts this template allows (docker-1) is known to Slipway.',
      ),
    ).toBeInTheDocument();
    expect(hostSelect()).toHaveAttribute('aria-disabled', 'true');
  });

  it('marks the field as required and shows its errors', async () => {
    await renderPicker({
      response: response(200, { items: [local, docker1] }),
      required: true,
      rawErrors: ['is a required property'],
    });

    await screen.findByRole('button', { name: /Host/ });
    const label = document.querySelector('label[for="root_host"]');
    expect(label).toHaveTextContent('Host *');
    expect(label).toHaveClass('Mui-error');
  });
});

describe('slipwayHostPickerValidation', () => {
  function validate(value: string, uiOptions?: SlipwayHostPickerUiOptions) {
    const validation = createFieldValidation();
    slipwayHostPickerValidation(value, validation, {
      apiHolder: { get: () => undefined },
      formData: {},
      schema: {},
      uiSchema: { 'ui:options': uiOptions } as FieldExtensionUiSchema<
        string,
        SlipwayHostPickerUiOptions
      >,
    });
    return validation.__errors ?? [];
  }

  it('accepts a host name, and leaves an empty value to required', () => {
    expect(validate('docker-1')).toEqual([]);
    expect(validate('')).toEqual([]);
  });

  it('refuses a typed name that is not a DNS label', () => {
    expect(validate('Docker 1')).toEqual([
      "host must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit",
    ]);
  });

  it('refuses a host the template does not allow', () => {
    expect(
      validate('docker-9', { allowedHosts: ['docker-1', 'docker-2'] }),
    ).toEqual(['host must be one of docker-1, docker-2 (got "docker-9")']);
    expect(validate('docker-1', { allowedHosts: ['docker-1'] })).toEqual([]);
  });
});

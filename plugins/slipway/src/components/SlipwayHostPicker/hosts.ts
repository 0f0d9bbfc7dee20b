import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';

/**
 * A Docker host as `GET /api/slipway/hosts` describes it.
 *
 * @public
 */
export type SlipwayHost = {
  name: string;
  type: 'local' | 'ssh';
  source: 'config' | 'provisioned';
  address: string | null;
  sshPort: number | null;
  user: string | null;
  hostKeyPinned: boolean;
};

/** Lists the Docker hosts Slipway can deploy to, as the signed-in user. */
export async function fetchSlipwayHosts(apis: {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}): Promise<SlipwayHost[]> {
  const baseUrl = await apis.discoveryApi.getBaseUrl('slipway');
  const response = await apis.fetchApi.fetch(`${baseUrl}/hosts`);
  if (!response.ok) {
    throw new Error(await describeFailure(response));
  }
  const body = await response.json();
  if (!Array.isArray(body?.items)) {
    throw new Error('The Slipway backend answered without a list of hosts');
  }
  return body.items as SlipwayHost[];
}

// Backstage backends answer errors as { error: { message } }; the message is
// what tells the user whether to sign in again, ask for access or wait.
async function describeFailure(response: Response): Promise<string> {
  const status = `${response.status}${
    response.statusText ? ` ${response.statusText}` : ''
  }`;
  try {
    const body = await response.json();
    const message = body?.error?.message;
    if (typeof message === 'string' && message) {
      return `${message} (HTTP ${status})`;
    }
  } catch {
    // Not JSON: the status is all there is.
  }
  return `HTTP ${status}`;
}

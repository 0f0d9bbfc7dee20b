import { configApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { useForcedPollInterval } from './useSlipwayLive';

const Probe = () => (
  <div data-testid="interval">{String(useForcedPollInterval())}</div>
);

async function intervalFor(search: string, pollIntervalMs?: unknown) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          configApiRef,
          mockApis.config({
            data:
              pollIntervalMs === undefined
                ? {}
                : { slipway: { frontend: { pollIntervalMs } } },
          }),
        ],
      ]}
    >
      <Probe />
    </TestApiProvider>,
    { routeEntries: [`/slipway${search}`] },
  );
  return screen.getByTestId('interval').textContent;
}

describe('useForcedPollInterval', () => {
  it('streams unless polling is asked for', async () => {
    expect(await intervalFor('')).toBe('undefined');
  });

  it('takes the URL over the config', async () => {
    expect(await intervalFor('?slipwayPoll=10000', 2000)).toBe('10000');
  });

  it('takes the config without the URL', async () => {
    expect(await intervalFor('', 2000)).toBe('2000');
  });

  it('ignores values that would hammer the backend or are not numbers', async () => {
    expect(await intervalFor('?slipwayPoll=10')).toBe('undefined');
  });

  it('ignores a config value of the wrong type', async () => {
    expect(await intervalFor('?slipwayPoll=abc', 'often')).toBe('undefined');
  });
});

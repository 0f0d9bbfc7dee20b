import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import {
  createFakeSlipwayApi,
  hosts,
  makeApp,
  makeDeployment,
  makeEvent,
  minutesAgo,
} from '../../__testUtils__/fixtures';
import { component, renderWithSlipway } from '../../__testUtils__/render';
import { SlipwayPage, SlipwayPageContent } from './SlipwayPage';

const apps = [
  makeApp({ name: 'hello-static', stateChangedAt: minutesAgo(30) }),
  makeApp({
    name: 'api',
    state: 'failed',
    stateReason: 'the container exited with code 1',
    host: 'local',
    owner: 'group:payments',
    stateChangedAt: minutesAgo(5),
  }),
  makeApp({
    name: 'worker',
    state: 'unhealthy',
    owner: 'group:payments',
    stateChangedAt: minutesAgo(10),
  }),
  makeApp({ name: 'docs', state: 'pending', owner: null }),
];

const LocationProbe = () => {
  const location = useLocation();
  return <div data-testid="location">{location.search}</div>;
};

async function renderPage(
  options: {
    fake?: ReturnType<typeof createFakeSlipwayApi>;
    routeEntries?: string[];
  } = {},
) {
  const fake =
    options.fake ??
    createFakeSlipwayApi({ listApps: jest.fn(async () => apps) });
  const rendered = await renderWithSlipway(
    <>
      <SlipwayPageContent />
      <LocationProbe />
    </>,
    {
      fake,
      routeEntries: options.routeEntries,
      apis: [
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              component({ 'slipway/app-name': 'hello-static' }),
              {
                ...component({ 'slipway/app-name': 'api' }),
                metadata: {
                  name: 'payments-api',
                  namespace: 'payments',
                  annotations: { 'slipway/app-name': 'api' },
                },
              },
            ],
          }),
        ],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return { ...rendered, fake };
}

function appRows() {
  const table = screen.getByText(/^Apps \(/).closest('.MuiPaper-root')!;
  return within(table as HTMLElement)
    .getAllByRole('row')
    .filter(row => row.closest('tbody'));
}

function appNames() {
  return appRows().map(row => row.querySelector('td')?.textContent);
}

async function choose(label: string, option: string) {
  // Named by its label and its value, unlike the table's sort buttons.
  fireEvent.mouseDown(
    screen.getByRole('button', { name: new RegExp(`^${label} `) }),
  );
  fireEvent.click(await screen.findByRole('option', { name: option }));
}

describe('SlipwayPage', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('lists the apps, newest change first, linked to their entities', async () => {
    const { fake } = await renderPage();

    expect(await screen.findByText('Apps (4 of 4)')).toBeInTheDocument();
    expect(fake.api.listApps).toHaveBeenCalledWith();
    expect(appNames()).toEqual(['api', 'worker', 'hello-static', 'docs']);
    const [api, worker] = appRows();
    expect(api).toHaveTextContent('failed');
    expect(api).toHaveTextContent('local');
    expect(api).toHaveTextContent('group:payments');
    expect(api).toHaveTextContent('5 minutes ago');
    expect(api).toHaveTextContent('the container exited with code 1');
    expect(worker).toHaveTextContent('unhealthy');
    await waitFor(() =>
      expect(screen.getByRole('link', { name: 'api' })).toHaveAttribute(
        'href',
        '/catalog/payments/component/payments-api',
      ),
    );
    expect(screen.getByRole('link', { name: 'hello-static' })).toHaveAttribute(
      'href',
      '/catalog/default/component/hello-static',
    );
    // No entity names the app: no link to a page that does not exist.
    expect(
      screen.queryByRole('link', { name: 'worker' }),
    ).not.toBeInTheDocument();
  });

  it('lists the hosts', async () => {
    await renderPage();

    const table = (await screen.findByText('Hosts')).closest('.MuiPaper-root');
    const rows = within(table as HTMLElement)
      .getAllByRole('row')
      .filter(row => row.closest('tbody'));
    expect(rows.map(row => row.textContent)).toEqual([
      `${hosts[0].name}localthis machineconfig`,
      `${hosts[1].name}ssh203.0.113.10provisioned`,
    ]);
  });

  it('filters by state and keeps the filter in the URL', async () => {
    await renderPage();
    await screen.findByText('Apps (4 of 4)');

    await choose('State', 'failed');

    expect(screen.getByText('Apps (1 of 4)')).toBeInTheDocument();
    expect(appNames()).toEqual(['api']);
    expect(screen.getByTestId('location')).toHaveTextContent('?state=failed');
  });

  it('reads the filters from the URL', async () => {
    await renderPage({ routeEntries: ['/slipway?owner=group%3Apayments'] });

    expect(await screen.findByText('Apps (2 of 4)')).toBeInTheDocument();
    expect(appNames()).toEqual(['api', 'worker']);
  });

  it('filters by owner', async () => {
    await renderPage();
    await screen.findByText('Apps (4 of 4)');

    await choose('Owner', 'group:platform-team');

    expect(appNames()).toEqual(['hello-static']);
    expect(screen.getByTestId('location')).toHaveTextContent(
      '?owner=group%3Aplatform-team',
    );
  });

  it('shows only unhealthy and failed apps when asked', async () => {
    await renderPage();
    await screen.findByText('Apps (4 of 4)');

    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Unhealthy or failed only' }),
    );

    expect(appNames()).toEqual(['api', 'worker']);
    expect(screen.getByTestId('location')).toHaveTextContent('?problems=true');
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Unhealthy or failed only' }),
    );
    expect(appNames()).toHaveLength(4);
  });

  it('says so when no app matches', async () => {
    await renderPage({
      routeEntries: ['/slipway?state=pending&owner=group%3Apayments'],
    });

    expect(
      await screen.findByText('No app matches the filters.'),
    ).toBeInTheDocument();
  });

  it('updates a row from the stream of all apps', async () => {
    const { fake } = await renderPage();
    await screen.findByText('Apps (4 of 4)');
    expect(fake.api.subscribe).toHaveBeenCalledWith(
      undefined,
      expect.any(Function),
      expect.any(Function),
    );

    act(() =>
      fake.emit(
        makeEvent(
          'app.state',
          {
            from: 'pending',
            to: 'failed',
            reason: 'the build failed',
            deploymentId: null,
          },
          'docs',
        ),
      ),
    );

    const docs = appRows().find(row => row.textContent?.includes('docs'))!;
    expect(docs).toHaveTextContent('failed');
    expect(docs).toHaveTextContent('the build failed');
    expect(fake.api.listApps).toHaveBeenCalledTimes(1);
  });

  it('refetches once for a burst of new apps and ended deployments', async () => {
    jest.useFakeTimers();
    const { fake } = await renderPage();
    await screen.findByText('Apps (4 of 4)');

    fake.api.listApps.mockResolvedValue([
      ...apps,
      makeApp({ name: 'new-app' }),
    ]);
    act(() => {
      fake.emit(
        makeEvent(
          'app.state',
          { from: null, to: 'pending', reason: 'deploy', deploymentId: 'd' },
          'new-app',
        ),
      );
      fake.emit(
        makeEvent(
          'deployment.status',
          { deployment: makeDeployment({ app: 'new-app' }) },
          'new-app',
        ),
      );
    });
    await act(() => jest.advanceTimersByTimeAsync(1000));

    expect(fake.api.listApps).toHaveBeenCalledTimes(2);
    expect(screen.getByText('Apps (5 of 5)')).toBeInTheDocument();
  });

  it('polls every 5 s while the stream is down', async () => {
    jest.useFakeTimers();
    const { fake } = await renderPage();
    await screen.findByText('Apps (4 of 4)');

    act(() => fake.drop());

    expect(screen.getByTestId('slipway-live-mode')).toHaveTextContent(
      'Live updates interrupted — refreshing every 5 s',
    );
    await act(() => jest.advanceTimersByTimeAsync(5000));
    expect(fake.api.listApps).toHaveBeenCalledTimes(2);
    expect(fake.api.listHosts).toHaveBeenCalledTimes(2);
  });

  it('says there are no apps yet', async () => {
    await renderPage({
      fake: createFakeSlipwayApi({ listApps: jest.fn(async () => []) }),
    });

    expect(await screen.findByText('No apps yet')).toBeInTheDocument();
    expect(await screen.findByText('Hosts')).toBeInTheDocument();
  });

  it('says when the apps cannot be loaded', async () => {
    await renderPage({
      fake: createFakeSlipwayApi({
        listApps: jest.fn(async () => {
          throw new Error('permission denied (HTTP 403 Forbidden)');
        }),
      }),
    });

    expect(
      await screen.findByText(
        /The apps could not be loaded: permission denied \(HTTP 403 Forbidden\)/,
      ),
    ).toBeInTheDocument();
  });

  it('has its own header in the legacy frontend system', async () => {
    await renderWithSlipway(<SlipwayPage />);

    expect(
      screen.getByRole('heading', { name: 'Slipway', level: 1 }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Apps (1 of 1)')).toBeInTheDocument();
  });
});

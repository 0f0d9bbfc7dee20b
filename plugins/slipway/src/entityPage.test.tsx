import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { fireEvent, screen } from '@testing-library/react';
import slipwayPlugin from './alpha';
import { slipwayApiRef } from './api';
import { createFakeSlipwayApi } from './__testUtils__/fixtures';
import { annotated, component } from './__testUtils__/render';

// The app (packages/app) installs the catalog and this plugin side by side;
// this is that pairing, with the catalog's real entity page.
function renderEntityPage(path: string) {
  const fake = createFakeSlipwayApi();
  renderTestApp({
    features: [catalogPlugin, slipwayPlugin],
    initialRouteEntries: [path],
    apis: [
      [
        catalogApiRef,
        catalogApiMock({
          entities: [
            annotated,
            {
              ...component(),
              metadata: { name: 'no-slipway', namespace: 'default' },
            },
          ],
        }),
      ],
      [slipwayApiRef, fake.api],
      mockApis.permission(),
    ],
  });
  return fake;
}

describe('on the catalog entity page', () => {
  it('shows the card on the overview and the Deployments tab', async () => {
    renderEntityPage('/catalog/default/component/hello-static');

    expect(
      await screen.findByTestId('slipway-app-state', {}, { timeout: 5000 }),
    ).toHaveTextContent('running');
    const tab = screen.getByRole('link', { name: 'Deployments' });
    expect(tab).toHaveAttribute(
      'href',
      '/catalog/default/component/hello-static/slipway',
    );

    fireEvent.click(tab);

    expect(
      await screen.findByText('Deployments of hello-static'),
    ).toBeInTheDocument();
  });

  it('shows neither on an entity without the annotation', async () => {
    const fake = renderEntityPage('/catalog/default/component/no-slipway');

    expect(
      await screen.findByRole('link', { name: 'Overview' }, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'Deployments' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByTestId('slipway-live-mode')).not.toBeInTheDocument();
    expect(fake.api.getAppStatus).not.toHaveBeenCalled();
  });
});

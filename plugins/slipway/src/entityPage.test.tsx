import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { fireEvent, screen, within } from '@testing-library/react';
import slipwayPlugin from './alpha';
import { slipwayApiRef } from './api';
import { createFakeSlipwayApi } from './__testUtils__/fixtures';
import { annotated, component } from './__testUtils__/render';

/**
 * The catalog's own cards of a component's overview (about, relations, links, labels): Material
 * UI cards and tables, whose rendering and styles in jsdom were more than half of this file's
 * time. They have nothing to do with Slipway's card and tab, so they are switched off as an
 * app's config would; the catalog's entity page, its tabs and layout are the real ones.
 */
const CATALOG_CARDS_OFF = [
  'about',
  'links',
  'labels',
  'depends-on-components',
  'depends-on-resources',
  'has-subcomponents',
].map(name => ({ [`entity-card:catalog/${name}`]: false }));

/**
 * How long a test of this file may take. Nothing in it waits for a timer: every wait ends as
 * soon as its element is rendered (the fake API answers at once). What takes time is CPU,
 * rendering a whole app in jsdom: about 1 to 1.5 s for the first test on a 2-core machine
 * under other tests' load (the first render also compiles and styles everything), a few
 * hundred milliseconds after that. On a shared machine that CPU time stretches with the load:
 * the test went past Jest's default 5 s before it rendered less, and a version close to this
 * one took 5.7 s at a load average of 5. So the bound is not Jest's default but one that only a
 * hung render reaches.
 */
const CPU_BOUND_MS = 20_000;
jest.setTimeout(CPU_BOUND_MS);

/** A wait's bound: a page that never renders fails with the DOM shown, before CPU_BOUND_MS. */
const UNTIL_RENDERED = { timeout: CPU_BOUND_MS - 5_000 };

// The app (packages/app) installs the catalog and this plugin side by side;
// this is that pairing, with the catalog's real entity page.
function renderEntityPage(path: string) {
  const fake = createFakeSlipwayApi();
  renderTestApp({
    features: [catalogPlugin, slipwayPlugin],
    initialRouteEntries: [path],
    config: {
      app: { baseUrl: 'http://localhost:3000', extensions: CATALOG_CARDS_OFF },
      backend: { baseUrl: 'http://localhost:7007' },
    },
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

/**
 * A tab of the entity page: a link in its content navigation (`<nav aria-label="Content
 * navigation">`). Looked up by label and text, not by role and name: a role query computes
 * accessible names and visibility through jsdom's getComputedStyle, which matches every
 * element against every Material UI style sheet of the page; the role query for the tab link
 * alone took a few hundred milliseconds here.
 */
function tab(title: string): HTMLElement | null {
  return (
    within(screen.getByLabelText('Content navigation'))
      .queryByText(title)
      ?.closest<HTMLElement>('a') ?? null
  );
}

describe('on the catalog entity page', () => {
  it('shows the card on the overview and the Deployments tab', async () => {
    renderEntityPage('/catalog/default/component/hello-static');

    expect(
      await screen.findByTestId('slipway-app-state', {}, UNTIL_RENDERED),
    ).toHaveTextContent('running');
    const deployments = tab('Deployments');
    expect(deployments).toHaveAttribute(
      'href',
      '/catalog/default/component/hello-static/slipway',
    );

    fireEvent.click(deployments!);

    expect(
      await screen.findByText(
        'Deployments of hello-static',
        {},
        UNTIL_RENDERED,
      ),
    ).toBeInTheDocument();
  });

  it('shows neither on an entity without the annotation', async () => {
    const fake = renderEntityPage('/catalog/default/component/no-slipway');

    expect(
      await screen.findByLabelText('Content navigation', {}, UNTIL_RENDERED),
    ).toBeInTheDocument();
    expect(tab('Overview')).toHaveAttribute(
      'href',
      '/catalog/default/component/no-slipway',
    );
    expect(tab('Deployments')).not.toBeInTheDocument();
    expect(screen.queryByTestId('slipway-live-mode')).not.toBeInTheDocument();
    expect(fake.api.getAppStatus).not.toHaveBeenCalled();
  });
});

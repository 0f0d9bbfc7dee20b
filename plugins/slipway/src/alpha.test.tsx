import {
  ApiBlueprint,
  coreExtensionData,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import slipwayPlugin from './alpha';
import { SlipwayClient, slipwayApiRef } from './api';
import { createFakeSlipwayApi } from './__testUtils__/fixtures';
import { annotated, component } from './__testUtils__/render';

function apis(fake = createFakeSlipwayApi()) {
  return [[slipwayApiRef, fake.api], mockApis.permission()] as const;
}

describe('slipway plugin (new frontend system)', () => {
  it('has the id slipway, a title and a root route', () => {
    expect(slipwayPlugin.pluginId).toBe('slipway');
    expect(slipwayPlugin.title).toBe('Slipway');
    expect(slipwayPlugin.icon).toBeDefined();
    expect(slipwayPlugin.routes.root).toBeDefined();
  });

  it('has the API, the entity card and tab, and the page', () => {
    for (const id of [
      'api:slipway',
      'entity-card:slipway/status',
      'entity-content:slipway/deployments',
      'page:slipway',
    ] as const) {
      expect(slipwayPlugin.getExtension(id)).toBeDefined();
    }
  });

  describe('api:slipway', () => {
    it('makes a SlipwayClient over discovery and fetch', () => {
      const factory = createExtensionTester(
        slipwayPlugin.getExtension('api:slipway'),
      ).get(ApiBlueprint.dataRefs.factory);

      expect(factory.api.id).toBe(slipwayApiRef.id);
      expect(
        Object.values(factory.deps)
          .map(ref => ref.id)
          .sort(),
      ).toEqual([discoveryApiRef.id, fetchApiRef.id].sort());
      expect(
        factory.factory({
          discoveryApi: { getBaseUrl: async () => '' },
          fetchApi: { fetch },
        }),
      ).toBeInstanceOf(SlipwayClient);
    });
  });

  describe('entity-card:slipway/status', () => {
    const card = slipwayPlugin.getExtension('entity-card:slipway/status');

    it('is an info card shown only on entities with slipway/app-name', () => {
      const tester = createExtensionTester(card);

      expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
      const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
      expect(filter).toBeDefined();
      expect(filter!(annotated)).toBe(true);
      expect(filter!(component())).toBe(false);
    });

    it('can be shown on more entities through config', () => {
      const tester = createExtensionTester(card, {
        config: { filter: { kind: 'component' } },
      });

      const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
      expect(filter!(component())).toBe(true);
    });

    it("renders the entity's app", async () => {
      const tester = createExtensionTester(card);

      renderInTestApp(
        <EntityProvider entity={annotated}>
          {tester.reactElement()}
        </EntityProvider>,
        { apis: apis() },
      );

      expect(await screen.findByTestId('slipway-app-state')).toHaveTextContent(
        'running',
      );
      expect(screen.getByTestId('slipway-app-name')).toHaveTextContent(
        'hello-static',
      );
    });
  });

  describe('entity-content:slipway/deployments', () => {
    const content = slipwayPlugin.getExtension(
      'entity-content:slipway/deployments',
    );

    it('is the Deployments tab at slipway, on annotated entities', () => {
      const tester = createExtensionTester(content);

      expect(tester.get(coreExtensionData.routePath)).toBe('slipway');
      expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
        'Deployments',
      );
      const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
      expect(filter!(annotated)).toBe(true);
      expect(filter!(component())).toBe(false);
    });

    it('shows the card and the tab on an entity page', async () => {
      renderTestApp({
        extensions: [
          createTestEntityPage({ entity: annotated }),
          slipwayPlugin.getExtension('entity-card:slipway/status'),
          content,
        ],
        apis: apis(),
      });

      expect(
        await screen.findByTestId('slipway-app-state'),
      ).toBeInTheDocument();
      expect(
        await screen.findByText('Deployments of hello-static'),
      ).toBeInTheDocument();
    });
  });

  describe('page:slipway', () => {
    it('is mounted at /slipway', () => {
      const tester = createExtensionTester(
        slipwayPlugin.getExtension('page:slipway'),
      );
      expect(tester.get(coreExtensionData.routePath)).toBe('/slipway');
    });

    it('renders in an app', async () => {
      renderTestApp({
        features: [slipwayPlugin],
        initialRouteEntries: ['/slipway'],
        apis: apis(createFakeSlipwayApi({ listApps: jest.fn(async () => []) })),
      });

      expect(await screen.findByText('No apps yet')).toBeInTheDocument();
      // Besides the page header's title, the sidebar links to the page with
      // the plugin's icon.
      const links = screen.getAllByRole('link', { name: 'Slipway' });
      links.forEach(link => expect(link).toHaveAttribute('href', '/slipway'));
      expect(links.filter(link => link.querySelector('svg'))).toHaveLength(1);
    });
  });
});

import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import slipwayPlugin from './alpha';

function component(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'hello-static', annotations },
    spec: { type: 'website', owner: 'group:platform-team' },
  };
}

describe('slipway plugin (new frontend system)', () => {
  it('has the id slipway, a title and a root route', () => {
    expect(slipwayPlugin.pluginId).toBe('slipway');
    expect(slipwayPlugin.title).toBe('Slipway');
    expect(slipwayPlugin.icon).toBeDefined();
    expect(slipwayPlugin.routes.root).toBeDefined();
  });

  it('has the entity card and the page', () => {
    expect(
      slipwayPlugin.getExtension('entity-card:slipway/status'),
    ).toBeDefined();
    expect(slipwayPlugin.getExtension('page:slipway')).toBeDefined();
  });

  describe('entity-card:slipway/status', () => {
    const card = slipwayPlugin.getExtension('entity-card:slipway/status');

    it('is an info card shown only on entities with slipway/app-name', () => {
      const tester = createExtensionTester(card);

      expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
      const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
      expect(filter).toBeDefined();
      expect(filter!(component({ 'slipway/app-name': 'hello-static' }))).toBe(
        true,
      );
      expect(filter!(component())).toBe(false);
    });

    it('can be shown on more entities through config', () => {
      const tester = createExtensionTester(card, {
        config: { filter: { kind: 'component' } },
      });

      const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
      expect(filter!(component())).toBe(true);
    });

    it('renders the app name of the entity', async () => {
      const tester = createExtensionTester(card);

      renderInTestApp(
        <EntityProvider
          entity={component({ 'slipway/app-name': 'hello-static-app' })}
        >
          {tester.reactElement()}
        </EntityProvider>,
      );

      expect(await screen.findByTestId('slipway-app-name')).toHaveTextContent(
        'hello-static-app',
      );
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

import { getComponentData } from '@backstage/core-plugin-api';
import { createElement } from 'react';
import { SlipwayClient, slipwayApiRef } from './api';
import {
  EntitySlipwayDeploymentsContent,
  EntitySlipwayStatusCard,
  SlipwayPage,
  slipwayPlugin,
} from './plugin';

describe('slipwayPlugin', () => {
  it('has the id slipway', () => {
    expect(slipwayPlugin.getId()).toBe('slipway');
  });

  it('exposes the routes of its page and its entity tab', () => {
    expect(slipwayPlugin.routes.root).toBeDefined();
    expect(slipwayPlugin.routes.entityContent).toBeDefined();
  });

  it('provides the Slipway API over discovery and fetch', () => {
    const factory = Array.from(slipwayPlugin.getApis()).find(
      api => api.api.id === slipwayApiRef.id,
    );

    expect(factory).toBeDefined();
    expect(
      factory!.factory({
        discoveryApi: { getBaseUrl: async () => '' },
        fetchApi: { fetch },
      }),
    ).toBeInstanceOf(SlipwayClient);
  });

  it('mounts the tab and the page on their own routes', () => {
    expect(
      getComponentData(
        createElement(EntitySlipwayDeploymentsContent),
        'core.mountPoint',
      ),
    ).toBe(slipwayPlugin.routes.entityContent);
    expect(
      getComponentData(createElement(SlipwayPage), 'core.mountPoint'),
    ).toBe(slipwayPlugin.routes.root);
    expect(
      getComponentData(createElement(EntitySlipwayStatusCard), 'core.plugin'),
    ).toBe(slipwayPlugin);
  });
});

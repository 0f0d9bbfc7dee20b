import { slipwayPlugin } from './plugin';

describe('slipwayPlugin', () => {
  it('has the id slipway', () => {
    expect(slipwayPlugin.getId()).toBe('slipway');
  });

  it('exposes its root route', () => {
    expect(slipwayPlugin.routes.root).toBeDefined();
  });
});

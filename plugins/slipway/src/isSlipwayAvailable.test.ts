import { Entity } from '@backstage/catalog-model';
import { getSlipwayAppName, isSlipwayAvailable } from './isSlipwayAvailable';

function component(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'hello-static', annotations },
    spec: { type: 'website', owner: 'group:platform-team' },
  };
}

describe('isSlipwayAvailable', () => {
  it('is true when the entity has the slipway/app-name annotation', () => {
    const entity = component({ 'slipway/app-name': 'hello-static' });
    expect(isSlipwayAvailable(entity)).toBe(true);
    expect(getSlipwayAppName(entity)).toBe('hello-static');
  });

  it('is false when the entity has no annotations at all', () => {
    expect(isSlipwayAvailable(component())).toBe(false);
  });

  it('is false when only other annotations are present', () => {
    const entity = component({
      'backstage.io/techdocs-ref': 'dir:.',
      'slipway/host': 'docker-1',
    });
    expect(isSlipwayAvailable(entity)).toBe(false);
  });

  it('is false when the annotation is blank', () => {
    const entity = component({ 'slipway/app-name': '  ' });
    expect(isSlipwayAvailable(entity)).toBe(false);
    expect(getSlipwayAppName(entity)).toBeUndefined();
  });

  it('trims the app name', () => {
    const entity = component({ 'slipway/app-name': ' hello-static ' });
    expect(getSlipwayAppName(entity)).toBe('hello-static');
  });
});

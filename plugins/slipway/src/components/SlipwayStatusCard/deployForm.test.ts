import { component } from '../../__testUtils__/render';
import {
  checkDeployForm,
  deployFormFromEntity,
  deployRequestOf,
  ownerOf,
} from './deployForm';

describe('deployForm', () => {
  it('reads every annotation, trimmed, and the container port from slipway/container-port', () => {
    const entity = component({
      'slipway/repo': ' https://github.com/acme/shop.git ',
      'slipway/context': 'services/web',
      'slipway/port': '8085',
      'slipway/container-port': '3000',
      'slipway/health-path': '/healthz',
      'slipway/host': 'docker-1',
    });

    expect(deployFormFromEntity(entity, 'shop')).toEqual({
      name: 'shop',
      repo: 'https://github.com/acme/shop.git',
      context: 'services/web',
      port: '8085',
      containerPort: '3000',
      healthPath: '/healthz',
      host: 'docker-1',
    });
  });

  it('leaves out what the entity does not say, and the empty optional fields of the request', () => {
    const values = deployFormFromEntity(component({}), 'shop');
    expect(values.repo).toBe('');

    expect(
      deployRequestOf(
        { ...values, repo: 'https://github.com/acme/shop.git', port: '8085' },
        undefined,
      ),
    ).toEqual({
      name: 'shop',
      repo: 'https://github.com/acme/shop.git',
      port: 8085,
      host: '',
    });
  });

  it('spells a bare owner as a group, as the catalog reads it', () => {
    expect(ownerOf(component({}))).toBe('group:platform-team');
    expect(ownerOf({ ...component({}), spec: { owner: 'payments' } })).toBe(
      'group:payments',
    );
    expect(ownerOf({ ...component({}), spec: {} })).toBeUndefined();
  });

  it('names the broken rule per field, and what is no field of the form apart', () => {
    const check = checkDeployForm(
      {
        name: 'shop',
        repo: 'file:///etc',
        context: '',
        port: 'eighty',
        containerPort: '8080',
        healthPath: '',
        host: 'docker-1',
      },
      'team payments',
    );

    expect(check.fieldErrors).toEqual({
      repo: 'repo must use one of the schemes https, ssh, http (got "file")',
      port: 'port must be a number',
    });
    expect(check.otherErrors).toEqual([
      'owner: owner must be an entity reference such as group:platform-team',
    ]);
  });
});

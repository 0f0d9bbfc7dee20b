import { IacOutputFormatError } from './errors';
import { parseStateAddresses } from './terraformDocuments';

describe('parseStateAddresses', () => {
  it('is empty when there is no state (show -json prints no values)', () => {
    expect(
      parseStateAddresses('terraform', '{"format_version":"1.0"}'),
    ).toEqual([]);
  });

  it('lists managed resources of the root and every child module, never data sources or values', () => {
    const state = {
      format_version: '1.0',
      values: {
        root_module: {
          resources: [
            {
              address: 'terraform_data.root',
              mode: 'managed',
              values: { input: 'secret-value' },
            },
          ],
          child_modules: [
            {
              address: 'module.docker_host',
              resources: [
                {
                  address: 'module.docker_host.aws_instance.host',
                  mode: 'managed',
                },
                {
                  address: 'module.docker_host.data.aws_region.current',
                  mode: 'data',
                },
              ],
              child_modules: [
                {
                  resources: [
                    {
                      address: 'module.docker_host.module.iam.aws_iam_role.r',
                      mode: 'managed',
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
    };
    const addresses = parseStateAddresses('terraform', JSON.stringify(state));
    expect(addresses).toEqual([
      'terraform_data.root',
      'module.docker_host.aws_instance.host',
      'module.docker_host.module.iam.aws_iam_role.r',
    ]);
    expect(JSON.stringify(addresses)).not.toContain('secret-value');
  });

  it('refuses a document that is not a state representation', () => {
    expect(() => parseStateAddresses('tofu', 'Error: no state')).toThrow(
      IacOutputFormatError,
    );
    expect(() => parseStateAddresses('tofu', '{"values":{}}')).toThrow(
      /no format_version/,
    );
  });
});

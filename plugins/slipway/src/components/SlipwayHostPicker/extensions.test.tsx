import { getComponentData } from '@backstage/core-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { FieldExtensionOptions } from '@backstage/plugin-scaffolder-react';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import slipwayFrontendPlugin from '../../alpha';
import { SlipwayHostPickerFieldExtension } from '../../plugin';
import { slipwayHostPickerValidation } from './schema';
import { SlipwayHostPicker } from './SlipwayHostPicker';

describe('SlipwayHostPicker extensions', () => {
  it('is a scaffolder field extension of the legacy plugin', () => {
    const options = getComponentData<FieldExtensionOptions>(
      <SlipwayHostPickerFieldExtension />,
      'scaffolder.extensions.field.v1',
    );

    expect(options).toMatchObject({
      name: 'SlipwayHostPicker',
      component: SlipwayHostPicker,
      validation: slipwayHostPickerValidation,
    });
    expect(options?.schema?.uiOptions).toMatchObject({
      properties: { allowedHosts: { type: 'array' } },
    });
  });

  it('is a scaffolder form field of the new frontend plugin', async () => {
    // The kind in the ID says it was made with FormFieldBlueprint, which attaches
    // to the scaffolder's form fields API.
    const extension = slipwayFrontendPlugin.getExtension(
      'scaffolder-form-field:slipway/host-picker',
    );

    const loader = createExtensionTester(extension).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );
    // A FormField is opaque; its data is what createFormField was given.
    await expect(loader()).resolves.toMatchObject({
      name: 'SlipwayHostPicker',
      component: SlipwayHostPicker,
      validation: slipwayHostPickerValidation,
    });
  });
});

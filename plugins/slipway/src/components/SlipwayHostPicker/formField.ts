import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { SlipwayHostPicker } from './SlipwayHostPicker';
import {
  SlipwayHostPickerFieldSchema,
  slipwayHostPickerValidation,
} from './schema';

/**
 * The `SlipwayHostPicker` field for the new frontend system. It is loaded
 * lazily by the plugin's `scaffolder-form-field:slipway/host-picker`
 * extension, so the picker's code is only fetched by the scaffolder.
 */
export const SlipwayHostPickerFormField = createFormField({
  name: 'SlipwayHostPicker',
  component: SlipwayHostPicker,
  schema: SlipwayHostPickerFieldSchema,
  validation: slipwayHostPickerValidation,
});

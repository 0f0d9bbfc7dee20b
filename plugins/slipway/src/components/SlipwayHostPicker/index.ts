export { SlipwayHostPicker } from './SlipwayHostPicker';
export {
  SlipwayHostPickerFieldSchema,
  slipwayHostPickerValidation,
} from './schema';
export type { SlipwayHostPickerUiOptions } from './schema';
export type { SlipwayHost } from '../../api';

import {
  CustomFieldValidator,
  makeFieldSchema,
} from '@backstage/plugin-scaffolder-react';
import { dnsLabel } from '@slipway/plugin-slipway-common';

/**
 * The value and `ui:options` of the `SlipwayHostPicker` field.
 *
 * @public
 */
export const SlipwayHostPickerFieldSchema = makeFieldSchema({
  output: z => z.string(),
  uiOptions: z =>
    z.object({
      allowedHosts: z
        .array(z.string())
        .optional()
        .describe(
          'Names of the hosts to offer. Defaults to every host Slipway knows.',
        ),
    }),
});

/**
 * The `ui:options` of the `SlipwayHostPicker` field.
 *
 * @public
 */
export interface SlipwayHostPickerUiOptions {
  /** Names of the hosts to offer; the others are left out of the list. */
  allowedHosts?: string[];
}

/** The props of the `SlipwayHostPicker` field. */
export type SlipwayHostPickerProps = typeof SlipwayHostPickerFieldSchema.TProps;

const hostName = dnsLabel('host');

/**
 * Checks a host name before the task starts. A picked host always passes; this
 * is for names typed while the host list could not be loaded, so that a typo
 * is caught on the form rather than by the deploy.
 */
export const slipwayHostPickerValidation: CustomFieldValidator<
  string,
  SlipwayHostPickerUiOptions
> = (value, validation, context) => {
  if (!value) {
    // Whether an empty value is allowed is `required`'s business.
    return;
  }
  const parsed = hostName.safeParse(value);
  if (!parsed.success) {
    validation.addError(parsed.error.issues[0].message);
    return;
  }
  const allowedHosts = context.uiSchema?.['ui:options']?.allowedHosts;
  if (allowedHosts && !allowedHosts.includes(value)) {
    validation.addError(
      `host must be one of ${allowedHosts.join(', ')} (got "${value}")`,
    );
  }
};

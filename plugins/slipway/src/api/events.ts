// The event payload is shared with the backend; the frontend reads it with
// the common parser, which drops types and versions it does not know.
export { parseSlipwayEvent } from '@slipway/plugin-slipway-common';
export type {
  SlipwayEvent,
  SlipwayEventType,
} from '@slipway/plugin-slipway-common';

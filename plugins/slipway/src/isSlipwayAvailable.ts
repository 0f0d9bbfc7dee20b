import { Entity } from '@backstage/catalog-model';
import { SLIPWAY_APP_ANNOTATION } from '@slipway/plugin-slipway-common';

/**
 * Returns the Slipway app name an entity is linked to through the
 * `slipway/app-name` annotation, or `undefined` when the annotation is missing
 * or blank.
 */
export function getSlipwayAppName(entity: Entity): string | undefined {
  const value = entity.metadata.annotations?.[SLIPWAY_APP_ANNOTATION]?.trim();
  return value ? value : undefined;
}

/**
 * Whether an entity is linked to a Slipway app, that is whether it has a
 * non-blank `slipway/app-name` annotation.
 *
 * @remarks
 *
 * Use it to show Slipway's cards and tabs only on the entities it applies to,
 * for example as the `if` of an `EntitySwitch.Case` in the legacy frontend
 * system.
 *
 * @public
 */
export function isSlipwayAvailable(entity: Entity): boolean {
  return getSlipwayAppName(entity) !== undefined;
}

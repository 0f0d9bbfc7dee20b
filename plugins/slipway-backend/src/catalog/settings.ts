import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { DEFAULT_CATALOG_OWNER_SCHEDULE } from './CatalogOwnerSync';

export type OwnershipSettings = {
  /** Whether an app's catalog Component decides its owner. */
  fromCatalog: boolean;
  schedule: SchedulerServiceTaskScheduleDefinition;
};

/** `slipway.ownership`: on by default, synced every minute. */
export function readOwnershipSettings(config: Config): OwnershipSettings {
  const ownership = config.getOptionalConfig('slipway.ownership');
  const sync = ownership?.getOptionalConfig('catalogSync');
  return {
    fromCatalog: ownership?.getOptionalBoolean('fromCatalog') ?? true,
    schedule: sync
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(sync)
      : DEFAULT_CATALOG_OWNER_SCHEDULE,
  };
}

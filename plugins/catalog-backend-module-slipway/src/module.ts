import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import {
  SLIPWAY_APP_LOCATION_TYPE,
  SlipwayAppProcessor,
} from './SlipwayAppProcessor';

/**
 * Lets a Slipway app be registered in the catalog as a Component, through a `slipway-app`
 * location whose target is the app's name.
 *
 * @public
 */
export const catalogModuleSlipwayApps = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'slipway-apps',
  register(env) {
    env.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        catalogLocations: catalogLocationsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({
        catalogProcessing,
        catalogLocations,
        discovery,
        auth,
        logger,
      }) {
        // This replaces the catalog's list rather than adding to it. The catalog's own default
        // is ['url'] (not url and file, whatever the extension point's comment says), and
        // allowing `file` would let anyone who may register a location read files on the
        // backend's disk; config locations of type file do not need it.
        catalogLocations.setAllowedLocationTypes([
          'url',
          SLIPWAY_APP_LOCATION_TYPE,
        ]);
        catalogProcessing.addProcessor(
          new SlipwayAppProcessor({ discovery, auth, logger }),
        );
      },
    });
  },
});

import { ConflictError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { dnsLabel } from '@slipway/plugin-slipway-common';
import { z as zod } from 'zod/v3';
import { SlipwayBackendClient } from '../client/SlipwayBackendClient';
import { parseRequest } from './parseRequest';
import { examples } from './registerApp.examples';

/** The catalog location type read by `@slipway/plugin-catalog-backend-module-slipway`. */
export const SLIPWAY_APP_LOCATION_TYPE = 'slipway-app';

const registerRequestSchema = zod.object({ name: dnsLabel('name') }).strict();

/**
 * `slipway:register-app`: registers a Slipway app in the catalog as a Component carrying the
 * `slipway/app-name` annotation, through a `slipway-app` location. The catalog module reads the
 * entity from slipway-backend and keeps it current on every refresh, so an app deployed from a
 * repository without a catalog-info.yaml still gets an entity page.
 */
export function createRegisterAppAction(options: {
  client: SlipwayBackendClient;
  catalog: CatalogService;
}) {
  const { client, catalog } = options;
  return createTemplateAction({
    id: 'slipway:register-app',
    description:
      'Registers a deployed Slipway app in the software catalog as a Component with the slipway/app-name annotation (owner and description from the deploy), as the user running the template. Registering twice is harmless.',
    examples,
    supportsDryRun: true,
    schema: {
      input: z => z.object({ name: z.string().describe('App name') }),
      output: z =>
        z.object({
          entityRef: z
            .string()
            .describe('The Component, e.g. component:default/hello'),
          locationId: z.string().describe('The catalog location'),
        }),
    },
    async handler(ctx) {
      const { name } = parseRequest(
        registerRequestSchema,
        ctx.input,
        'register request',
      );
      const entityRef = `component:default/${name}`;
      const target = { type: SLIPWAY_APP_LOCATION_TYPE, target: name };
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${entityRef} in the catalog`);
        ctx.output('entityRef', entityRef);
        ctx.output('locationId', 'dry-run');
        return;
      }
      const credentials = await ctx.getInitiatorCredentials();
      // The app must exist and be visible to the user before the catalog is asked to read it.
      await client.request(credentials, 'GET', `/apps/${name}/status`);
      const locationId = await ctx.checkpoint({
        key: `slipway.register-app.${name}`,
        fn: async () => {
          try {
            const added = await catalog.addLocation(target, { credentials });
            ctx.logger.info(
              `Registered ${entityRef} (location ${added.location.id})`,
            );
            return added.location.id;
          } catch (error) {
            if (
              (error as Error).name !== ConflictError.name &&
              !/409|already exists/i.test(String((error as Error).message))
            ) {
              throw error;
            }
            const existing = await catalog.getLocationByRef(
              `${target.type}:${target.target}`,
              { credentials },
            );
            if (!existing) throw error;
            ctx.logger.info(
              `${entityRef} was registered already (location ${existing.id})`,
            );
            return existing.id;
          }
        },
      });
      ctx.output('entityRef', entityRef);
      ctx.output('locationId', locationId);
    },
  });
}

import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { Deployment, dnsLabel } from '@slipway/plugin-slipway-common';
import { z as zod } from 'zod/v3';
import { SlipwayBackendClient } from '../client/SlipwayBackendClient';
import { runBackendJob } from '../client/followJob';
import { DRY_RUN_ID } from './deployApp';
import { parseRequest } from './parseRequest';
import { examples } from './destroyApp.examples';

const destroyRequestSchema = zod.object({ name: dnsLabel('name') }).strict();

/**
 * `slipway:destroy-app`: stops and removes an app's containers and images on its host through
 * slipway-backend's `DELETE /apps/:name`, as the template's initiator. The history is kept.
 */
export function createDestroyAppAction(options: {
  client: SlipwayBackendClient;
}) {
  const { client } = options;
  return createTemplateAction({
    id: 'slipway:destroy-app',
    description:
      "Stops and removes a Slipway app from its host and frees its port, on behalf of the user running the template; the app's deployment history is kept.",
    examples,
    supportsDryRun: true,
    schema: {
      input: z => z.object({ name: z.string().describe('App name') }),
      output: z =>
        z.object({
          deploymentId: z.string().describe('The destroy job'),
        }),
    },
    async handler(ctx) {
      const { name } = parseRequest(
        destroyRequestSchema,
        ctx.input,
        'destroy request',
      );
      const credentials = await ctx.getInitiatorCredentials();
      if (ctx.isDryRun) {
        // Reading the app proves it exists and the user may see it; nothing is changed.
        const { app } = await client.request<{ app: { host: string } }>(
          credentials,
          'GET',
          `/apps/${name}/status`,
        );
        ctx.logger.info(`Dry run: would destroy ${name} on host ${app.host}`);
        ctx.output('deploymentId', DRY_RUN_ID);
        return;
      }
      const deployment = await runBackendJob<Deployment>({
        ctx,
        client,
        credentials,
        checkpointKey: `slipway.destroy-app.${name}`,
        start: async () =>
          (
            await client.request<{ deployment: Deployment }>(
              credentials,
              'DELETE',
              `/apps/${name}`,
            )
          ).deployment.id,
        path: id => `/deployments/${id}`,
        recordKey: 'deployment',
        title: 'Destroy job',
      });
      ctx.logger.info(`${name} is destroyed; its history is kept`);
      ctx.output('deploymentId', deployment.id);
    },
  });
}

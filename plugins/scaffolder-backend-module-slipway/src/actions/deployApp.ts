import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  Deployment,
  deployRequestSchema,
} from '@slipway/plugin-slipway-common';
import { SlipwayBackendClient } from '../client/SlipwayBackendClient';
import { runBackendJob } from '../client/followJob';
import { parseRequest } from './parseRequest';
import { examples } from './deployApp.examples';
import { deployRequestInput } from './deployRequestInput';

/** What a dry run outputs instead of a deployment id: plausible, and plainly not real. */
export const DRY_RUN_ID = '00000000-0000-0000-0000-000000000000';

/**
 * `slipway:deploy-app`: deploys an app from a Git repository with a Dockerfile onto a Slipway
 * host, as the template's initiator. A thin client of slipway-backend's `POST /apps/deploy`:
 * the job runs in the backend, and its log is streamed into the task log as it is written.
 */
export function createDeployAppAction(options: {
  client: SlipwayBackendClient;
}) {
  const { client } = options;
  return createTemplateAction({
    id: 'slipway:deploy-app',
    description:
      'Deploys an app from a Git repository with a Dockerfile onto a Slipway Docker host (clone at the ref, build, swap, health gate, automatic rollback), on behalf of the user running the template, and streams the deployment log into the task log.',
    examples,
    supportsDryRun: true,
    schema: {
      input: z =>
        z.object({
          ...deployRequestInput(z),
          owner: z
            .string()
            .optional()
            .describe('Catalog owner of the app, e.g. group:platform-team'),
          description: z
            .string()
            .optional()
            .describe('One line describing the app, shown in the catalog'),
        }),
      output: z =>
        z.object({
          appName: z.string().describe('The app name'),
          deploymentId: z.string().describe('The deployment that ran'),
          commitSha: z.string().describe('The commit that was deployed'),
          appUrl: z
            .string()
            .describe(
              'Where the app answers (empty when the host has no address)',
            ),
          host: z.string().describe('The host it runs on'),
        }),
    },
    async handler(ctx) {
      const request = parseRequest(
        deployRequestSchema,
        // Template expressions turn empty optional fields into "" or null; they mean "not set".
        dropEmpty(ctx.input),
        'deploy request',
      );
      const credentials = await ctx.getInitiatorCredentials();
      const envNames = Object.keys(request.env).sort();
      ctx.logger.info(
        `${ctx.isDryRun ? 'Dry run: would deploy' : 'Deploying'} ${
          request.name
        } from ${request.repo}${request.ref ? `@${request.ref}` : ''} to ${
          request.host
        }:${request.port} (container port ${request.container_port}, health ${
          request.health_path
        }${envNames.length ? `, env ${envNames.join(', ')}` : ''}${buildDetails(
          request,
        )})`,
      );

      if (ctx.isDryRun) {
        const plan = await client.request<{
          url: string | null;
          existing: boolean;
        }>(credentials, 'POST', '/apps/deploy?dryRun=true', request);
        ctx.logger.info(
          `Dry run: the request passes validation and policy; ${
            plan.existing
              ? 'the running app would be replaced'
              : 'a new app would be created'
          }; it would answer at ${plan.url ?? 'the host port'}`,
        );
        ctx.output('appName', request.name);
        ctx.output('deploymentId', DRY_RUN_ID);
        ctx.output('commitSha', '0'.repeat(40));
        ctx.output('appUrl', plan.url ?? '');
        ctx.output('host', request.host);
        return;
      }

      // A retried task finds the deployment it already started and follows it again.
      const deployment = await runBackendJob<Deployment>({
        ctx,
        client,
        credentials,
        checkpointKey: `slipway.deploy-app.${request.name}`,
        start: async () =>
          (
            await client.request<{ deployment: Deployment }>(
              credentials,
              'POST',
              '/apps/deploy',
              request,
            )
          ).deployment.id,
        path: id => `/deployments/${id}`,
        recordKey: 'deployment',
        title: 'Deployment',
      });
      const status = await client.request<{ url: string | null }>(
        credentials,
        'GET',
        `/apps/${request.name}/status`,
      );
      ctx.logger.info(
        `${request.name} is running${
          status.url ? ` at ${status.url}` : ''
        } (commit ${deployment.commitSha})`,
      );
      ctx.output('appName', request.name);
      ctx.output('deploymentId', deployment.id);
      ctx.output('commitSha', deployment.commitSha ?? '');
      ctx.output('appUrl', status.url ?? '');
      ctx.output('host', request.host);
    },
  });
}

/** The optional build and resource settings, for the task log. */
function buildDetails(request: {
  context?: string;
  dockerfile?: string;
  memory?: string;
  cpus?: number;
}): string {
  return [
    request.context && `, context ${request.context}`,
    request.dockerfile && `, Dockerfile ${request.dockerfile}`,
    request.memory && `, memory ${request.memory}`,
    request.cpus && `, cpus ${request.cpus}`,
  ]
    .filter(Boolean)
    .join('');
}

/** Removes keys whose value is "", null or undefined. */
export function dropEmpty<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(input).filter(
      ([, v]) => v !== '' && v !== null && v !== undefined,
    ),
  ) as Partial<T>;
}

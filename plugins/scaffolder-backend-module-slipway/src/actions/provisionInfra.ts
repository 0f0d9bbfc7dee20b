import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { provisionRequestSchema } from '@slipway/plugin-slipway-common';
import { SlipwayBackendClient } from '../client/SlipwayBackendClient';
import { runBackendJob } from '../client/followJob';
import { DRY_RUN_ID, dropEmpty } from './deployApp';
import { parseRequest } from './parseRequest';
import { examples } from './provisionInfra.examples';

/** The parts of slipway-backend's provisioning job record that the action reads. */
type InfraJob = {
  id: string;
  host: string;
  status: string;
  diagnosis: string | null;
  planSummary: { add: number; change: number; remove: number } | null;
};

/**
 * `slipway:provision-infra`: provisions a Docker host with the IaC tool (Terraform) through
 * slipway-backend's `POST /infra/provision`, as the template's initiator, streaming the plan and
 * apply progress into the task log. The host is registered with Slipway when the job succeeds.
 */
export function createProvisionInfraAction(options: {
  client: SlipwayBackendClient;
}) {
  const { client } = options;
  return createTemplateAction({
    id: 'slipway:provision-infra',
    description:
      'Provisions a Docker host on AWS EC2 from the docker-host Terraform module (plan, apply, outputs), checked against the platform policy, on behalf of the user running the template; the host is then usable for deploys.',
    examples,
    supportsDryRun: true,
    schema: {
      input: z =>
        z.object({
          name: z.string().describe('Host name: a DNS label, e.g. docker-2'),
          owner: z
            .string()
            .describe('Owning group or user, e.g. group:platform-team'),
          region: z.string().describe('AWS region, e.g. eu-west-1'),
          instance_type: z
            .string()
            .describe('EC2 instance type, e.g. t3.small'),
          ssh_cidrs: z
            .array(z.string())
            .describe(
              'IPv4 CIDR blocks allowed to reach SSH (never 0.0.0.0/0)',
            ),
          app_ports: z
            .object({ from: z.number(), to: z.number() })
            .optional()
            .describe('Host port range opened for apps (default 8000-8999)'),
          tags: z
            .record(z.string())
            .optional()
            .describe('Extra AWS tags (the policy may require some)'),
        }),
      output: z =>
        z.object({
          jobId: z.string().describe('The provisioning job'),
          host: z.string().describe('The Slipway host name'),
          address: z
            .string()
            .describe('The host address (empty in a dry run or when unknown)'),
        }),
    },
    async handler(ctx) {
      const request = parseRequest(
        provisionRequestSchema,
        dropEmpty(ctx.input),
        'provision request',
      );
      const credentials = await ctx.getInitiatorCredentials();
      ctx.logger.info(
        `${ctx.isDryRun ? 'Dry run: would provision' : 'Provisioning'} host ${
          request.name
        } (${request.instance_type} in ${request.region}, owner ${
          request.owner
        }, SSH from ${request.ssh_cidrs.join(', ')}, app ports ${
          request.app_ports.from
        }-${request.app_ports.to})`,
      );

      if (ctx.isDryRun) {
        await client.request(
          credentials,
          'POST',
          '/infra/provision?dryRun=true',
          request,
        );
        ctx.logger.info('Dry run: the request passes validation and policy');
        ctx.output('jobId', DRY_RUN_ID);
        ctx.output('host', request.name);
        ctx.output('address', '');
        return;
      }

      const job = await runBackendJob<InfraJob>({
        ctx,
        client,
        credentials,
        checkpointKey: `slipway.provision-infra.${request.name}`,
        start: async () =>
          (
            await client.request<{ job: InfraJob }>(
              credentials,
              'POST',
              '/infra/provision',
              request,
            )
          ).job.id,
        path: id => `/infra/jobs/${id}`,
        recordKey: 'job',
        title: 'Provisioning job',
      });
      const details = await client.request<{
        host: { address: string | null };
      }>(credentials, 'GET', `/hosts/${request.name}`);
      const plan = job.planSummary;
      ctx.logger.info(
        `Host ${request.name} is ready${
          details.host.address ? ` at ${details.host.address}` : ''
        }${
          plan
            ? ` (${plan.add} added, ${plan.change} changed, ${plan.remove} destroyed)`
            : ''
        }`,
      );
      ctx.output('jobId', job.id);
      ctx.output('host', request.name);
      ctx.output('address', details.host.address ?? '');
    },
  });
}

import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  deployRequestSchema,
  describeZodError,
  formatViolations,
} from '@slipway/plugin-slipway-common';
import { examples } from './validateDeployRequest.examples';
import { deployRequestInput } from './deployRequestInput';

/**
 * `slipway:validate-deploy-request`: checks a deploy request with the same rules as the
 * backend's `POST /apps/deploy`, before a template creates anything. Changes nothing, so it
 * runs in dry-run too.
 */
export function createValidateDeployRequestAction() {
  return createTemplateAction({
    id: 'slipway:validate-deploy-request',
    description:
      'Checks a Slipway deploy request (name, repo, ref, ports, health path, env, host) against the rules the Slipway backend enforces, and outputs the normalized request.',
    examples,
    supportsDryRun: true,
    schema: {
      input: z => z.object(deployRequestInput(z)),
      output: z =>
        z.object({
          name: z.string(),
          host: z.string(),
          port: z.number(),
          healthPath: z.string(),
          envNames: z.array(z.string()),
        }),
    },
    async handler(ctx) {
      const result = deployRequestSchema.safeParse(ctx.input);
      if (!result.success) {
        throw new InputError(
          `Invalid deploy request: ${formatViolations(
            describeZodError(result.error, ctx.input),
          )}`,
        );
      }
      const request = result.data;
      const envNames = Object.keys(request.env).sort();
      ctx.logger.info(
        `Deploy request for ${request.name} is valid: ${request.repo}${
          request.ref ? `@${request.ref}` : ''
        } -> ${request.host}:${request.port} (container port ${
          request.container_port
        }, health ${request.health_path}${
          envNames.length ? `, env ${envNames.join(', ')}` : ''
        })`,
      );
      ctx.output('name', request.name);
      ctx.output('host', request.host);
      ctx.output('port', request.port);
      ctx.output('healthPath', request.health_path);
      ctx.output('envNames', envNames);
    },
  });
}

import { z as zod } from 'zod/v3';

/**
 * The form of a deploy request as action input, shared by the actions that take one. Loose on
 * purpose: slipway-common's rules are applied in the handlers, so a violation fails the task
 * naming the field and the rule, exactly as the backend would, instead of a generic form error.
 */
export function deployRequestInput(z: typeof zod) {
  return {
    name: z.string().describe('App name: a DNS label, e.g. hello-static'),
    repo: z
      .string()
      .describe('Git repository URL (https or ssh) with a Dockerfile'),
    ref: z
      .string()
      .optional()
      .describe('Branch, tag or commit; the default branch when empty'),
    host: z.string().describe('Slipway host to deploy to'),
    port: z.number().describe('Host port the app is published on (1024-65535)'),
    container_port: z
      .number()
      .describe('Port the app listens on inside the container'),
    health_path: z
      .string()
      .optional()
      .describe('Path that answers 2xx/3xx when the app is ready (default /)'),
    env: z
      .record(z.string())
      .optional()
      .describe(
        'Environment variables (names [A-Z_][A-Z0-9_]*); values are never logged or stored',
      ),
    context: z
      .string()
      .optional()
      .describe(
        'Build context: a directory of the repository, e.g. services/api (default the root); relative, no ".." or leading "-"',
      ),
    dockerfile: z
      .string()
      .optional()
      .describe(
        'Dockerfile path relative to the repository root, as docker build -f from the root (default Dockerfile in the context)',
      ),
    memory: z
      .string()
      .optional()
      .describe(
        "Memory limit in Docker's format, e.g. 256m or 1g (at least 6m); bounded by slipway.policy.maxMemory",
      ),
    cpus: z
      .number()
      .optional()
      .describe(
        'CPU limit, e.g. 0.5 or 2 (hundredths, 0.01-512); bounded by slipway.policy.maxCpus',
      ),
  };
}

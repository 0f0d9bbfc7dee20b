import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// The real backend plugin, on purpose: the actions are tested against it, not a stand-in.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import slipwayPlugin from '@slipway/plugin-slipway-backend';
import {
  getHarness,
  installTerraformStandIn,
  removeLabelled,
  TERRAFORM_STANDIN_LOG_ENV,
  TERRAFORM_STANDIN_SCENARIO_ENV,
} from '@slipway/test-harness';
import { JsonObject, JsonValue } from '@backstage/types';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SlipwayBackendClient } from '../client/SlipwayBackendClient';

/**
 * The real slipway-backend plugin in a Backstage test backend, listening on loopback, with the
 * harness's sshd + Docker Engine as host `docker-1` (the name the examples use) and the
 * Terraform stand-in as the IaC tool. The actions reach it over HTTP through the same
 * discovery + auth path as in the portal: no mocked HTTP between Slipway's own packages.
 */
export async function startSlipwayBackend(opts: { deny?: boolean } = {}) {
  const harness = getHarness();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-actions-'));
  const scenarioFile = path.join(dir, 'scenario.json');
  fs.writeFileSync(
    scenarioFile,
    JSON.stringify({
      resources: [
        { address: 'module.docker_host.aws_key_pair.deploy', id: 'key-1' },
        { address: 'module.docker_host.aws_security_group.host', id: 'sg-1' },
        { address: 'module.docker_host.aws_instance.host', id: 'i-0abc' },
      ],
      outputs: {
        address: { value: harness.ssh.host },
        ssh_user: { value: harness.ssh.username },
        ssh_port: { value: harness.ssh.port },
        host_key: { value: harness.ssh.hostPublicKey },
        instance_id: { fromResource: 'module.docker_host.aws_instance.host' },
      },
    }),
  );
  // The plugin builds its own TerraformRunner from config; the stand-in reads its scenario
  // from the environment it inherits.
  process.env[TERRAFORM_STANDIN_SCENARIO_ENV] = scenarioFile;
  process.env[TERRAFORM_STANDIN_LOG_ENV] = path.join(dir, 'standin.log');
  const binary = await installTerraformStandIn(dir);

  const { server } = await startTestBackend({
    features: [
      slipwayPlugin,
      mockServices.permissions.factory({
        result: opts.deny ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      }),
      mockServices.rootConfig.factory({
        data: {
          slipway: {
            hosts: [
              {
                name: 'docker-1',
                address: harness.ssh.host,
                port: harness.ssh.port,
                user: harness.ssh.username,
                privateKey: harness.ssh.privateKey,
                hostKey: harness.ssh.hostPublicKey,
              },
            ],
            policy: {
              allowedRepoHosts: [
                '127.0.0.1',
                'github.com',
                'gitlab.example.com',
              ],
              allowedRegions: ['eu-west-1'],
              requiredTags: ['CostCenter'],
            },
            deploy: {
              workDir: path.join(dir, 'deploy'),
              healthGate: { deadlineSeconds: 20 },
            },
            iac: {
              binary,
              workDir: path.join(dir, 'iac'),
              sshPublicKey: fs
                .readFileSync(`${harness.ssh.privateKeyPath}.pub`, 'utf8')
                .trim(),
              sshPrivateKey: harness.ssh.privateKey,
            },
          },
        },
      }),
    ],
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api/slipway`;
  const discovery = {
    getBaseUrl: async () => baseUrl,
    getExternalBaseUrl: async () => baseUrl,
  };
  const client = new SlipwayBackendClient(discovery, mockServices.auth());
  return {
    baseUrl,
    client,
    harness,
    dir,
    async stop(appNames: string[] = []) {
      server.close();
      for (const name of appNames) await removeLabelled(`slipway.app=${name}`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An action context whose checkpoints persist in `store`, as the scaffolder persists them for a
 * task: a second handler call with the same store behaves like a retried task.
 */
export function contextWithCheckpoints(
  input: JsonObject,
  store: Map<string, JsonValue> = new Map(),
  extra: { signal?: AbortSignal; isDryRun?: boolean } = {},
) {
  const ctx = createMockActionContext({ input });
  const checkpoint = async <T extends JsonValue | void>(opts: {
    key: string;
    fn: () => Promise<T> | T;
  }): Promise<T> => {
    if (store.has(opts.key)) return store.get(opts.key) as T;
    const value = await opts.fn();
    store.set(opts.key, value as JsonValue);
    return value;
  };
  return Object.assign(ctx, { checkpoint, ...extra });
}

/** Every line the action wrote to the task log, in order, with the level. */
export function taskLog(ctx: ReturnType<typeof createMockActionContext>) {
  const lines: { level: string; message: string; at: number }[] = [];
  for (const level of ['info', 'warn', 'error'] as const) {
    jest.spyOn(ctx.logger, level).mockImplementation(((message: unknown) => {
      lines.push({ level, message: String(message), at: Date.now() });
      return ctx.logger;
    }) as any);
  }
  return lines;
}

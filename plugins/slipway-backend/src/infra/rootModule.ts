import { ValidProvisionRequest } from '@slipway/plugin-slipway-common';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The root module Slipway writes for one host: Terraform's JSON syntax (`main.tf.json`), so no
 * request value is ever spliced into HCL text. Values arrive through the `-var-file`; this file
 * only declares the variables and wires them into `terraform/modules/docker-host`.
 */
export function rootModule(opts: {
  modulePath: string;
  /** The backend type (`slipway.iac.backend`): an empty block, configured at init. */
  backend?: string;
  /** Configure the AWS provider's region (see `moduleUsesAws`). */
  awsProvider: boolean;
}): object {
  return {
    terraform: {
      required_version: '>= 1.6.0',
      ...(opts.backend ? { backend: { [opts.backend]: {} } } : {}),
    },
    variable: {
      name: { type: 'string' },
      region: { type: 'string' },
      instance_type: { type: 'string' },
      ssh_cidrs: { type: 'list(string)' },
      app_port_range: { type: 'object({ from = number, to = number })' },
      ssh_public_key: { type: 'string' },
      tags: { type: 'map(string)' },
    },
    ...(opts.awsProvider
      ? { provider: { aws: { region: '${var.region}' } } }
      : {}),
    module: {
      docker_host: {
        source: opts.modulePath,
        name: '${var.name}',
        instance_type: '${var.instance_type}',
        ssh_cidrs: '${var.ssh_cidrs}',
        app_port_range: '${var.app_port_range}',
        ssh_public_key: '${var.ssh_public_key}',
        tags: '${var.tags}',
      },
    },
    output: Object.fromEntries(
      [
        'address',
        'public_ip',
        'private_ip',
        'instance_id',
        'ssh_user',
        'ssh_port',
        'security_group_id',
        'host_key_hint',
      ].map(name => [name, { value: `\${module.docker_host.${name}}` }]),
    ),
  };
}

/** The `-var-file` values for a request (tags carry the owner, as the module requires). */
export function moduleVariables(
  request: ValidProvisionRequest,
  sshPublicKey: string,
): Record<string, unknown> {
  return {
    name: request.name,
    region: request.region,
    instance_type: request.instance_type,
    ssh_cidrs: request.ssh_cidrs,
    app_port_range: request.app_ports,
    ssh_public_key: sshPublicKey,
    tags: { ...request.tags, Owner: request.owner, SlipwayHost: request.name },
  };
}

/**
 * Whether the module uses the AWS provider (declares `hashicorp/aws` or has `aws_` resources).
 * A provider block in the root module makes `init` install that provider, so a module of
 * Terraform's built-in resources (`terraform_data`) gets none and runs without a download.
 */
export function moduleUsesAws(modulePath: string): boolean {
  let files: string[];
  try {
    files = fs.readdirSync(modulePath).filter(f => /\.tf(\.json)?$/.test(f));
  } catch {
    // Not a local folder (a registry or Git source): the docker-host module's needs.
    return true;
  }
  return files.some(file =>
    /hashicorp\/aws|"aws_[a-z]/.test(
      fs.readFileSync(path.join(modulePath, file), 'utf8'),
    ),
  );
}

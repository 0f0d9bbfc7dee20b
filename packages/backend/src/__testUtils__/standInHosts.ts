import fs from 'node:fs';
import path from 'node:path';
import type { Harness } from '@slipway/test-harness';

/**
 * Provisioning in the real portal without a cloud: the harness's Terraform stand-in, whose
 * "EC2 instance" is the harness's sshd, so a provisioned host is a real, reachable host.
 */

/** `slipway.iac` for the portal: the stand-in at `binary`, the harness's key as deploy key. */
export function standInIacConfig(
  harness: Harness,
  binary: string,
  dataDir: string,
) {
  return {
    binary,
    workDir: path.join(dataDir, 'iac'),
    sshPublicKey: fs
      .readFileSync(`${harness.ssh.privateKeyPath}.pub`, 'utf8')
      .trim(),
    sshPrivateKey: harness.ssh.privateKey,
  };
}

/** The stand-in's scenario (for TERRAFORM_STANDIN_SCENARIO_ENV): the module's resources. */
export function standInScenario(harness: Harness): string {
  return JSON.stringify({
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
  });
}

/** `slipway.policy` that the request below passes. */
export const STAND_IN_POLICY = {
  allowedRegions: ['eu-west-1'],
  allowedInstanceTypes: ['t3.small'],
};

/** A `POST /infra/provision` body that passes STAND_IN_POLICY. */
export function provisionBody(name: string, owner: string) {
  return {
    name,
    owner,
    region: 'eu-west-1',
    instance_type: 't3.small',
    ssh_cidrs: ['203.0.113.0/24'],
    app_ports: { from: 8000, to: 8999 },
    tags: { CostCenter: 'cc-teams' },
  };
}

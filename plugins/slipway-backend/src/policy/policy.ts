import { Config } from '@backstage/config';
import {
  memoryBytes,
  memoryLimit,
  ValidDeployRequest,
  ValidProvisionRequest,
} from '@slipway/plugin-slipway-common';

/** One broken rule, as the 400 lists it. */
export type PolicyViolation = { rule: string; message: string };

/**
 * Platform rules from `slipway.policy`, checked before anything changes. Each rule is
 * optional: an unset rule allows everything, except the open-SSH rule, which is always on.
 */
export type PolicyConfig = {
  allowedRegions?: string[];
  allowedInstanceTypes?: string[];
  maxHostsPerOwner?: number;
  requiredTags?: string[];
  allowedPortRange?: { from: number; to: number };
  allowedRepoHosts: string[];
  /** The most memory one app may ask for, in Docker's format (`2g`). */
  maxMemory?: string;
  /** The most CPUs one app may ask for (`2`). */
  maxCpus?: number;
};

const DEFAULT_REPO_HOSTS = ['github.com', 'gitlab.com', 'bitbucket.org'];
const INTEGRATION_KINDS = [
  'github',
  'gitlab',
  'bitbucketCloud',
  'bitbucketServer',
  'azure',
  'gitea',
  'gerrit',
];

/** Repo hosts: `slipway.policy.allowedRepoHosts`, else the integrations' hosts and the big three. */
function readAllowedRepoHosts(config: Config): string[] {
  const configured =
    config.getOptionalStringArray('slipway.policy.allowedRepoHosts') ??
    config.getOptionalStringArray('slipway.repos.allowedHosts');
  if (configured) return configured.map(h => h.toLowerCase());
  const fromIntegrations = INTEGRATION_KINDS.flatMap(kind =>
    (config.getOptionalConfigArray(`integrations.${kind}`) ?? [])
      .map(c => c.getOptionalString('host'))
      .filter((h): h is string => !!h),
  );
  return [
    ...new Set([
      ...DEFAULT_REPO_HOSTS,
      ...fromIntegrations.map(h => h.toLowerCase()),
    ]),
  ];
}

export function readPolicyConfig(config: Config): PolicyConfig {
  const p = config.getOptionalConfig('slipway.policy');
  const range = p?.getOptionalConfig('allowedPortRange');
  return {
    allowedRegions: p?.getOptionalStringArray('allowedRegions'),
    allowedInstanceTypes: p?.getOptionalStringArray('allowedInstanceTypes'),
    maxHostsPerOwner: p?.getOptionalNumber('maxHostsPerOwner'),
    requiredTags: p?.getOptionalStringArray('requiredTags'),
    allowedPortRange: range
      ? { from: range.getNumber('from'), to: range.getNumber('to') }
      : undefined,
    allowedRepoHosts: readAllowedRepoHosts(config),
    maxMemory: readMaxMemory(p),
    maxCpus: p?.getOptionalNumber('maxCpus'),
  };
}

/** A bound the request rule would refuse stops the backend: it could never be honoured. */
function readMaxMemory(policy: Config | undefined): string | undefined {
  const value = policy?.getOptionalString('maxMemory');
  if (value !== undefined && !memoryLimit.safeParse(value).success) {
    throw new Error(
      `slipway.policy.maxMemory: must be a memory size such as 512m or 2g (got "${value}")`,
    );
  }
  return value;
}

const OPEN_CIDRS = ['0.0.0.0/0', '::/0'];
/** Tags terraform/modules/docker-host validates: checked here so the user hears before a plan. */
const MODULE_REQUIRED_TAGS = ['CostCenter'];

export function evaluateProvisionPolicy(
  policy: PolicyConfig,
  request: ValidProvisionRequest,
  context: { hostsOwnedByOwner: number },
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  if (
    policy.allowedRegions &&
    !policy.allowedRegions.includes(request.region)
  ) {
    violations.push({
      rule: 'region.allowed',
      message: `region ${
        request.region
      } is not allowed (allowed: ${policy.allowedRegions.join(', ')})`,
    });
  }
  if (
    policy.allowedInstanceTypes &&
    !policy.allowedInstanceTypes.includes(request.instance_type)
  ) {
    violations.push({
      rule: 'instance-type.allowed',
      message: `instance_type ${
        request.instance_type
      } is not allowed (allowed: ${policy.allowedInstanceTypes.join(', ')})`,
    });
  }
  if (
    policy.maxHostsPerOwner !== undefined &&
    context.hostsOwnedByOwner >= policy.maxHostsPerOwner
  ) {
    violations.push({
      rule: 'owner.max-hosts',
      message: `${request.owner} already has ${context.hostsOwnedByOwner} host(s); the limit is ${policy.maxHostsPerOwner}`,
    });
  }
  // The module itself requires CostCenter (Owner comes from the request's owner).
  const required = [
    ...new Set([...MODULE_REQUIRED_TAGS, ...(policy.requiredTags ?? [])]),
  ];
  const missingTags = required.filter(tag => !request.tags[tag]);
  if (missingTags.length) {
    violations.push({
      rule: 'tags.required',
      message: `tags must include ${missingTags.join(', ')}`,
    });
  }
  const range = policy.allowedPortRange;
  if (
    range &&
    (request.app_ports.from < range.from || request.app_ports.to > range.to)
  ) {
    violations.push({
      rule: 'ports.allowed-range',
      message: `app_ports ${request.app_ports.from}-${request.app_ports.to} must lie within ${range.from}-${range.to}`,
    });
  }
  const open = request.ssh_cidrs.filter(cidr => OPEN_CIDRS.includes(cidr));
  if (open.length) {
    violations.push({
      rule: 'ssh.no-open-cidr',
      message: `ssh_cidrs must not open SSH to the world (${open.join(', ')})`,
    });
  }
  return violations;
}

export function evaluateDeployPolicy(
  policy: PolicyConfig,
  request: ValidDeployRequest,
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const url = new URL(request.repo);
  const hostWithPort = (
    url.port ? `${url.hostname}:${url.port}` : url.hostname
  ).toLowerCase();
  if (
    !policy.allowedRepoHosts.some(
      h => h === url.hostname.toLowerCase() || h === hostWithPort,
    )
  ) {
    violations.push({
      rule: 'repo.allowed-host',
      message: `repo host ${
        url.hostname
      } is not allowed (allowed: ${policy.allowedRepoHosts.join(', ')})`,
    });
  }
  const range = policy.allowedPortRange;
  if (range && (request.port < range.from || request.port > range.to)) {
    violations.push({
      rule: 'ports.allowed-range',
      message: `port ${request.port} must lie within ${range.from}-${range.to}`,
    });
  }
  return [...violations, ...resourceViolations(policy, request)];
}

function resourceViolations(
  policy: PolicyConfig,
  request: ValidDeployRequest,
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  // An app without a limit could take the whole host, so a bound makes the limit required.
  if (policy.maxMemory !== undefined) {
    const asked = request.memory ? memoryBytes(request.memory) : undefined;
    if (asked === undefined || asked > memoryBytes(policy.maxMemory)!) {
      violations.push({
        rule: 'resources.max-memory',
        message: request.memory
          ? `memory ${request.memory} is more than the allowed ${policy.maxMemory}`
          : `memory is required (at most ${policy.maxMemory})`,
      });
    }
  }
  if (policy.maxCpus !== undefined) {
    if (request.cpus === undefined || request.cpus > policy.maxCpus) {
      violations.push({
        rule: 'resources.max-cpus',
        message:
          request.cpus === undefined
            ? `cpus is required (at most ${policy.maxCpus})`
            : `cpus ${request.cpus} is more than the allowed ${policy.maxCpus}`,
      });
    }
  }
  return violations;
}

/**
 * A 400 in Backstage's error shape that also lists every broken rule with its id, so a user
 * (or a template) fixes them all at once.
 */
export function policyErrorBody(violations: PolicyViolation[]) {
  return {
    error: {
      name: 'PolicyViolationError',
      message: `Policy check failed: ${violations
        .map(v => `[${v.rule}] ${v.message}`)
        .join('; ')}`,
      violations,
    },
    response: { statusCode: 400 },
  };
}

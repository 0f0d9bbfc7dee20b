import path from 'node:path';
import yaml from 'yaml';
import type {
  ValidDeployRequest,
  ValidProvisionRequest,
} from '@slipway/plugin-slipway-common';

export const MANIFEST_API_VERSION = 'slipway.dev/v1alpha1';
export const MANIFEST_FILE = 'slipway.yaml';
export const TERRAFORM_FILE = 'main.tf.json';

/** Where the docker-host module sits in a GitOps repository laid out like this monorepo. */
export const DEFAULT_MODULE_DIR = 'terraform/modules/docker-host';

/** The outputs of `terraform/modules/docker-host` that environments/example re-exports. */
const MODULE_OUTPUTS = [
  'address',
  'host_key_hint',
  'instance_id',
  'private_ip',
  'public_ip',
  'security_group_id',
  'slipway_host',
  'ssh_port',
  'ssh_user',
];

export type RenderedFile = { path: string; content: string };

export type IacKind = 'host' | 'app';

const HEADER =
  'Written by Slipway (slipway:commit-iac) from a self-service request. Change the request, not this file: the next request for this name overwrites it.';

/**
 * Terraform evaluates `${...}` and `%{...}` in JSON strings too, so a request value such as
 * `${file("/etc/passwd")}` would otherwise run as an expression. Doubling the introducer is
 * Terraform's own escape; `$${` itself becomes `$$${`, which Terraform reads back as `$${`.
 */
export function escapeTemplate(value: string): string {
  // Function replacers: in a replacement string "$$" would itself mean "$".
  return value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Escapes every string (object keys too: Terraform reads JSON keys as templates as well). */
export function escapeTemplatesDeep(value: unknown): unknown {
  if (typeof value === 'string') return escapeTemplate(value);
  if (Array.isArray(value)) return value.map(escapeTemplatesDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        escapeTemplate(k),
        escapeTemplatesDeep(v),
      ]),
    );
  }
  return value;
}

/** Object keys sorted at every level, so the same request always gives the same bytes. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map(k => [k, sortKeysDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}

function manifest(kind: 'Host' | 'App', name: string, spec: object): string {
  const body = yaml.stringify(
    sortKeysDeep({
      apiVersion: MANIFEST_API_VERSION,
      kind,
      metadata: { name },
      spec,
    }),
    { lineWidth: 0 },
  );
  return `# ${HEADER}\n${body}`;
}

/** `slipway/hosts/<name>` or `slipway/apps/<name>`. */
export function defaultIacPath(kind: IacKind, name: string): string {
  return `slipway/${kind === 'host' ? 'hosts' : 'apps'}/${name}`;
}

/**
 * A folder inside the GitOps repository. Checked as text (not normalized) because what is
 * refused here must never reach the file system: `..`, absolute paths, backslashes and `.git`
 * would let a request write outside its folder or into git's own metadata.
 * Returns an error message, or undefined when the path is fine.
 */
export function checkIacPath(value: string): string | undefined {
  if (value.length === 0) return 'path must not be empty';
  if (value.length > 200) return 'path must be at most 200 characters';
  if (value.startsWith('/')) return 'path must be relative (no leading "/")';
  if (!/^[A-Za-z0-9._/-]+$/.test(value)) {
    return 'path may contain only letters, digits and . _ / - (no backslashes or spaces)';
  }
  const segments = value.replace(/\/$/, '').split('/');
  if (segments.some(s => s === '')) return 'path must not contain "//"';
  if (segments.some(s => s === '..' || s === '.')) {
    return 'path must not contain "." or ".." segments';
  }
  if (segments.some(s => s.toLowerCase() === '.git')) {
    return 'path must not contain a ".git" segment';
  }
  return undefined;
}

export function normalizeIacPath(value: string): string {
  return value.replace(/\/$/, '');
}

/**
 * A Terraform module source: a relative path, a registry address or a go-getter URL such as
 * `git::https://github.com/acme/slipway.git//terraform/modules/docker-host?ref=v1.2.0`.
 * Quotes, whitespace, `$`, `%`, braces and backslashes are refused: none is needed by any of
 * these forms, and each is what an injection would need.
 */
export function checkModuleSource(value: string): string | undefined {
  if (value.length === 0) return 'moduleSource must not be empty';
  if (value.length > 512) return 'moduleSource must be at most 512 characters';
  if (value.startsWith('-')) return 'moduleSource must not start with "-"';
  if (!/^[A-Za-z0-9._~:/?=&+@,-]+$/.test(value)) {
    return 'moduleSource may contain only letters, digits and . _ ~ : / ? = & + @ , - (no quotes, spaces, $, %, braces or backslashes)';
  }
  return undefined;
}

/** The docker-host module of the same repository, relative to the host's folder. */
export function defaultModuleSource(iacPath: string): string {
  const relative = path.posix.relative(iacPath, DEFAULT_MODULE_DIR);
  return relative.startsWith('../') ? relative : `./${relative}`;
}

/** The key format terraform/modules/docker-host accepts (variable ssh_public_key). */
export function checkSshPublicKey(value: string): string | undefined {
  return /^(ssh-ed25519 AAAAC3NzaC1lZDI1NTE5|ssh-rsa AAAAB3NzaC1yc2E)[A-Za-z0-9+/]+={0,3}( [ -~]*)?$/.test(
    value,
  )
    ? undefined
    : 'must be one OpenSSH public key line of type ssh-ed25519 or ssh-rsa';
}

export type HostRenderOptions = {
  moduleSource: string;
  /**
   * Written into main.tf.json when set. Without it the root module declares
   * `variable "ssh_public_key"`, which the pipeline that applies the repository provides
   * (e.g. `TF_VAR_ssh_public_key`).
   */
  sshPublicKey?: string;
};

/**
 * A root module in Terraform's JSON syntax that instantiates docker-host like
 * terraform/environments/example does: S3 state (bucket and region from `-backend-config` at
 * init, the per-host key here), the AWS provider for the request's region with default_tags,
 * and the module's outputs re-exported for Slipway.
 */
export function renderHostTerraform(
  request: ValidProvisionRequest,
  options: HostRenderOptions,
): string {
  // Owner is the request's owner field: the module requires the tag and the request has it.
  const tags = { ...request.tags, Owner: request.owner };
  const values = escapeTemplatesDeep({
    name: request.name,
    region: request.region,
    instance_type: request.instance_type,
    ssh_cidrs: request.ssh_cidrs,
    app_port_range: { from: request.app_ports.from, to: request.app_ports.to },
    tags,
    default_tags: { ...tags, ManagedBy: 'slipway' },
    ssh_public_key: options.sshPublicKey,
  }) as Record<string, unknown>;

  const root: Record<string, unknown> = {
    '//': HEADER,
    terraform: {
      required_version: '>= 1.6',
      required_providers: {
        aws: { source: 'hashicorp/aws', version: '~> 5.0' },
      },
      backend: { s3: { key: `hosts/${request.name}.tfstate` } },
    },
    provider: {
      aws: {
        region: values.region,
        default_tags: { tags: values.default_tags },
      },
    },
    module: {
      docker_host: {
        source: options.moduleSource,
        name: values.name,
        instance_type: values.instance_type,
        ssh_cidrs: values.ssh_cidrs,
        app_port_range: values.app_port_range,
        ssh_public_key:
          values.ssh_public_key === undefined
            ? '${var.ssh_public_key}'
            : values.ssh_public_key,
        tags: values.tags,
      },
    },
    output: Object.fromEntries(
      MODULE_OUTPUTS.map(name => [
        name,
        { value: `\${module.docker_host.${name}}` },
      ]),
    ),
  };
  if (options.sshPublicKey === undefined) {
    root.variable = {
      ssh_public_key: {
        type: 'string',
        description:
          'OpenSSH public key Slipway logs in with (set TF_VAR_ssh_public_key in the pipeline).',
      },
    };
  }
  return stableJson(root);
}

export function renderHostManifest(
  request: ValidProvisionRequest,
  options: HostRenderOptions,
): string {
  return manifest('Host', request.name, {
    owner: request.owner,
    region: request.region,
    instanceType: request.instance_type,
    sshCidrs: request.ssh_cidrs,
    appPorts: { from: request.app_ports.from, to: request.app_ports.to },
    tags: request.tags,
    terraform: { root: TERRAFORM_FILE, module: options.moduleSource },
  });
}

/** Only the names of env variables: their values may be secrets and never go into Git. */
export function renderAppManifest(request: ValidDeployRequest): string {
  return manifest('App', request.name, {
    repo: request.repo,
    ...(request.ref !== undefined ? { ref: request.ref } : {}),
    host: request.host,
    port: request.port,
    containerPort: request.container_port,
    healthPath: request.health_path,
    envNames: Object.keys(request.env).sort(),
  });
}

/** The files for one request, with paths inside the GitOps repository. */
export function renderIacFiles(
  input:
    | {
        kind: 'host';
        request: ValidProvisionRequest;
        options: HostRenderOptions;
      }
    | { kind: 'app'; request: ValidDeployRequest },
  iacPath: string,
): RenderedFile[] {
  const at = (file: string) => path.posix.join(iacPath, file);
  if (input.kind === 'host') {
    return [
      {
        path: at(TERRAFORM_FILE),
        content: renderHostTerraform(input.request, input.options),
      },
      {
        path: at(MANIFEST_FILE),
        content: renderHostManifest(input.request, input.options),
      },
    ];
  }
  return [
    { path: at(MANIFEST_FILE), content: renderAppManifest(input.request) },
  ];
}

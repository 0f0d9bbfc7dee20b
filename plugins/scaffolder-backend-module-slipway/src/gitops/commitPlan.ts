/**
 * Validating and rendering a `slipway:commit-iac` request: everything the action decides before
 * anything is cloned (target, branch, folder, rendered files, commit and PR text).
 */
// Only the type: the package declares @backstage/config for tests, and callers pass their own.
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  deployRequestSchema,
  describeZodError,
  formatViolations,
  gitRef,
  provisionRequestSchema,
  ValidDeployRequest,
  ValidProvisionRequest,
} from '@slipway/plugin-slipway-common';
import type { FileChange } from './gitopsRepo';
import { resolveModuleSource } from './moduleSources';
import {
  checkIacPath,
  checkSshPublicKey,
  defaultIacPath,
  normalizeIacPath,
  RenderedFile,
  renderIacFiles,
} from './renderIac';
import { GitOpsTarget, resolveTarget } from './target';

const KINDS = ['host', 'app'] as const;
const MODES = ['pull-request', 'push'] as const;
export type Kind = (typeof KINDS)[number];
export type Mode = (typeof MODES)[number];

export type Plan = {
  target: GitOpsTarget;
  kind: Kind;
  mode: Mode;
  name: string;
  targetBranch?: string;
  iacPath: string;
  files: RenderedFile[];
  subject: string;
  title: string;
  description?: string;
  /** Lines describing the request for the commit and PR body (never env values). */
  summary: string[];
};

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`${field} must be a string`);
  }
  return value;
}

type Rendered = { files: RenderedFile[]; subject: string; summary: string[] };

function planHost(
  request: ValidProvisionRequest,
  iacPath: string,
  input: Record<string, unknown>,
  config: Config | undefined,
): Rendered {
  const moduleSource = resolveModuleSource(
    optionalString(input.moduleSource, 'moduleSource'),
    iacPath,
    config,
  );
  const keyFrom = config?.getOptionalString('slipway.gitops.sshPublicKey')
    ? 'slipway.gitops.sshPublicKey'
    : 'slipway.iac.sshPublicKey';
  const sshPublicKey = config?.getOptionalString(keyFrom)?.trim();
  const keyProblem = sshPublicKey ? checkSshPublicKey(sshPublicKey) : undefined;
  if (keyProblem) {
    throw new Error(`${keyFrom} in app-config ${keyProblem}`);
  }
  const { name } = request;
  return {
    files: renderIacFiles(
      {
        kind: 'host',
        request,
        options: { moduleSource, sshPublicKey: sshPublicKey || undefined },
      },
      iacPath,
    ),
    subject: `slipway: provision host ${name}`,
    summary: [
      `Host ${name} for ${request.owner}: ${request.instance_type} in ${request.region}`,
      `SSH from ${request.ssh_cidrs.join(', ')}; app ports ${
        request.app_ports.from
      }-${request.app_ports.to}`,
      `Terraform module: ${moduleSource}`,
    ],
  };
}

function planApp(request: ValidDeployRequest, iacPath: string): Rendered {
  const envNames = Object.keys(request.env).sort();
  return {
    files: renderIacFiles({ kind: 'app', request }, iacPath),
    subject: `slipway: deploy app ${request.name}`,
    summary: [
      `App ${request.name} from ${request.repo}${
        request.ref ? `@${request.ref}` : ''
      } on host ${request.host}, port ${request.port} -> ${
        request.container_port
      }, health ${request.health_path}`,
      ...(envNames.length
        ? [`Env names (values are not stored): ${envNames.join(', ')}`]
        : []),
    ],
  };
}

/** Validates the action input and renders its files; runs before anything is cloned. */
export function planIacCommit(
  input: Record<string, unknown>,
  options: { integrations: ScmIntegrations; config?: Config },
): Plan {
  const { integrations, config } = options;
  const repoUrl = optionalString(input.repoUrl, 'repoUrl');
  if (!repoUrl) {
    throw new InputError(
      'repoUrl is required, e.g. github.com?owner=acme&repo=platform-infra',
    );
  }
  const target = resolveTarget(integrations, repoUrl);

  const kind = input.kind as Kind;
  if (!KINDS.includes(kind)) {
    throw new InputError(
      `kind must be one of ${KINDS.join(', ')} (got ${JSON.stringify(
        input.kind,
      )})`,
    );
  }
  const mode = (input.mode ?? 'pull-request') as Mode;
  if (!MODES.includes(mode)) {
    throw new InputError(
      `mode must be one of ${MODES.join(', ')} (got ${JSON.stringify(
        input.mode,
      )})`,
    );
  }

  const targetBranch = optionalString(input.targetBranch, 'targetBranch');
  if (targetBranch !== undefined) {
    const checked = gitRef.safeParse(targetBranch);
    if (!checked.success) {
      throw new InputError(
        `targetBranch: ${checked.error.issues[0].message.replace(
          /^ref\b/,
          'targetBranch',
        )}`,
      );
    }
  }

  const raw = input.request;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(
      `request must be an object: a ${
        kind === 'host' ? 'provision' : 'deploy'
      } request`,
    );
  }
  const parsed =
    kind === 'host'
      ? provisionRequestSchema.safeParse(raw)
      : deployRequestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(
      `Invalid ${
        kind === 'host' ? 'provision' : 'deploy'
      } request: ${formatViolations(describeZodError(parsed.error, raw))}`,
    );
  }
  const name = parsed.data.name;

  const requestedPath = optionalString(input.path, 'path');
  const pathProblem =
    requestedPath === undefined ? undefined : checkIacPath(requestedPath);
  if (pathProblem) throw new InputError(`path: ${pathProblem}`);
  const iacPath = requestedPath
    ? normalizeIacPath(requestedPath)
    : defaultIacPath(kind, name);

  const title = optionalString(input.title, 'title');
  if (title !== undefined && (title.length > 200 || /[\r\n]/.test(title))) {
    throw new InputError('title must be one line of at most 200 characters');
  }
  const description = optionalString(input.description, 'description');
  if (description !== undefined && description.length > 20_000) {
    throw new InputError('description must be at most 20000 characters');
  }

  const { files, subject, summary } =
    kind === 'host'
      ? // parsed came from provisionRequestSchema: kind chose the schema above.
        planHost(parsed.data as ValidProvisionRequest, iacPath, input, config)
      : planApp(parsed.data as ValidDeployRequest, iacPath);

  return {
    target,
    kind,
    mode,
    name,
    targetBranch,
    iacPath,
    files,
    subject,
    title: title ?? subject,
    description,
    summary,
  };
}

/** The commit message body, also the default pull request description. */
export function commitBody(
  p: Plan,
  changes: FileChange[],
  taskId: string | undefined,
  requester: string | undefined,
): string {
  return [
    ...p.summary,
    '',
    'Changed files:',
    ...changes.map(c => `  ${c.status} ${c.path}`),
    '',
    ...(requester ? [`Requested by: ${requester}`] : []),
    `Scaffolder task: ${taskId ?? 'unknown'}`,
  ].join('\n');
}

// Only the type: the package declares @backstage/config for tests, and callers pass their own.
import type { Config } from '@backstage/config';
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { slipwayIacPushPermission } from '@slipway/plugin-slipway-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { commitBody as body, Plan, planIacCommit } from '../gitops/commitPlan';
import {
  GitOpsRepo,
  gitIdentity,
  scrubSecrets,
  secretsOf,
} from '../gitops/gitopsRepo';
import { readAllowedModuleSources } from '../gitops/moduleSources';
import { openPullRequest } from '../gitops/pullRequests';
import { getCredentials, pullRequestPlaceholderUrl } from '../gitops/target';
import { examples } from './commitIac.examples';

/** The committer of every Slipway commit; the author is the person who ran the template. */
export const SLIPWAY_COMMITTER = { name: 'Slipway', email: 'slipway@noreply' };

const DRY_RUN_SHA = '0'.repeat(40);

/** `mock-task-id` -> `mocktask`; a uuid -> its first 8 hex digits. */
function shortTaskId(id: string | undefined): string {
  const short = (id ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8);
  return short || Date.now().toString(36);
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

type Outputs = { commitSha: string; branch: string; pullRequestUrl: string };

/** What a dry run reports: the files and what would be pushed; placeholders for the rest. */
function dryRun(
  logger: { info(message: string): void },
  p: Plan,
  prBranch: string,
): Outputs {
  for (const file of p.files) {
    logger.info(
      `Dry run: would write ${file.path} (${byteLength(file.content)} bytes)`,
    );
  }
  const pullRequest = p.mode === 'pull-request';
  const base = p.targetBranch ?? 'the default branch';
  logger.info(
    `Dry run: would ${
      pullRequest
        ? `push ${prBranch} and open a pull request against ${base}`
        : `push to ${base}`
    } of ${p.target.remoteUrl}; nothing was cloned or pushed`,
  );
  return {
    commitSha: DRY_RUN_SHA,
    branch: pullRequest ? prBranch : p.targetBranch ?? 'main',
    pullRequestUrl: pullRequest ? pullRequestPlaceholderUrl(p.target) : '',
  };
}

/**
 * A push skips the review a pull request gives, so it needs `slipway.iac.push` for the
 * template's initiator; checked before anything is cloned, in a dry run too.
 */
async function authorizePush(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  p: Plan,
): Promise<void> {
  const [decision] = await permissions.authorize(
    [{ permission: slipwayIacPushPermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `mode "push" commits straight to ${
        p.targetBranch ?? 'the default branch'
      } and needs the ${
        slipwayIacPushPermission.name
      } permission, which only Slipway admins have by default; use mode "pull-request"`,
    );
  }
}

/** Pushes to the target branch, rebasing once onto whatever was pushed since the clone. */
async function pushToBranch(
  repo: GitOpsRepo,
  p: Plan,
  baseBranch: string,
  committed: string,
  logger: { info(message: string): void },
): Promise<Outputs> {
  await repo.push(baseBranch, { rebaseOnce: true });
  const pushed = await repo.head();
  if (pushed !== committed) {
    logger.info(
      `${baseBranch} had moved since the clone; rebased the commit onto it as ${pushed}`,
    );
  }
  logger.info(`Pushed ${pushed} to ${baseBranch} of ${p.target.remoteUrl}`);
  return { commitSha: pushed, branch: baseBranch, pullRequestUrl: '' };
}

/**
 * Pushes the pull request branch and opens the pull/merge request; if the API refuses, the
 * branch is deleted again (a branch without its pull request is clutter nobody will find).
 */
async function proposeChange(o: {
  repo: GitOpsRepo;
  p: Plan;
  token: string;
  secrets: string[];
  prBranch: string;
  baseBranch: string;
  committed: string;
  commitBody: string;
  logger: { info(message: string): void; warn(message: string): void };
}): Promise<Outputs> {
  const { repo, p, prBranch, baseBranch, logger } = o;
  await repo.push(prBranch);
  logger.info(`Pushed branch ${prBranch} to ${p.target.remoteUrl}`);
  let url: string;
  try {
    ({ url } = await openPullRequest({
      target: p.target,
      token: o.token,
      head: prBranch,
      base: baseBranch,
      title: p.title,
      body:
        p.description ??
        `${o.commitBody}\n\nOpened by Slipway (slipway:commit-iac).`,
    }));
  } catch (e) {
    try {
      await repo.deleteRemoteBranch(prBranch);
      logger.info(
        `Deleted branch ${prBranch} again because the pull request could not be opened`,
      );
    } catch (cleanup) {
      logger.warn(
        scrubSecrets(
          `Could not delete branch ${prBranch} after the failed pull request: ${
            (cleanup as Error)?.message ?? cleanup
          }`,
          o.secrets,
        ),
      );
    }
    throw e;
  }
  logger.info(`Opened ${url} (${prBranch} -> ${baseBranch})`);
  return { commitSha: o.committed, branch: prBranch, pullRequestUrl: url };
}

/** The commit's author: the initiator's profile, else their entity name. */
function authorOf(user: { ref?: string; entity?: { spec?: any } } | undefined) {
  const profile = user?.entity?.spec?.profile;
  const refName = user?.ref?.replace(/^.*[:/]/, '');
  return gitIdentity(profile?.displayName ?? refName, profile?.email);
}

/** Clones the target, writes the rendered files and stages them: what a commit would change. */
async function cloneAndStage(
  p: Plan,
  at: {
    dir: string;
    credentials: Awaited<ReturnType<typeof getCredentials>>;
    author: ReturnType<typeof gitIdentity>;
  },
  logger: { info(message: string): void },
) {
  logger.info(
    `Cloning ${p.target.remoteUrl}${
      p.targetBranch ? ` (branch ${p.targetBranch})` : ''
    }`,
  );
  const repo = await GitOpsRepo.clone({
    dir: at.dir,
    remoteUrl: p.target.remoteUrl,
    branch: p.targetBranch,
    credentials: at.credentials,
    author: at.author,
    committer: SLIPWAY_COMMITTER,
  });
  await repo.writeFiles(p.files);
  for (const file of p.files) {
    logger.info(`Rendered ${file.path} (${byteLength(file.content)} bytes)`);
  }
  return { repo, changes: await repo.stage(p.files, p.iacPath) };
}

/**
 * `slipway:commit-iac`: renders a Slipway request (a host to provision or an app to deploy) as
 * files in a GitOps repository and commits them, through a pull/merge request or straight to a
 * branch. Everything is validated and rendered before anything is cloned.
 */
export function createCommitIacAction(options: {
  integrations: ScmIntegrations;
  /** Decides `slipway.iac.push` for the initiator of a push. */
  permissions: PermissionsService;
  config?: Config;
}) {
  const { integrations, permissions, config } = options;
  // A bad allow-list entry stops the backend at start rather than some later template run.
  readAllowedModuleSources(config);

  const plan = (input: Record<string, unknown>) =>
    planIacCommit(input, { integrations, config });

  return createTemplateAction({
    id: 'slipway:commit-iac',
    description:
      'Renders a Slipway request (a host to provision or an app to deploy) as Terraform JSON and a slipway.yaml manifest in a GitOps repository, and commits them through a pull/merge request or straight to a branch.',
    examples,
    supportsDryRun: true,
    schema: {
      // The request is only "an object" here: its rules live in slipway-common and are applied
      // in the handler, so a violation names the field and the rule instead of failing the form.
      input: z =>
        z.object({
          repoUrl: z
            .string()
            .describe(
              'GitOps repository in RepoUrlPicker format, e.g. github.com?owner=acme&repo=platform-infra or gitlab.com?owner=group/sub&repo=infra. The host must be a GitHub or GitLab integration.',
            ),
          kind: z
            .enum(['host', 'app'])
            .describe(
              'host: request is a provision request (Terraform for terraform/modules/docker-host); app: request is a deploy request (manifest only)',
            ),
          request: z
            .record(z.unknown())
            .describe(
              'The Slipway request: a provision request for kind host, a deploy request for kind app (env values are never written, only their names)',
            ),
          mode: z
            .enum(['pull-request', 'push'])
            .optional()
            .describe(
              'pull-request (default): push a new branch and open a pull/merge request; push: commit straight to the target branch (needs the slipway.iac.push permission, which only Slipway admins have by default)',
            ),
          targetBranch: z
            .string()
            .optional()
            .describe(
              "Branch to change or to open the pull request against; default: the repository's default branch",
            ),
          path: z
            .string()
            .optional()
            .describe(
              'Folder in the GitOps repository (relative, letters, digits and . _ / -); default slipway/hosts/<name> or slipway/apps/<name>',
            ),
          moduleSource: z
            .string()
            .optional()
            .describe(
              'Terraform source of the docker-host module, for kind host; must be one of slipway.gitops.allowedModuleSources in app-config. Default slipway.gitops.moduleSource from app-config, else terraform/modules/docker-host of the GitOps repository as a relative path',
            ),
          title: z
            .string()
            .optional()
            .describe(
              'Pull request title; default the commit subject, e.g. "slipway: provision host docker-1"',
            ),
          description: z
            .string()
            .optional()
            .describe(
              'Pull request description; default a summary of the request and the changed files',
            ),
        }),
      output: z =>
        z.object({
          commitSha: z
            .string()
            .describe(
              'The commit that carries the change (HEAD of the target branch when nothing changed; 40 zeros in dry-run)',
            ),
          branch: z
            .string()
            .describe(
              'The branch the commit was pushed to: the pull request branch, or the target branch in push mode',
            ),
          path: z.string().describe('Folder of the rendered files'),
          pullRequestUrl: z
            .string()
            .describe(
              'Web URL of the pull/merge request; empty in push mode and when nothing changed',
            ),
          remoteUrl: z
            .string()
            .describe('HTTPS URL of the GitOps repository (no credentials)'),
        }),
    },
    async handler(ctx) {
      const p = plan(ctx.input as Record<string, unknown>);
      if (p.mode === 'push') {
        await authorizePush(
          permissions,
          await ctx.getInitiatorCredentials(),
          p,
        );
      }
      const prBranch = `slipway/${p.kind}-${p.name}-${shortTaskId(
        ctx.task?.id,
      )}`;
      const output = (o: Outputs) => {
        ctx.output('commitSha', o.commitSha);
        ctx.output('branch', o.branch);
        ctx.output('path', p.iacPath);
        ctx.output('pullRequestUrl', o.pullRequestUrl);
        ctx.output('remoteUrl', p.target.remoteUrl);
      };

      if (ctx.isDryRun) {
        output(dryRun(ctx.logger, p, prBranch));
        return;
      }

      const credentials = await getCredentials(integrations, p.target);
      const secrets = secretsOf(credentials);
      const author = authorOf(ctx.user);

      const workRoot = await ctx.createTemporaryDirectory();
      const dir = await fs.mkdtemp(path.join(workRoot, 'slipway-gitops-'));
      try {
        const { repo, changes } = await cloneAndStage(
          p,
          { dir, credentials, author },
          ctx.logger,
        );
        const baseBranch = repo.branch;
        if (changes.length === 0) {
          const head = await repo.head();
          ctx.logger.info(
            `Nothing to commit: ${p.iacPath} on ${baseBranch} already matches the request (HEAD ${head})`,
          );
          output({ commitSha: head, branch: baseBranch, pullRequestUrl: '' });
          return;
        }

        const commitBody = body(p, changes, ctx.task?.id, ctx.user?.ref);
        if (p.mode === 'pull-request') await repo.createBranch(prBranch);
        const committed = await repo.commit(`${p.subject}\n\n${commitBody}`);
        ctx.logger.info(
          `Committed ${committed} as ${author.name} <${author.email}>: ${changes
            .map(c => `${c.status} ${c.path}`)
            .join(', ')}`,
        );

        if (p.mode === 'push') {
          output(
            await pushToBranch(repo, p, baseBranch, committed, ctx.logger),
          );
          return;
        }

        output(
          await proposeChange({
            repo,
            p,
            token: credentials.token,
            secrets,
            prBranch,
            baseBranch,
            committed,
            commitBody,
            logger: ctx.logger,
          }),
        );
      } catch (e) {
        // Last fence: whatever failed, its text leaves this action without the token.
        if (e instanceof Error) {
          e.message = scrubSecrets(e.message, secrets);
          if (e.stack) e.stack = scrubSecrets(e.stack, secrets);
        }
        throw e;
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  });
}

import {
  Body,
  parseHcl,
  TerraformBlock,
  TerraformConfig,
} from './parseTerraform';

/**
 * One rule violation, in words that name the file, the block and the rule, e.g.
 * `terraform/modules/docker-host/network.tf: resource "aws_vpc_security_group_ingress_rule" "ssh": ...`.
 * Every check returns a list of them; an empty list means the check passed.
 */
export type Finding = string;

// ---------------------------------------------------------------------------------------------
// Helpers over hcl2json's JSON form
// ---------------------------------------------------------------------------------------------

function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nested blocks are arrays of bodies; tolerate a single body too. */
function blocksOf(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter(isBody);
  return isBody(value) ? [value] : [];
}

/** The source text of a value: expressions are `${...}` strings, literals are JSON. */
function textOf(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A number written as a literal (`22`, or `"22"`), else undefined. */
function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

function isLiteralString(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('${');
}

/** `variable "x"`, `resource "t" "n"`, ... as Terraform prints addresses in messages. */
function addressOf(kind: string, block: TerraformBlock): string {
  return block.type
    ? `${kind} "${block.type}" "${block.name}"`
    : `${kind} "${block.name}"`;
}

function at(config: TerraformConfig, block: TerraformBlock, kind: string) {
  return `${config.label}/${block.file}: ${addressOf(kind, block)}`;
}

const WORLD_IPV4 = /(?<![\d.])0\.0\.0\.0\/0(?!\d)/;
const WORLD_IPV6 = /(?<![0-9a-f:])::\/0(?!\d)/i;
const LITERAL_CIDR =
  /(?<![\w.:])(\d{1,3}(\.\d{1,3}){3}|[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7})\/\d{1,3}(?!\d)/i;

function opensToWorld(text: string): string | undefined {
  if (WORLD_IPV4.test(text)) return '0.0.0.0/0';
  if (WORLD_IPV6.test(text)) return '::/0';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------------------------

/** Names declared twice across the folder's files (Terraform refuses them). */
export function checkDuplicates(config: TerraformConfig): Finding[] {
  return config.duplicates.map(
    d => `${config.label}/${d}: declared more than once`,
  );
}

/** Every variable has a `type` and a non-empty `description`. */
export function checkVariables(config: TerraformConfig): Finding[] {
  const findings: Finding[] = [];
  for (const v of config.variables) {
    if (v.body.type === undefined) {
      findings.push(`${at(config, v, 'variable')}: has no type`);
    }
    if (typeof v.body.description !== 'string' || !v.body.description.trim()) {
      findings.push(`${at(config, v, 'variable')}: has no description`);
    }
  }
  return findings;
}

/** Every output has a non-empty `description`, and the `required` outputs exist. */
export function checkOutputs(
  config: TerraformConfig,
  required: string[] = [],
): Finding[] {
  const findings: Finding[] = [];
  for (const o of config.outputs) {
    if (typeof o.body.description !== 'string' || !o.body.description.trim()) {
      findings.push(`${at(config, o, 'output')}: has no description`);
    }
  }
  const names = new Set(config.outputs.map(o => o.name));
  for (const name of required) {
    if (!names.has(name)) {
      findings.push(
        `${config.label}: output "${name}" is required but missing`,
      );
    }
  }
  return findings;
}

/**
 * The variable exists and one of its validation conditions mentions every one of `mentions`
 * (e.g. `ssh_cidrs` must refuse `0.0.0.0/0` and `::/0`).
 */
export function checkVariableValidation(
  config: TerraformConfig,
  name: string,
  mentions: string[],
): Finding[] {
  const variable = config.variables.find(v => v.name === name);
  if (!variable) {
    return [`${config.label}: variable "${name}" is missing`];
  }
  const conditions = blocksOf(variable.body.validation).map(v =>
    textOf(v.condition),
  );
  const missing = mentions.filter(m => !conditions.some(c => c.includes(m)));
  return missing.length
    ? [
        `${at(
          config,
          variable,
          'variable',
        )}: no validation condition mentions ${missing
          .map(m => JSON.stringify(m))
          .join(', ')}`,
      ]
    : [];
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

/** AWS resource types that take a `tags` argument (the ones Slipway's code uses and kin). */
export const TAGGABLE_AWS_RESOURCES = new Set([
  'aws_instance',
  'aws_security_group',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_key_pair',
  'aws_iam_role',
  'aws_iam_instance_profile',
  'aws_iam_policy',
  'aws_iam_user',
  'aws_eip',
  'aws_ebs_volume',
  'aws_network_interface',
  'aws_launch_template',
  'aws_kms_key',
  'aws_s3_bucket',
  'aws_dynamodb_table',
  'aws_cloudwatch_log_group',
  'aws_vpc',
  'aws_subnet',
  'aws_route_table',
  'aws_internet_gateway',
  'aws_nat_gateway',
  'aws_lb',
  'aws_lb_target_group',
  'aws_lb_listener',
  'aws_route53_zone',
  'aws_sns_topic',
  'aws_sqs_queue',
  'aws_ecr_repository',
]);

/** AWS resource types without a `tags` argument. */
export const UNTAGGABLE_AWS_RESOURCES = new Set([
  'aws_iam_role_policy_attachment',
  'aws_iam_role_policy',
  'aws_iam_user_policy',
  'aws_iam_group_policy',
  'aws_iam_policy_attachment',
  'aws_iam_user_policy_attachment',
  'aws_iam_group_policy_attachment',
  'aws_security_group_rule',
  'aws_volume_attachment',
  'aws_eip_association',
  'aws_route',
  'aws_route_table_association',
  'aws_kms_alias',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_lb_target_group_attachment',
  'aws_route53_record',
]);

/** Whether a `tags` value carries `ManagedBy`, directly or through the locals it uses. */
function carriesManagedBy(config: TerraformConfig, tags: unknown): boolean {
  const text = textOf(tags);
  if (text.includes('ManagedBy')) return true;
  const locals = [...text.matchAll(/\blocal\.([A-Za-z0-9_-]+)/g)].map(
    m => m[1],
  );
  return config.locals.some(
    l => locals.includes(l.name) && textOf(l.body.value).includes('ManagedBy'),
  );
}

/**
 * Every AWS resource that supports tags has `tags` carrying `ManagedBy` (literally or through
 * a local); an instance also tags its root volume. An AWS resource type in neither list above
 * is reported, so a new resource cannot slip through unchecked.
 */
export function checkTags(config: TerraformConfig): Finding[] {
  const findings: Finding[] = [];
  for (const r of config.resources) {
    if (!r.type.startsWith('aws_')) continue;
    const where = at(config, r, 'resource');
    if (UNTAGGABLE_AWS_RESOURCES.has(r.type)) continue;
    if (!TAGGABLE_AWS_RESOURCES.has(r.type)) {
      findings.push(
        `${where}: unknown whether ${r.type} supports tags; add it to TAGGABLE_AWS_RESOURCES or UNTAGGABLE_AWS_RESOURCES in packages/iac-checks`,
      );
      continue;
    }
    if (r.body.tags === undefined) {
      findings.push(`${where}: has no tags`);
    } else if (!carriesManagedBy(config, r.body.tags)) {
      findings.push(`${where}: tags do not carry ManagedBy`);
    }
    if (r.type === 'aws_instance') {
      const root = blocksOf(r.body.root_block_device)[0];
      if (root?.tags === undefined && r.body.volume_tags === undefined) {
        findings.push(`${where}: root volume has no tags`);
      }
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// SSH exposure
// ---------------------------------------------------------------------------------------------

type IngressRule = {
  where: string;
  protocol: unknown;
  from: unknown;
  to: unknown;
  cidrs: unknown[];
  forEach: unknown;
};

function ingressRules(config: TerraformConfig): IngressRule[] {
  const rules: IngressRule[] = [];
  for (const r of config.resources) {
    const where = at(config, r, 'resource');
    const b = r.body;
    if (r.type === 'aws_vpc_security_group_ingress_rule') {
      rules.push({
        where,
        protocol: b.ip_protocol,
        from: b.from_port,
        to: b.to_port,
        cidrs: [b.cidr_ipv4, b.cidr_ipv6],
        forEach: b.for_each,
      });
    } else if (r.type === 'aws_security_group_rule' && b.type !== 'egress') {
      rules.push({
        where,
        protocol: b.protocol,
        from: b.from_port,
        to: b.to_port,
        cidrs: [b.cidr_blocks, b.ipv6_cidr_blocks],
        forEach: b.for_each,
      });
    } else if (r.type === 'aws_security_group') {
      const dynamic = blocksOf(b.dynamic).flatMap(d =>
        blocksOf(d.ingress).flatMap(i => blocksOf(i.content)),
      );
      [...blocksOf(b.ingress), ...dynamic].forEach((i, index) =>
        rules.push({
          where: `${where} ingress #${index + 1}`,
          protocol: i.protocol,
          from: i.from_port,
          to: i.to_port,
          cidrs: [i.cidr_blocks, i.ipv6_cidr_blocks],
          forEach: b.for_each,
        }),
      );
    }
  }
  return rules;
}

/** Whether a rule covers TCP port 22: 'yes', 'no', or 'maybe' when it is not literal. */
function coversSsh(rule: IngressRule): 'yes' | 'no' | 'maybe' {
  const protocol = isLiteralString(rule.protocol)
    ? rule.protocol.toLowerCase()
    : literalNumber(rule.protocol)?.toString();
  if (protocol === '-1' || protocol === 'all') return 'yes';
  if (protocol !== undefined && protocol !== 'tcp' && protocol !== '6') {
    return 'no';
  }
  const from = literalNumber(rule.from);
  const to = literalNumber(rule.to);
  if (from === undefined || to === undefined) return 'maybe';
  const inRange = from <= 22 && to >= 22;
  if (!inRange) return 'no';
  return protocol === undefined ? 'maybe' : 'yes';
}

/**
 * No ingress rule (`aws_vpc_security_group_ingress_rule`, ingress `aws_security_group_rule`,
 * inline `ingress` blocks) opens port 22 to `0.0.0.0/0` or `::/0`, counting rules whose ports
 * or protocol are not literal as possibly open. Every rule that does open 22 takes its CIDRs
 * from `var.<sshCidrsVariable>` and has no literal CIDR. With `requireSshRule`, such a rule must
 * exist (so the check cannot pass on a module that lost its SSH rule).
 */
export function checkSshIngress(
  config: TerraformConfig,
  options: { sshCidrsVariable?: string; requireSshRule?: boolean } = {},
): Finding[] {
  const variable = `var.${options.sshCidrsVariable ?? 'ssh_cidrs'}`;
  const findings: Finding[] = [];
  let sshRules = 0;
  for (const rule of ingressRules(config)) {
    const covers = coversSsh(rule);
    if (covers === 'no') continue;
    const cidrText = rule.cidrs.map(textOf).join(' ');
    const world = opensToWorld(cidrText);
    if (world) {
      findings.push(
        `${rule.where}: ${
          covers === 'yes'
            ? 'opens'
            : 'may open (ports or protocol not literal)'
        } port 22 to ${world}`,
      );
    }
    if (covers !== 'yes') continue;
    sshRules += 1;
    const fromVariable = `${cidrText} ${textOf(rule.forEach)}`.includes(
      variable,
    );
    if (!fromVariable || LITERAL_CIDR.test(cidrText)) {
      findings.push(
        `${rule.where}: SSH ingress must take its CIDRs from ${variable} only`,
      );
    }
  }
  if (options.requireSshRule && sshRules === 0) {
    findings.push(`${config.label}: no ingress rule for SSH (port 22) found`);
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

const ACTION_LISTS =
  /["']?\b(Action|NotAction|actions|not_actions)\b["']?\s*[:=]\s*(\[[^\]]*\]|"(?:[^"\\]|\\.)*")/g;

/** Actions containing `*` in a policy written as JSON, jsonencode({...}) or a heredoc. */
function wildcardActionsInPolicyText(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(ACTION_LISTS)) {
    for (const quoted of match[2].matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      if (quoted[1].includes('*')) found.push(`${match[1]} "${quoted[1]}"`);
    }
  }
  return found;
}

function wildcardsIn(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(wildcardsIn);
  }
  if (typeof value !== 'string') return [];
  if (!value.includes('${')) return value.includes('*') ? [value] : [];
  // An expression: look at the string literals inside it.
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)]
    .map(m => m[1])
    .filter(s => s.includes('*'));
}

const POLICY_ARGUMENTS: Record<string, string[]> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['assume_role_policy'],
};

const ATTACHMENTS = new Set([
  'aws_iam_role_policy_attachment',
  'aws_iam_user_policy_attachment',
  'aws_iam_group_policy_attachment',
  'aws_iam_policy_attachment',
]);

/**
 * No IAM policy grants wildcard actions: `aws_iam_policy`, `aws_iam_role_policy` (and the
 * user/group kinds), the role's assume role policy and inline policies, and every statement of
 * `data "aws_iam_policy_document"` (actions and not_actions) are scanned for `*`. Trust
 * policies must not trust `*`. Managed policies may only be attached from an allow-list (or be
 * policies defined in the same configuration, which this check scans).
 */
export function checkIamPolicies(
  config: TerraformConfig,
  options: { allowedManagedPolicies?: string[] } = {},
): Finding[] {
  const allowed = options.allowedManagedPolicies ?? [
    'AmazonSSMManagedInstanceCore',
  ];
  const findings: Finding[] = [];
  for (const r of config.resources) {
    const where = at(config, r, 'resource');
    const texts: [string, unknown][] = (POLICY_ARGUMENTS[r.type] ?? []).map(
      arg => [arg, r.body[arg]],
    );
    if (r.type === 'aws_iam_role') {
      blocksOf(r.body.inline_policy).forEach(p =>
        texts.push(['inline_policy', p.policy]),
      );
    }
    for (const [arg, value] of texts) {
      for (const wildcard of wildcardActionsInPolicyText(textOf(value))) {
        findings.push(`${where}: ${arg} allows wildcard action ${wildcard}`);
      }
    }
    if (r.type === 'aws_iam_role' && r.body.managed_policy_arns !== undefined) {
      findings.push(
        `${where}: managed_policy_arns is not allowed; attach policies explicitly`,
      );
    }
    if (ATTACHMENTS.has(r.type)) {
      const arn = textOf(r.body.policy_arn);
      const ok =
        /^\$\{aws_iam_policy\.[A-Za-z0-9_-]+\.arn\}$/.test(arn) ||
        allowed.some(name => arn.endsWith(`:policy/${name}`));
      if (!ok) {
        findings.push(
          `${where}: attaches ${
            arn || 'a policy'
          }, which is not in the allow-list (${allowed.join(', ')})`,
        );
      }
    }
  }
  for (const d of config.data) {
    if (d.type !== 'aws_iam_policy_document') continue;
    const where = at(config, d, 'data');
    blocksOf(d.body.statement).forEach((statement, index) => {
      for (const arg of ['actions', 'not_actions']) {
        for (const wildcard of wildcardsIn(statement[arg])) {
          findings.push(
            `${where}: statement #${
              index + 1
            } ${arg} has wildcard action "${wildcard}"`,
          );
        }
      }
      for (const principal of blocksOf(statement.principals)) {
        if (wildcardsIn(principal.identifiers).includes('*')) {
          findings.push(
            `${where}: statement #${index + 1} trusts any principal ("*")`,
          );
        }
      }
    });
    for (const wildcard of wildcardActionsInPolicyText(
      `${textOf(d.body.source_policy_documents)} ${textOf(
        d.body.override_policy_documents,
      )}`,
    )) {
      findings.push(
        `${where}: merged policy allows wildcard action ${wildcard}`,
      );
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Instances
// ---------------------------------------------------------------------------------------------

/**
 * Every `aws_instance` requires IMDSv2 (`metadata_options.http_tokens = "required"`) with a
 * hop limit of 1, encrypts its root volume (and any `ebs_block_device`), and does not hard-code
 * a public IP. Every `aws_ebs_volume` is encrypted. With `requireInstance`, an instance must
 * exist.
 */
export function checkInstanceHardening(
  config: TerraformConfig,
  options: { requireInstance?: boolean } = {},
): Finding[] {
  const findings: Finding[] = [];
  const instances = config.resources.filter(r => r.type === 'aws_instance');
  for (const r of instances) {
    const where = at(config, r, 'resource');
    const metadata = blocksOf(r.body.metadata_options)[0];
    if (metadata?.http_tokens !== 'required') {
      findings.push(
        `${where}: must require IMDSv2 (metadata_options { http_tokens = "required" })`,
      );
    }
    if (literalNumber(metadata?.http_put_response_hop_limit) !== 1) {
      findings.push(
        `${where}: metadata hop limit must be 1 so containers cannot reach IMDS`,
      );
    }
    const root = blocksOf(r.body.root_block_device)[0];
    if (root?.encrypted !== true) {
      findings.push(
        `${where}: root volume must be encrypted (root_block_device { encrypted = true })`,
      );
    }
    blocksOf(r.body.ebs_block_device).forEach((device, index) => {
      if (device.encrypted !== true) {
        findings.push(
          `${where}: ebs_block_device #${index + 1} is not encrypted`,
        );
      }
    });
    if (r.body.associate_public_ip_address === true) {
      findings.push(
        `${where}: associate_public_ip_address is hard-coded to true; make it an opt-in variable`,
      );
    }
  }
  for (const r of config.resources.filter(v => v.type === 'aws_ebs_volume')) {
    if (r.body.encrypted !== true) {
      findings.push(`${at(config, r, 'resource')}: volume is not encrypted`);
    }
  }
  if (options.requireInstance && instances.length === 0) {
    findings.push(`${config.label}: no aws_instance found`);
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Settings, providers, modules, backend
// ---------------------------------------------------------------------------------------------

function providersUsed(config: TerraformConfig): Set<string> {
  const used = new Set<string>();
  for (const r of [...config.resources, ...config.data]) {
    used.add(r.type.split('_')[0]);
  }
  config.providers.forEach(p => used.add(p.name));
  used.delete('terraform');
  return used;
}

/**
 * `required_version` is set, and every provider the configuration uses is in
 * `required_providers` with a `source` and a `version` (equal to `versions[name]` if given).
 */
export function checkTerraformSettings(
  config: TerraformConfig,
  options: { versions?: Record<string, string> } = {},
): Finding[] {
  const findings: Finding[] = [];
  const settings = config.terraform.map(t => t.body);
  if (!settings.some(s => isLiteralString(s.required_version))) {
    findings.push(`${config.label}: terraform { required_version } is not set`);
  }
  const required = new Map<string, Body>();
  for (const s of settings) {
    for (const block of blocksOf(s.required_providers)) {
      for (const [name, spec] of Object.entries(block)) {
        if (isBody(spec)) required.set(name, spec);
      }
    }
  }
  const expected = new Set([
    ...providersUsed(config),
    ...Object.keys(options.versions ?? {}),
  ]);
  for (const name of expected) {
    const spec = required.get(name);
    if (!spec) {
      findings.push(
        `${config.label}: provider "${name}" is not in terraform { required_providers }`,
      );
      continue;
    }
    if (!isLiteralString(spec.source)) {
      findings.push(
        `${config.label}: required provider "${name}" has no source`,
      );
    }
    const want = options.versions?.[name];
    if (!isLiteralString(spec.version)) {
      findings.push(
        `${config.label}: required provider "${name}" has no version constraint`,
      );
    } else if (want && spec.version !== want) {
      findings.push(
        `${config.label}: required provider "${name}" is "${spec.version}", expected "${want}"`,
      );
    }
  }
  return findings;
}

/** Every `provider "<name>"` block sets `region` and `default_tags` carrying ManagedBy. */
export function checkProviders(
  config: TerraformConfig,
  name = 'aws',
): Finding[] {
  const blocks = config.providers.filter(p => p.name === name);
  if (!blocks.length) {
    return [`${config.label}: no provider "${name}" block`];
  }
  const findings: Finding[] = [];
  for (const p of blocks) {
    const where = at(config, p, 'provider');
    if (p.body.region === undefined) findings.push(`${where}: sets no region`);
    const defaultTags = blocksOf(p.body.default_tags)[0];
    if (!defaultTags || !textOf(defaultTags.tags).includes('ManagedBy')) {
      findings.push(`${where}: default_tags must carry ManagedBy`);
    }
  }
  return findings;
}

/** `module "<name>"` exists with exactly this `source`. */
export function checkModuleSource(
  config: TerraformConfig,
  name: string,
  source: string,
): Finding[] {
  const module = config.modules.find(m => m.name === name);
  if (!module) return [`${config.label}: module "${name}" is missing`];
  return module.body.source === source
    ? []
    : [
        `${at(config, module, 'module')}: source is ${JSON.stringify(
          module.body.source,
        )}, expected "${source}"`,
      ];
}

/**
 * A `backend "<type>"` is declared (and no other). With `partial`, the block is empty: its
 * values come from `-backend-config` at init time, so no bucket or account is committed.
 */
export function checkBackend(
  config: TerraformConfig,
  type = 's3',
  options: { partial?: boolean } = {},
): Finding[] {
  const findings: Finding[] = [];
  const backends = config.terraform.flatMap(t =>
    Object.entries(isBody(t.body.backend) ? t.body.backend : {}).map(
      ([kind, value]) => ({ t, kind, body: blocksOf(value)[0] ?? {} }),
    ),
  );
  if (!backends.some(b => b.kind === type)) {
    findings.push(`${config.label}: no backend "${type}" declared`);
  }
  for (const b of backends) {
    const where = `${config.label}/${b.t.file}: backend "${b.kind}"`;
    if (b.kind !== type) {
      findings.push(`${where}: expected backend "${type}"`);
    } else if (options.partial && Object.keys(b.body).length) {
      findings.push(
        `${where}: must be empty (partial configuration) but sets ${Object.keys(
          b.body,
        ).join(', ')}`,
      );
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Native tests and the bootstrap template
// ---------------------------------------------------------------------------------------------

/**
 * Native test files (`{ name: contents }` of the `.tftest.hcl` files): at least one exists, each
 * parses, the files use `expect_failures` and mock the `aws` provider, and every run block
 * only plans (`command = plan`), so `terraform test` never creates real infrastructure.
 */
export async function checkNativeTests(
  files: Record<string, string>,
  label: string,
): Promise<Finding[]> {
  const names = Object.keys(files).filter(n => n.endsWith('.tftest.hcl'));
  if (!names.length) return [`${label}: no .tftest.hcl file`];
  const findings: Finding[] = [];
  let expectFailures = 0;
  let mocked = false;
  for (const name of names) {
    let json: Body;
    try {
      json = await parseHcl(name, files[name]);
    } catch (error) {
      findings.push(`${label}/${name}: ${(error as Error).message}`);
      continue;
    }
    if (isBody(json.mock_provider) && 'aws' in json.mock_provider) {
      mocked = true;
    }
    const runs = Object.entries(isBody(json.run) ? json.run : {});
    if (!runs.length) findings.push(`${label}/${name}: has no run blocks`);
    for (const [runName, value] of runs) {
      const run = blocksOf(value)[0] ?? {};
      if (run.expect_failures !== undefined) expectFailures += 1;
      if (textOf(run.command) !== '${plan}') {
        findings.push(
          `${label}/${name}: run "${runName}" must use command = plan (it would create real resources)`,
        );
      }
    }
  }
  if (!expectFailures) {
    findings.push(`${label}: no run block uses expect_failures`);
  }
  if (!mocked) findings.push(`${label}: no mock_provider "aws"`);
  return findings;
}

/** What the docker-host bootstrap must do; each entry is [pattern, rule], read as "must <rule>". */
export const USER_DATA_REQUIREMENTS: [RegExp, string][] = [
  [/\bdocker\.io\b/, 'install Docker Engine from the docker.io package'],
  [/^packages=\(.*\bgit\b.*\bcurl\b/m, 'install git and curl'],
  [
    /useradd\b[^\n]*--groups docker\b/,
    'create the deploy user in the docker group',
  ],
  [
    /^DEPLOY_USER='\$\{deploy_user\}'$/m,
    'take the deploy user from deploy_user',
  ],
  [/authorized_keys/, "write the deploy user's authorized_keys"],
  [/^[^\n#]*\$\{ssh_public_key\}$/m, 'put ssh_public_key in authorized_keys'],
  [/^PasswordAuthentication no$/m, 'disable SSH password authentication'],
  [
    /^KbdInteractiveAuthentication no$/m,
    'disable keyboard-interactive SSH authentication',
  ],
  [/^PermitRootLogin no$/m, 'disable SSH root login'],
  [/sshd -t\b/, 'validate the sshd configuration before reloading'],
  [/SLIPWAY_HOST_KEY=/, 'print the host key in a SLIPWAY_HOST_KEY= line'],
  [/ssh_host_ed25519_key\.pub/, 'print the ed25519 host key'],
  [/\/dev\/console/, 'print to the console'],
  [
    /^set -[a-zA-Z]*e[a-zA-Z]*u[a-zA-Z]*o pipefail$/m,
    'stop on errors (set -euo pipefail)',
  ],
];

/**
 * A `templatefile()` template: it is valid template syntax (checked by parsing it as a
 * heredoc, the same template language), it interpolates only `variables` (bare names; no
 * directives), and it matches every requirement.
 */
export async function checkUserDataTemplate(
  template: string,
  label: string,
  variables: string[],
  requirements: [RegExp, string][] = USER_DATA_REQUIREMENTS,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const delimiter = 'SLIPWAY_TEMPLATE_END';
  try {
    await parseHcl(
      `${label}.hcl`,
      `template = <<${delimiter}\n${template}\n${delimiter}\n`,
    );
  } catch (error) {
    findings.push(
      `${label}: is not a valid template: ${(error as Error).message}`,
    );
  }
  for (const m of template.matchAll(
    /\$\$\{|%%\{|\$\{([^}]*)\}|%\{([^}]*)\}/g,
  )) {
    if (m[0] === '$${' || m[0] === '%%{') continue;
    if (m[2] !== undefined) {
      findings.push(`${label}: uses a template directive %{${m[2]}}`);
      continue;
    }
    const name = m[1].trim().replace(/^~\s*|\s*~$/g, '');
    if (!variables.includes(name)) {
      findings.push(
        `${label}: interpolates \${${
          m[1]
        }}, which is not one of the template variables (${variables.join(
          ', ',
        )}); escape shell expansions as $\${...}`,
      );
    }
  }
  for (const [pattern, rule] of requirements) {
    if (!pattern.test(template)) findings.push(`${label}: must ${rule}`);
  }
  return findings;
}

/**
 * The variable names passed to `templatefile("...<template>", { ... })` anywhere in the
 * configuration's resources, or undefined when no call renders `template`.
 */
export function templatefileVariables(
  config: TerraformConfig,
  template: string,
): string[] | undefined {
  let names: string[] | undefined;
  const stringsIn = (value: unknown): string[] => {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.flatMap(stringsIn);
    return isBody(value) ? Object.values(value).flatMap(stringsIn) : [];
  };
  for (const text of config.resources.flatMap(r => stringsIn(r.body))) {
    for (const call of text.matchAll(/templatefile\(([^,]*),\s*\{([^}]*)\}/g)) {
      if (!call[1].includes(template)) continue;
      names = [
        ...(names ?? []),
        ...[...call[2].matchAll(/([A-Za-z_][A-Za-z0-9_-]*)\s*=/g)].map(
          m => m[1],
        ),
      ];
    }
  }
  return names;
}

import {
  at,
  blocksOf,
  Finding,
  isLiteralString,
  LITERAL_CIDR,
  literalNumber,
  opensToWorld,
  textOf,
} from './checkHelpers';
import { TerraformConfig } from './parseTerraform';

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

import { at, blocksOf, Finding, textOf } from './checkHelpers';
import { TerraformConfig } from './parseTerraform';

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

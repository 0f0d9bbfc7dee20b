import { Body, TerraformBlock, TerraformConfig } from './parseTerraform';

/**
 * One rule violation, in words that name the file, the block and the rule, e.g.
 * `terraform/modules/docker-host/network.tf: resource "aws_vpc_security_group_ingress_rule" "ssh": ...`.
 * Every check returns a list of them; an empty list means the check passed.
 */
export type Finding = string;

// ---------------------------------------------------------------------------------------------
// Helpers over hcl2json's JSON form
// ---------------------------------------------------------------------------------------------

export function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nested blocks are arrays of bodies; tolerate a single body too. */
export function blocksOf(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter(isBody);
  return isBody(value) ? [value] : [];
}

/** The source text of a value: expressions are `${...}` strings, literals are JSON. */
export function textOf(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A number written as a literal (`22`, or `"22"`), else undefined. */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

export function isLiteralString(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('${');
}

/** `variable "x"`, `resource "t" "n"`, ... as Terraform prints addresses in messages. */
function addressOf(kind: string, block: TerraformBlock): string {
  return block.type
    ? `${kind} "${block.type}" "${block.name}"`
    : `${kind} "${block.name}"`;
}

export function at(
  config: TerraformConfig,
  block: TerraformBlock,
  kind: string,
) {
  return `${config.label}/${block.file}: ${addressOf(kind, block)}`;
}

const WORLD_IPV4 = /(?<![\d.])0\.0\.0\.0\/0(?!\d)/;
const WORLD_IPV6 = /(?<![0-9a-f:])::\/0(?!\d)/i;
export const LITERAL_CIDR =
  /(?<![\w.:])(\d{1,3}(\.\d{1,3}){3}|[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7})\/\d{1,3}(?!\d)/i;

export function opensToWorld(text: string): string | undefined {
  if (WORLD_IPV4.test(text)) return '0.0.0.0/0';
  if (WORLD_IPV6.test(text)) return '::/0';
  return undefined;
}

import { at, blocksOf, Finding, textOf } from './checkHelpers';
import { TerraformConfig } from './parseTerraform';

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

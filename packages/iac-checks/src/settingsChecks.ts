import {
  at,
  blocksOf,
  Finding,
  isBody,
  isLiteralString,
  textOf,
} from './checkHelpers';
import { Body, TerraformConfig } from './parseTerraform';

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

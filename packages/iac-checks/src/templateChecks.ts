import { blocksOf, Finding, isBody, textOf } from './checkHelpers';
import { Body, parseHcl, TerraformConfig } from './parseTerraform';

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

import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * The scripted stand-in for `terraform`/`tofu` (a Node.js script), for tests where the real
 * tool is not installed. Its scenario format is described at the top of the script, which
 * sits next to this file. Resolved through the package's own name, as the Jest config names
 * the harness's global setup, so the path holds wherever the importing test runs from.
 */
export const TERRAFORM_STANDIN_PATH = require.resolve(
  '@slipway/test-harness/src/terraformStandIn/terraform-standin.js',
);

/** Env var holding the stand-in's scenario: JSON text, or the path of a JSON file. */
export const TERRAFORM_STANDIN_SCENARIO_ENV = 'SLIPWAY_TF_STANDIN_SCENARIO';
/** Env var naming the file where the stand-in logs each invocation (JSON lines). */
export const TERRAFORM_STANDIN_LOG_ENV = 'SLIPWAY_TF_STANDIN_LOG';

/**
 * Copies the stand-in into `dir` as an executable named `name` (default `terraform`) and
 * returns its path, to be given to `TerraformRunner` as `binary`.
 */
export async function installTerraformStandIn(
  dir: string,
  name = 'terraform',
): Promise<string> {
  const target = path.join(dir, name);
  await fs.copyFile(TERRAFORM_STANDIN_PATH, target);
  await fs.chmod(target, 0o755);
  return target;
}

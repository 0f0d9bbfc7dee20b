import { parse } from '@cdktf/hcl2json';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A block body as `@cdktf/hcl2json` returns it: literal values stay JSON values, expressions
 * become strings wrapped in `${...}`, and nested blocks become arrays of bodies.
 */
export type Body = Record<string, unknown>;

/** One named block of a configuration, e.g. `resource "aws_instance" "host"`. */
export type TerraformBlock = {
  /** The file the block is in, relative to the configuration's folder. */
  file: string;
  /** The first label of resources and data sources (`aws_instance`); empty otherwise. */
  type: string;
  /** The block's name label (`host`), or the provider name for `provider` blocks. */
  name: string;
  body: Body;
};

/** A configuration folder, every `.tf` file parsed and merged. */
export type TerraformConfig = {
  /** What the configuration is called in findings: a path or a label. */
  label: string;
  files: string[];
  /** `terraform { ... }` blocks (there may be several, e.g. versions.tf and backend.tf). */
  terraform: TerraformBlock[];
  variables: TerraformBlock[];
  outputs: TerraformBlock[];
  locals: TerraformBlock[];
  resources: TerraformBlock[];
  data: TerraformBlock[];
  modules: TerraformBlock[];
  providers: TerraformBlock[];
  /** Names declared twice (Terraform refuses these), e.g. `variable "name"`. */
  duplicates: string[];
  /** Each file's raw JSON form. */
  raw: Record<string, Body>;
};

/** Parses one HCL file; the error names the file, as hcl2json's own message does. */
export async function parseHcl(
  filename: string,
  contents: string,
): Promise<Body> {
  try {
    return (await parse(filename, contents)) as Body;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${filename} is not valid HCL: ${message}`);
  }
}

function bodies(value: unknown): Body[] {
  if (Array.isArray(value)) {
    return value.filter(
      (v): v is Body =>
        typeof v === 'object' && v !== null && !Array.isArray(v),
    );
  }
  if (typeof value === 'object' && value !== null) return [value as Body];
  return [];
}

function entries(value: unknown): [string, unknown][] {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.entries(value as Body)
    : [];
}

/**
 * Parses and merges HCL sources given as `{ filename: contents }`. Used for folders (through
 * {@link parseTerraformDir}) and for inline snippets in tests.
 */
export async function parseTerraformSources(
  sources: Record<string, string>,
  label = 'inline',
): Promise<TerraformConfig> {
  const config: TerraformConfig = {
    label,
    files: Object.keys(sources).sort(),
    terraform: [],
    variables: [],
    outputs: [],
    locals: [],
    resources: [],
    data: [],
    modules: [],
    providers: [],
    duplicates: [],
    raw: {},
  };
  const seen = new Set<string>();
  const declare = (key: string, file: string) => {
    if (seen.has(key)) config.duplicates.push(`${file}: ${key}`);
    seen.add(key);
  };

  for (const file of config.files) {
    const json = await parseHcl(file, sources[file]);
    config.raw[file] = json;

    for (const body of bodies(json.terraform)) {
      config.terraform.push({ file, type: '', name: 'terraform', body });
    }
    for (const [name, value] of entries(json.variable)) {
      for (const body of bodies(value)) {
        declare(`variable "${name}"`, file);
        config.variables.push({ file, type: '', name, body });
      }
    }
    for (const [name, value] of entries(json.output)) {
      for (const body of bodies(value)) {
        declare(`output "${name}"`, file);
        config.outputs.push({ file, type: '', name, body });
      }
    }
    for (const body of bodies(json.locals)) {
      for (const [name, value] of Object.entries(body)) {
        declare(`local.${name}`, file);
        config.locals.push({ file, type: '', name, body: { value } });
      }
    }
    for (const [name, value] of entries(json.module)) {
      for (const body of bodies(value)) {
        declare(`module "${name}"`, file);
        config.modules.push({ file, type: '', name, body });
      }
    }
    for (const [name, value] of entries(json.provider)) {
      for (const body of bodies(value)) {
        const alias = typeof body.alias === 'string' ? `.${body.alias}` : '';
        declare(`provider "${name}"${alias}`, file);
        config.providers.push({ file, type: '', name, body });
      }
    }
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, named] of entries(json[kind])) {
        for (const [name, value] of entries(named)) {
          for (const body of bodies(value)) {
            declare(`${kind} "${type}" "${name}"`, file);
            (kind === 'resource' ? config.resources : config.data).push({
              file,
              type,
              name,
              body,
            });
          }
        }
      }
    }
  }
  return config;
}

/**
 * Parses every `.tf` file of a folder (not its subfolders: Terraform does not read them either)
 * and merges them into one structure.
 */
export async function parseTerraformDir(
  dir: string,
  label: string = dir,
): Promise<TerraformConfig> {
  const names = (await fs.readdir(dir, { withFileTypes: true }))
    .filter(entry => entry.isFile() && entry.name.endsWith('.tf'))
    .map(entry => entry.name)
    .sort();
  const sources: Record<string, string> = {};
  for (const name of names) {
    sources[name] = await fs.readFile(path.join(dir, name), 'utf8');
  }
  return parseTerraformSources(sources, label);
}

/** Every file under `dir` (recursively) whose name ends with one of `suffixes`. */
export async function findFiles(
  dir: string,
  suffixes: string[],
): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.terraform')
        found.push(...(await findFiles(full, suffixes)));
    } else if (suffixes.some(suffix => entry.name.endsWith(suffix))) {
      found.push(full);
    }
  }
  return found.sort();
}

import { IacOutputFormatError } from './errors';
import { IacChangeCounts, IacOutputs, IacResourceChange } from './types';

/** Counts as Terraform's plan line counts: a replacement is one add and one remove. */
export function countActions(changes: IacResourceChange[]): IacChangeCounts {
  const counts = { add: 0, change: 0, remove: 0, import: 0 };
  for (const { actions } of changes) {
    if (actions.includes('create')) counts.add += 1;
    if (actions.includes('delete')) counts.remove += 1;
    if (actions.includes('update')) counts.change += 1;
  }
  return counts;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJsonDocument(tool: string, subcommand: string, text: string) {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IacOutputFormatError(
      tool,
      subcommand,
      `expected one JSON document, got ${
        text.trim() === '' ? 'nothing' : 'text that is not JSON'
      }`,
    );
  }
}

/**
 * The parts of `show -json <planfile>` Slipway uses: each resource change's address, type,
 * name and actions, and whether any output changes. Values are left behind.
 */
export function parsePlanRepresentation(
  tool: string,
  text: string,
): { resourceChanges: IacResourceChange[]; outputsChange: boolean } {
  const plan = parseJsonDocument(tool, 'show', text);
  if (!isObject(plan) || typeof plan.format_version !== 'string') {
    throw new IacOutputFormatError(
      tool,
      'show',
      'the plan representation has no format_version',
    );
  }
  if (plan.format_version.split('.')[0] !== '1') {
    throw new IacOutputFormatError(
      tool,
      'show',
      `plan format version ${plan.format_version} is not supported (1.x is)`,
    );
  }
  const rawChanges = Array.isArray(plan.resource_changes)
    ? plan.resource_changes
    : [];
  const resourceChanges: IacResourceChange[] = [];
  for (const raw of rawChanges) {
    if (!isObject(raw) || typeof raw.address !== 'string') continue;
    const change = isObject(raw.change) ? raw.change : {};
    const actions = Array.isArray(change.actions)
      ? change.actions.filter((a): a is string => typeof a === 'string')
      : [];
    const entry: IacResourceChange = {
      address: raw.address,
      type: typeof raw.type === 'string' ? raw.type : '',
      name: typeof raw.name === 'string' ? raw.name : '',
      actions,
    };
    if (typeof raw.module_address === 'string') {
      entry.moduleAddress = raw.module_address;
    }
    resourceChanges.push(entry);
  }
  const outputChanges = isObject(plan.output_changes)
    ? Object.values(plan.output_changes)
    : [];
  const outputsChange = outputChanges.some(
    c =>
      isObject(c) &&
      Array.isArray(c.actions) &&
      c.actions.some(a => a !== 'no-op'),
  );
  return { resourceChanges, outputsChange };
}

/**
 * The managed resources' addresses in `show -json`'s state representation (`values` is absent
 * when there is no state), from the root module and every child module. Values are left behind.
 */
export function parseStateAddresses(tool: string, text: string): string[] {
  const document = parseJsonDocument(tool, 'show', text);
  if (!isObject(document) || typeof document.format_version !== 'string') {
    throw new IacOutputFormatError(
      tool,
      'show',
      'the state representation has no format_version',
    );
  }
  const addresses: string[] = [];
  const walk = (module: unknown) => {
    if (!isObject(module)) return;
    for (const resource of Array.isArray(module.resources)
      ? module.resources
      : []) {
      if (
        isObject(resource) &&
        typeof resource.address === 'string' &&
        resource.mode !== 'data'
      ) {
        addresses.push(resource.address);
      }
    }
    if (Array.isArray(module.child_modules)) module.child_modules.forEach(walk);
  };
  if (isObject(document.values)) walk(document.values.root_module);
  return addresses;
}

/** `output -json`: `{ "<name>": { "sensitive": bool, "type": ..., "value": ... } }`. */
export function parseOutputs(tool: string, text: string): IacOutputs {
  const document = parseJsonDocument(tool, 'output', text);
  if (!isObject(document)) {
    throw new IacOutputFormatError(
      tool,
      'output',
      'expected a JSON object of outputs',
    );
  }
  const outputs: IacOutputs = {};
  for (const [name, raw] of Object.entries(document)) {
    if (!isObject(raw) || typeof raw.sensitive !== 'boolean') {
      throw new IacOutputFormatError(
        tool,
        'output',
        `output "${name}" is not of the form {sensitive, type, value}`,
      );
    }
    outputs[name] = { value: raw.value, sensitive: raw.sensitive };
    if (raw.type !== undefined) outputs[name].type = raw.type;
  }
  return outputs;
}

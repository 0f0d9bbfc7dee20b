import fs from 'node:fs';
import path from 'node:path';
import { HARNESS_STATE_ENV, Harness, startHarness } from './harness';

type Shared = { harness?: Promise<Harness>; users: number };
const KEY = '__slipwayTestHarness';

/**
 * Jest runs each project's globalSetup in the one parent process: several packages share one
 * harness through this global, and the last teardown stops it.
 */
export function shared(): Shared {
  const g = globalThis as unknown as Record<string, Shared>;
  g[KEY] ??= { users: 0 };
  return g[KEY];
}

export default async function globalSetup() {
  const state = shared();
  state.users += 1;
  state.harness ??= startHarness();
  const harness = await state.harness;
  const stateFile = path.join(harness.dir, 'state.json');
  fs.writeFileSync(stateFile, JSON.stringify(harness));
  process.env[HARNESS_STATE_ENV] = stateFile;
}

import { stopHarness } from './harness';
import { shared } from './jestGlobalSetup';

export default async function globalTeardown() {
  const state = shared();
  state.users -= 1;
  if (state.users > 0 || !state.harness) return;
  const harness = await state.harness;
  state.harness = undefined;
  await stopHarness(harness);
}

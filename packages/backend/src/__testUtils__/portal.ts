import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '@slipway/test-harness';

// The real portal backend (src/index.ts with the repo's app-config.yaml) lives in the harness,
// where the live-status benchmark takes it too.
export {
  CHROMIUM,
  guestToken,
  harnessHost,
  startBackend,
  stopBackend,
} from '@slipway/test-harness';
export type { RunningBackend } from '@slipway/test-harness';

/** Headless Chromium for this machine: its network is closed, so no background fetches or QUIC. */
export function launchChromium() {
  return chromium.launch(chromiumLaunchOptions());
}

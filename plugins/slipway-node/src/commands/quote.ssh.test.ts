import {
  getHarness,
  HOSTILE_STRINGS,
  run,
  sshArgs,
} from '@slipway/test-harness';
import { toShell } from './quote';

// The same proof as quote.test.ts, through a real sshd and the login shell on the other side:
// OpenSSH joins its arguments into one string for the remote shell, as SshConnection sends one.
describe('quoting over SSH', () => {
  it('every hostile string arrives on the host as one unchanged argument', async () => {
    const harness = getHarness();
    const values = HOSTILE_STRINGS.filter(s => s.length < 1000);
    const remote = `printf '%s\\0' ${toShell(values)}`;
    const out = await run('ssh', [...sshArgs(harness.ssh), remote], {
      timeoutMs: 30_000,
    });
    expect(out.split('\0').slice(0, -1)).toEqual(values);
  }, 60_000);
});

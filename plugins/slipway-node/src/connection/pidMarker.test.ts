import { PidMarkerFilter, withPidMarker } from './pidMarker';

describe('PidMarkerFilter', () => {
  it('takes the marker line out of stderr, even split across chunks', async () => {
    const filter = new PidMarkerFilter();
    const out = [
      filter.push(Buffer.from('noise from .bashrc\n__slipway_')),
      filter.push(Buffer.from('pid__:4242\nreal error\n')),
      filter.push(Buffer.from('more\n')),
    ];
    expect(Buffer.concat(out).toString()).toBe(
      'noise from .bashrc\nreal error\nmore\n',
    );
    await expect(filter.pid).resolves.toBe(4242);
  });

  it('gives back what it held when the marker never comes', async () => {
    const filter = new PidMarkerFilter();
    expect(filter.push(Buffer.from('sh: not found\n'))).toHaveLength(0);
    expect(filter.end().toString()).toBe('sh: not found\n');
    await expect(filter.pid).resolves.toBeUndefined();
  });

  it('wraps a command line with constant text only', () => {
    expect(withPidMarker("echo 'a b'")).toBe(
      `echo "__slipway_pid__:$$" >&2; exec echo 'a b'`,
    );
  });
});

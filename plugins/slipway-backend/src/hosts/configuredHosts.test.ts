import { ConfigReader } from '@backstage/config';
import { readConfiguredHosts } from './configuredHosts';

const read = (hosts: unknown) =>
  readConfiguredHosts(new ConfigReader({ slipway: { hosts } } as any));

describe('readConfiguredHosts', () => {
  it('defaults to the local host', () => {
    expect(readConfiguredHosts(new ConfigReader({}))).toEqual([
      expect.objectContaining({ name: 'local', type: 'local' }),
    ]);
  });

  it('fills SSH defaults', () => {
    const [host] = read([
      {
        name: 'a',
        address: 'a.example.com',
        privateKeyFile: '/k',
        hostKey: 'ssh-ed25519 AAAA',
      },
    ]);
    expect(host).toMatchObject({
      type: 'ssh',
      port: 22,
      user: 'slipway',
      insecureSkipHostKeyVerification: false,
    });
  });

  it('names the config key and the rule of each mistake', () => {
    expect(() => read([{ name: 'Bad Name', type: 'local' }])).toThrow(
      /slipway\.hosts\[0\]\.name: name must be a DNS label/,
    );
    expect(() =>
      read([{ name: 'a', address: 'a.example.com', privateKeyFile: '/k' }]),
    ).toThrow(
      /slipway\.hosts\[0\]\.hostKey: hostKey \(the pinned host public key\) is required/,
    );
    expect(() =>
      read([{ name: 'a', hostKey: 'ssh-ed25519 AAAA', privateKey: 'k' }]),
    ).toThrow(/slipway\.hosts\[0\]\.address: address is required/);
    expect(() =>
      read([
        { name: 'a', type: 'local' },
        { name: 'a', type: 'local' },
      ]),
    ).toThrow(/"a" is used twice/);
  });
});

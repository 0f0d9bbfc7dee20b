import { commitFromLsRemote, gitCheckoutDetached, gitLsRemote } from './git';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const OUTPUT = [
  `${A}\tHEAD`,
  `${A}\trefs/heads/main`,
  `${B}\trefs/tags/v1`,
  `${C}\trefs/tags/v1^{}`,
].join('\n');

describe('git ls-remote', () => {
  it('ends options before the repo and asks for HEAD by default', () => {
    expect(gitLsRemote('https://example.com/a.git')).toEqual(
      expect.arrayContaining([
        'ls-remote',
        '--',
        'https://example.com/a.git',
        'HEAD',
      ]),
    );
  });

  it('picks the branch, the peeled tag, or HEAD', () => {
    expect(commitFromLsRemote(OUTPUT)).toBe(A);
    expect(commitFromLsRemote(OUTPUT, 'main')).toBe(A);
    expect(commitFromLsRemote(OUTPUT, 'v1')).toBe(C);
    expect(commitFromLsRemote(OUTPUT, 'missing')).toBeUndefined();
    expect(commitFromLsRemote('garbage\n')).toBeUndefined();
  });

  it('checks out only a commit id', () => {
    expect(gitCheckoutDetached('/d', A)).toEqual([
      'git',
      '-C',
      '/d',
      'checkout',
      '--quiet',
      '--detach',
      A,
    ]);
    expect(() => gitCheckoutDetached('/d', '--upload-pack=x')).toThrow(
      /not a commit id/,
    );
  });
});

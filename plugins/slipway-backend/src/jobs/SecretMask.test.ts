import { SecretMask } from './SecretMask';

describe('SecretMask', () => {
  it('masks every occurrence of each value, the longest first', () => {
    const mask = new SecretMask(['hunter2', 'hunter2-extra']);
    expect(mask.apply('a=hunter2-extra b=hunter2 c=hunter2')).toBe(
      'a=*** b=*** c=***',
    );
  });

  it('leaves values shorter than 3 characters and unknown text alone', () => {
    const mask = new SecretMask(['1', 'no']);
    mask.add(['s3cr3t']);
    expect(mask.apply('1 no yes s3cr3t')).toBe('1 no yes ***');
  });
});

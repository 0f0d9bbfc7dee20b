import { HOSTILE_STRINGS } from '@slipway/test-harness';
import { MASK, Masker } from './mask';

describe('Masker', () => {
  it('masks the values of the sensitive variables only', () => {
    const masker = Masker.forVariables(
      { name: 'web-1', token: 'tok-123456', password: 'hunter22' },
      ['token', 'password', 'not-given'],
      undefined,
    );
    expect(masker.mask('web-1 uses tok-123456 and hunter22')).toBe(
      `web-1 uses ${MASK} and ${MASK}`,
    );
  });

  it('masks a value as it appears escaped inside JSON, and with its whitespace collapsed', () => {
    const secret = 'line one\n  "quoted" \\ end';
    const masker = new Masker([secret]);
    expect(masker.mask(JSON.stringify({ output: secret }))).toBe(
      `{"output":"${MASK}"}`,
    );
    expect(masker.mask('x: line one "quoted" \\ end')).toBe(`x: ${MASK}`);
  });

  it('masks the strings and numbers inside structured values', () => {
    const masker = new Masker([
      { user: 'admin-user', pin: 98765, tags: ['t-alpha'] },
    ]);
    expect(masker.mask('admin-user 98765 t-alpha')).toBe(
      `${MASK} ${MASK} ${MASK}`,
    );
  });

  it('masks in one pass: the mask is never masked again', () => {
    const masker = new Masker(['sensitive', 'value', 'sensitive value']);
    expect(masker.mask('a sensitive value and a value')).toBe(
      `a ${MASK} and a ${MASK}`,
    );
  });

  it('leaves text alone when there is nothing to mask, and ignores blank values', () => {
    const masker = new Masker(['', '   ', undefined, null, true]);
    expect(masker.isEmpty).toBe(true);
    expect(masker.mask('nothing to see')).toBe('nothing to see');
  });

  it('masks every hostile string, regex metacharacters included', () => {
    for (const hostile of HOSTILE_STRINGS.filter(s => s.trim() !== '')) {
      const masker = new Masker([hostile]);
      expect(masker.mask(`before ${hostile} after`)).toBe(
        `before ${MASK} after`,
      );
    }
  });
});

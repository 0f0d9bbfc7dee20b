import { deployRequestSchema } from './deploy';
import { describeZodError } from './errors';

const valid = {
  name: 'hello-static',
  repo: 'https://github.com/acme/hello-static.git',
  ref: 'main',
  port: 8080,
  container_port: 8080,
  health_path: '/health',
  env: { GREETING: 'hello world; $(not a command)' },
  host: 'local',
};

function violations(input: unknown) {
  const result = deployRequestSchema.safeParse(input);
  if (result.success) return [];
  return describeZodError(result.error, input);
}

describe('deployRequestSchema', () => {
  it('accepts a complete request and keeps env values verbatim', () => {
    const parsed = deployRequestSchema.parse(valid);
    expect(parsed.env.GREETING).toBe('hello world; $(not a command)');
  });

  it('fills defaults for health_path and env', () => {
    const { health_path, env, ref, ...minimal } = valid;
    const parsed = deployRequestSchema.parse(minimal);
    expect(parsed.health_path).toBe('/');
    expect(parsed.env).toEqual({});
    expect(parsed.ref).toBeUndefined();
  });

  it.each([
    ['name', 'Hello', /DNS label/],
    ['name', '-hello', /DNS label/],
    ['name', 'a'.repeat(64), /at most 63/],
    ['repo', 'file:///etc/passwd', /schemes https, ssh, http/],
    ['repo', 'ext::sh -c touch% /tmp/pwned', /whitespace|URL|schemes/],
    ['repo', '--upload-pack=touch /tmp/pwned', /must not start with "-"/],
    ['repo', 'https://user:secret@github.com/acme/x.git', /credentials/],
    ['repo', 'git@github.com:acme/x.git', /schemes|URL/],
    ['ref', '-c', /must not start with "-"/],
    ['ref', 'main;reboot', /only letters/],
    ['ref', 'a..b', /valid Git ref/],
    ['ref', 'refs/heads/x.lock', /valid Git ref/],
    ['port', 22, /between 1024 and 65535/],
    ['port', 70000, /between 1024 and 65535/],
    ['port', 8080.5, /integer/],
    ['port', '8080', /must be a number/],
    ['container_port', 0, /between 1 and 65535/],
    ['health_path', 'health', /absolute URL path/],
    ['health_path', '/a b', /absolute URL path/],
    ['health_path', '/../etc/passwd', /must not contain "\.\."/],
    ['host', 'my host', /DNS label/],
  ])('rejects %s = %j naming the field and the rule', (field, value, rule) => {
    const found = violations({ ...valid, [field]: value });
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].field).toBe(field);
    expect(found.map(v => v.message).join(' ')).toMatch(rule);
  });

  it('rejects bad env names and oversized env', () => {
    expect(violations({ ...valid, env: { lower: 'x' } })[0]).toMatchObject({
      field: 'env.lower',
      message: expect.stringMatching(/\[A-Z_\]\[A-Z0-9_\]\*/),
    });
    expect(violations({ ...valid, env: { 'A;B': 'x' } })[0].field).toBe(
      'env.A;B',
    );
    const many = Object.fromEntries(
      Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x']),
    );
    expect(violations({ ...valid, env: many })[0].message).toMatch(
      /at most 100/,
    );
    expect(
      violations({ ...valid, env: { BIG: 'x'.repeat(8193) } })[0].message,
    ).toMatch(/at most 8192/);
  });

  it('names missing fields and unknown fields', () => {
    const { name, ...withoutName } = valid;
    expect(violations(withoutName)).toContainEqual({
      field: 'name',
      message: 'name is required',
    });
    expect(violations({ ...valid, command: 'rm -rf /' })).toContainEqual({
      field: '(request)',
      message: 'unknown field(s): command',
    });
  });

  it('rejects a corpus of hostile values in every string field', () => {
    const hostile = [
      '$(reboot)',
      '`id`',
      'a;b',
      'a|b',
      'a&&b',
      'a\nb',
      "a'b",
      'a"b',
      '--upload-pack=x',
      '../../etc',
      'x'.repeat(5000),
      'héllo',
      '\u202Eevil',
      '',
    ];
    for (const field of ['name', 'repo', 'ref', 'health_path', 'host']) {
      for (const value of hostile) {
        const result = deployRequestSchema.safeParse({
          ...valid,
          [field]: value,
        });
        expect({ field, value, ok: result.success }).toEqual({
          field,
          value,
          ok: false,
        });
      }
    }
  });
});

describe('repo URL holes found by the hostile-input test', () => {
  it.each([
    [
      'a backslash that URL parsers read as "/" but git as part of the user',
      'https://127.0.0.1\\@evil.example.com/x.git',
    ],
    [
      'dot segments a URL parser would remove',
      'https://github.com/../../etc/passwd',
    ],
    ['encoded dot segments', 'https://github.com/x/%2e%2e/%2e%2e/etc/passwd'],
    [
      'an ssh user that is an ssh option',
      'ssh://-oProxyCommand=id@github.com/x.git',
    ],
    ['backticks', 'https://github.com/`touch${IFS}x`.git'],
    ['a pipe', 'https://github.com/x.git|touch${IFS}x'],
    ['command substitution', 'https://github.com/$(touch${IFS}x).git'],
    ['C1 control characters', 'https://github.com/a\u009bb.git'],
    ['a right-to-left override', 'https://github.com/a\u202Eb.git'],
  ])('refuses %s', (_why, repo) => {
    expect(deployRequestSchema.safeParse({ ...valid, repo }).success).toBe(
      false,
    );
  });

  it.each([
    'https://github.com/acme/hello-static.git',
    'https://git.example.com:8443/group/sub/repo',
    'ssh://git@github.com/acme/hello.git',
    'http://127.0.0.1:4567/hello.git',
  ])('still accepts %s', repo => {
    expect(deployRequestSchema.safeParse({ ...valid, repo }).success).toBe(
      true,
    );
  });
});

import { deployRequestSchema } from './deploy';
import { describeZodError } from './errors';
import { memoryBytes } from './rules';

const valid = {
  name: 'hello-static',
  repo: 'https://github.com/acme/monorepo.git',
  port: 8080,
  container_port: 8080,
  host: 'local',
};

function violations(input: unknown) {
  const result = deployRequestSchema.safeParse(input);
  return result.success ? [] : describeZodError(result.error, input);
}

describe('deployRequestSchema: build and resource fields', () => {
  it('accepts a monorepo path, a Dockerfile and limits, and leaves them out by default', () => {
    expect(
      deployRequestSchema.parse({
        ...valid,
        context: 'examples/hello-static',
        dockerfile: 'docker/web.Dockerfile',
        memory: '256m',
        cpus: 0.5,
      }),
    ).toMatchObject({
      context: 'examples/hello-static',
      dockerfile: 'docker/web.Dockerfile',
      memory: '256m',
      cpus: 0.5,
    });
    const parsed = deployRequestSchema.parse(valid);
    expect([
      parsed.context,
      parsed.dockerfile,
      parsed.memory,
      parsed.cpus,
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it.each([
    ['context', '', /must not be empty/],
    ['context', '../other', /"\.\.", "\." or empty segments/],
    ['context', 'a/../../b', /"\.\.", "\." or empty segments/],
    ['context', './a', /"\.\.", "\." or empty segments/],
    ['context', 'a//b', /"\.\.", "\." or empty segments/],
    ['context', '/etc', /relative to the repository root, not absolute/],
    ['context', '-f', /must not start with "-"/],
    ['context', '--file=/etc/passwd', /must not start with "-"/],
    ['context', 'a b', /only letters, digits and \. _ \/ -/],
    ['context', 'a;touch x', /only letters, digits/],
    ['context', 'a\\..\\b', /only letters, digits/],
    ['context', 'a\nb', /only letters, digits/],
    ['context', 'x'.repeat(256), /at most 255/],
    ['context', 1, /must be a string/],
    ['dockerfile', '../Dockerfile', /"\.\.", "\." or empty segments/],
    ['dockerfile', '/etc/shadow', /not absolute/],
    ['dockerfile', '-', /must not start with "-"/],
    ['dockerfile', '$(id)', /only letters, digits/],
    ['memory', '256', /followed by b, k, m or g/],
    ['memory', '256mb', /followed by b, k, m or g/],
    ['memory', '0.5g', /followed by b, k, m or g/],
    ['memory', '-1m', /followed by b, k, m or g/],
    ['memory', '0m', /followed by b, k, m or g/],
    ['memory', '5m', /at least 6m/],
    ['memory', '2000g', /at most 1024g/],
    ['memory', 268435456, /must be a string/],
    ['cpus', 0, /between 0\.01 and 512/],
    ['cpus', -1, /between 0\.01 and 512/],
    ['cpus', 1000, /between 0\.01 and 512/],
    ['cpus', 0.001, /between 0\.01 and 512/],
    ['cpus', 0.125, /at most two decimals/],
    ['cpus', '0.5', /must be a number/],
  ])('rejects %s = %j naming the field and the rule', (field, value, rule) => {
    const found = violations({ ...valid, [field]: value });
    expect([...new Set(found.map(v => v.field))]).toEqual([field]);
    expect(found[0].message).toMatch(rule);
  });

  it('reads memory limits in bytes, as Docker does', () => {
    expect(memoryBytes('6m')).toBe(6 * 1024 * 1024);
    expect(memoryBytes('1G')).toBe(1024 ** 3);
    expect(memoryBytes('512k')).toBe(512 * 1024);
    expect(memoryBytes('1t')).toBeUndefined();
  });
});

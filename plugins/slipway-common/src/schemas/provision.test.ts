import { provisionRequestSchema } from './provision';
import { describeZodError } from './errors';

const valid = {
  name: 'docker-1',
  owner: 'group:platform-team',
  region: 'eu-west-1',
  instance_type: 't3.small',
  ssh_cidrs: ['203.0.113.0/24'],
  tags: { CostCenter: 'cc-42' },
};

describe('provisionRequestSchema', () => {
  it('accepts a request and defaults the app port range', () => {
    const parsed = provisionRequestSchema.parse(valid);
    expect(parsed.app_ports).toEqual({ from: 8000, to: 8999 });
  });

  it.each([
    ['region', 'mars-north-9x', /AWS region/],
    ['instance_type', 't3 small', /EC2 instance type/],
    ['owner', 'platform-team', /entity reference/],
    ['ssh_cidrs', ['10.0.0.0/33'], /CIDR/],
    ['ssh_cidrs', [], /at least one/],
    ['app_ports', { from: 9000, to: 8000 }, /not be greater/],
    ['tags', { 'bad`key': 'x' }, /tag keys/],
  ])('rejects %s = %j', (field, value, rule) => {
    const result = provisionRequestSchema.safeParse({
      ...valid,
      [field]: value,
    });
    expect(result.success).toBe(false);
    const found = describeZodError(result.error!);
    expect(found[0].field.startsWith(field)).toBe(true);
    expect(found.map(v => v.message).join(' ')).toMatch(rule);
  });
});

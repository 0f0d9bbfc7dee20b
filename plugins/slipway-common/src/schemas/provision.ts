import { z } from 'zod/v3';
import { dnsLabel, ownerRef, port } from './rules';

const cidr = z
  .string({ invalid_type_error: 'ssh_cidrs entries must be strings' })
  .regex(
    /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/,
    'ssh_cidrs entries must be IPv4 CIDR blocks such as 203.0.113.0/24',
  );

const tagKey = z
  .string()
  .min(1, 'tag keys must not be empty')
  .max(128, 'tag keys must be at most 128 characters')
  .regex(
    /^[A-Za-z0-9 _.:/=+@-]+$/,
    'tag keys may contain letters, digits, spaces and _ . : / = + - @',
  );
const tagValue = z
  .string({ invalid_type_error: 'tag values must be strings' })
  .max(256, 'tag values must be at most 256 characters')
  .regex(
    /^[A-Za-z0-9 _.:/=+@-]*$/,
    'tag values may contain letters, digits, spaces and _ . : / = + - @',
  );

/**
 * `POST /api/slipway/infra/provision`: a Docker host on AWS EC2, built from
 * `terraform/modules/docker-host`. Policy (allowed regions, sizes, CIDRs, owners) is checked by
 * the backend after this shape check.
 */
export const provisionRequestSchema = z
  .object({
    name: dnsLabel('name'),
    owner: ownerRef('owner'),
    region: z
      .string({ invalid_type_error: 'region must be a string' })
      .regex(
        /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
        'region must be an AWS region such as eu-west-1',
      ),
    instance_type: z
      .string({ invalid_type_error: 'instance_type must be a string' })
      .regex(
        /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
        'instance_type must be an EC2 instance type such as t3.small',
      ),
    ssh_cidrs: z
      .array(cidr)
      .min(
        1,
        'ssh_cidrs must list at least one CIDR block allowed to reach SSH',
      )
      .max(20, 'ssh_cidrs may list at most 20 CIDR blocks'),
    app_ports: z
      .object({
        from: port('app_ports.from', 1024),
        to: port('app_ports.to', 1024),
      })
      .refine(
        r => r.from <= r.to,
        'app_ports.from must not be greater than app_ports.to',
      )
      .default({ from: 8000, to: 8999 }),
    tags: z
      .record(tagKey, tagValue)
      .refine(
        t => Object.keys(t).length <= 40,
        'tags may have at most 40 entries',
      )
      .default({}),
  })
  .strict();

export type ProvisionRequest = z.input<typeof provisionRequestSchema>;
export type ValidProvisionRequest = z.output<typeof provisionRequestSchema>;

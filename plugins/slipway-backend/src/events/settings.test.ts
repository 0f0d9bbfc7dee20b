import { ConfigReader } from '@backstage/config';
import { readEventSettings } from './settings';

const read = (slipway: object) =>
  readEventSettings(new ConfigReader({ slipway }));

describe('readEventSettings', () => {
  it('is in-process without servers, or with an empty value from an unset variable', () => {
    expect(read({})).toEqual({
      outboxRetentionHours: 24,
      notifications: true,
    });
    expect(read({ nats: { servers: '' } })).toEqual({
      outboxRetentionHours: 24,
      notifications: true,
    });
    expect(read({ nats: { servers: [] } }).nats).toBeUndefined();
  });

  it('reads servers as a comma-separated string or a list, with the defaults', () => {
    expect(read({ nats: { servers: 'nats://a:4222, nats://b:4222' } })).toEqual(
      {
        nats: {
          servers: ['nats://a:4222', 'nats://b:4222'],
          stream: 'SLIPWAY',
          maxAgeDays: 7,
          duplicateWindowMs: 120_000,
          publishTimeoutMs: 5000,
        },
        outboxRetentionHours: 24,
        notifications: true,
      },
    );
    expect(
      read({
        nats: {
          servers: ['nats://a:4222'],
          stream: 'SLIPWAY_DEV',
          maxAgeDays: 2,
        },
        events: { outboxRetentionHours: 6, notifications: false },
      }),
    ).toMatchObject({
      nats: {
        servers: ['nats://a:4222'],
        stream: 'SLIPWAY_DEV',
        maxAgeDays: 2,
      },
      outboxRetentionHours: 6,
      notifications: false,
    });
  });

  it('refuses values that would fail later, naming the key', () => {
    expect(() =>
      read({ nats: { servers: 'nats://a:4222', stream: 'slip.way' } }),
    ).toThrow(
      /^slipway.nats.stream: "slip.way" is not a JetStream stream name/,
    );
    expect(() =>
      read({ nats: { servers: 'nats://a:4222', maxAgeDays: 0 } }),
    ).toThrow('slipway.nats.maxAgeDays must be a positive number');
    expect(() => read({ events: { outboxRetentionHours: -1 } })).toThrow(
      'slipway.events.outboxRetentionHours must be a positive number',
    );
  });
});

import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { startNatsServer, waitFor } from '@slipway/test-harness';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { streamState } from './__testUtils__/jetstream';
import { slipwayPermissions } from '@slipway/plugin-slipway-common';
import { slipwayPlugin } from './plugin';

describe('slipwayPlugin', () => {
  async function start(config: object = {}) {
    const { server } = await startTestBackend({
      features: [
        slipwayPlugin,
        // The catalog's in-memory stand-in: this test is not about ownership from the catalog.
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    return server;
  }

  it('serves /health without credentials, with the database state', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/slipway/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      database: { ok: true, migration: '20261204' },
    });
  });

  it('lists the embedded local host by default, only to authenticated callers', async () => {
    const server = await start();
    // The test backend treats a request without a token as a user: send the "none" principal.
    const anonymous = await request(server)
      .get('/api/slipway/hosts')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    const res = await request(server)
      .get('/api/slipway/hosts')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'local',
        type: 'local',
        source: 'config',
      }),
    ]);
  });

  it('shows configured SSH hosts without their private keys', async () => {
    const server = await start({
      slipway: {
        hosts: [
          {
            name: 'docker-1',
            address: '192.0.2.10',
            user: 'deploy',
            privateKey: 'PRIVATE-KEY-MATERIAL',
            hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE',
          },
        ],
      },
    });
    const res = await request(server)
      .get('/api/slipway/hosts')
      .set('Authorization', mockCredentials.user.header());
    expect(res.body.items).toEqual([
      {
        name: 'docker-1',
        type: 'ssh',
        source: 'config',
        address: '192.0.2.10',
        sshPort: 22,
        user: 'deploy',
        hostKeyPinned: true,
        owner: null,
      },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('PRIVATE-KEY-MATERIAL');
  });

  it('creates the SLIPWAY stream on start when NATS is configured', async () => {
    const nats = await startNatsServer();
    try {
      const server = await start({ slipway: { nats: { servers: nats.url } } });
      const res = await request(server)
        .get('/api/slipway/health')
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(200);
      const state = await waitFor(
        'the stream',
        () => streamState(nats.url).catch(() => undefined),
        20_000,
        100,
      );
      expect(state.messages).toBe(0);
    } finally {
      await nats.close();
    }
  });
  it('registers apps and hosts as resource types with their rules for the permission backend', async () => {
    const server = await start();
    const service = mockCredentials.service.header();
    const metadata = await request(server)
      .get('/api/slipway/.well-known/backstage/permissions/metadata')
      .set('Authorization', service);
    expect(metadata.status).toBe(200);
    expect(
      metadata.body.rules.map(
        (r: { name: string; resourceType: string }) =>
          `${r.resourceType} ${r.name}`,
      ),
    ).toEqual([
      'slipway-app IS_OWNER',
      'slipway-host IS_OWNER',
      'slipway-host HAS_NO_OWNER',
    ]);
    expect(
      metadata.body.permissions.map((p: { name: string }) => p.name).sort(),
    ).toEqual(slipwayPermissions.map(p => p.name).sort());

    // The configured host `local` is loaded by getResources; it has no owner.
    const isOwner = (resourceType: string) => ({
      rule: 'IS_OWNER',
      resourceType,
      params: { claims: ['group:default/team-a'] },
    });
    const applied = await request(server)
      .post('/api/slipway/.well-known/backstage/permissions/apply-conditions')
      .set('Authorization', service)
      .send({
        items: [
          {
            id: '1',
            resourceRef: 'local',
            resourceType: 'slipway-host',
            conditions: { not: isOwner('slipway-host') },
          },
          {
            id: '2',
            resourceRef: 'no-such-app',
            resourceType: 'slipway-app',
            conditions: { not: isOwner('slipway-app') },
          },
        ],
      });
    expect(applied.status).toBe(200);
    // An unknown app is denied whatever the conditions: nothing to judge.
    expect(applied.body.items).toEqual([
      { id: '1', result: 'ALLOW' },
      { id: '2', result: 'DENY' },
    ]);
  });
});

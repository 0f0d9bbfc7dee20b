import {
  createBackendPlugin,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { slipwayTestDatabaseIds, waitFor } from '@slipway/test-harness';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogOwnerStore } from '../database/CatalogOwnerStore';
import { InfraStore } from '../database/InfraStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { createSlipwayStores } from '../database/SlipwayStores';
import { CatalogOwnerSync } from './CatalogOwnerSync';

jest.setTimeout(120_000);

/**
 * The sync against the real catalog backend: catalog files in two "repositories" (folders the
 * catalog reads as file locations), apps deployed from them, and the owners that follow.
 */
describe.each(slipwayTestDatabaseIds())('CatalogOwnerSync (%s)', databaseId => {
  const databases = TestDatabases.create({ ids: [databaseId] });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-catalog-'));
  const shopRepo = path.join(root, 'shop');
  const elsewhere = path.join(root, 'team-b-catalog');
  let catalog: CatalogService | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  function writeComponent(dir: string, name: string, owner: string) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'catalog-info.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: ${name}`,
        '  annotations:',
        '    slipway/app-name: shop',
        'spec:',
        '  type: service',
        '  lifecycle: production',
        `  owner: ${owner}`,
        '',
      ].join('\n'),
    );
  }

  beforeAll(async () => {
    writeComponent(shopRepo, 'shop', 'team-a');
    // A catalog file outside the app's repository that claims the app for team B.
    writeComponent(elsewhere, 'shop-claim', 'team-b');
    // Captures the catalog service as any plugin of the backend gets it.
    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(env) {
        env.registerInit({
          deps: { catalog: catalogServiceRef, http: coreServices.httpRouter },
          async init(deps) {
            catalog = deps.catalog;
          },
        });
      },
    });
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        probe,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Component'] }],
              locations: [shopRepo, elsewhere].map(dir => ({
                type: 'file',
                target: path.join(dir, 'catalog-info.yaml'),
              })),
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('makes the owner of the Component in the app’s repository the app’s owner', async () => {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const stores = createSlipwayStores(knex);
    await new InfraStore(knex).syncConfiguredHosts([
      { name: 'test', address: null, sshPort: null, user: null },
    ]);
    await stores.apps.upsertAppForDeploy({
      name: 'shop',
      host: 'test',
      repo: `file://${shopRepo}`,
      ref: null,
      port: 39100,
      containerPort: 8080,
      healthPath: '/',
      envNames: [],
      initiator: 'user:default/carol',
      owner: 'user:default/carol',
    });
    const logger = mockServices.logger.mock();
    const sync = new CatalogOwnerSync({
      catalog: catalog!,
      auth: mockServices.auth(),
      store: new CatalogOwnerStore(knex),
      logger,
    });
    // The catalog reads its locations in the background: sync until both entities are in.
    await waitFor(
      'the catalog to hold both Components',
      async () => {
        const { items } = await catalog!.getEntities(
          { filter: { kind: 'Component' } },
          { credentials: await mockServices.auth().getOwnServiceCredentials() },
        );
        return items.length === 2 ? true : undefined;
      },
      60_000,
      200,
    );
    const changes = await sync.sync();
    expect(changes).toEqual([
      { app: 'shop', from: null, to: 'group:default/team-a' },
    ]);
    expect(await stores.apps.getApp('shop')).toMatchObject({
      owner: 'group:default/team-a',
      ownerEntity: 'component:default/shop',
    });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'component:default/shop-claim claims app shop but was not read from the app',
      ),
    );
    // Nothing changes on the next pass: the claim from outside the repository never counts.
    expect(await sync.sync()).toEqual([]);
    expect((await stores.apps.getApp('shop'))?.owner).toBe(
      'group:default/team-a',
    );
  });
});

import { TestDatabases } from '@backstage/backend-test-utils';
import {
  eventSubject,
  isSlipwayEvent,
  SlipwayEvent,
} from '@slipway/plugin-slipway-common';
import { slipwayTestDatabaseIds } from '@slipway/test-harness';
import { applyDatabaseMigrations } from '../database/migrations';
import { InfraStore } from '../database/InfraStore';
import { createSlipwayStores } from '../database/SlipwayStores';
import { publishStoreEvents } from './publishStoreEvents';
import { PublishingInfraStore } from './PublishingInfraStore';
import { InProcessEventBus } from './SlipwayEventBus';

/** What the writers announce, on both databases: one event per committed write, in order. */
describe('events from the stores', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });

  it.each(databases.eachSupportedId())(
    'publishes each kind of write once, after it is stored, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const bus = new InProcessEventBus();
      const store = createSlipwayStores(knex);
      const infra = new PublishingInfraStore(knex, bus);
      publishStoreEvents(store.changes, bus);
      const events: SlipwayEvent[] = [];
      bus.subscribe(e => void events.push(e));
      const settle = () => new Promise(resolve => setImmediate(resolve));

      await new InfraStore(knex).syncConfiguredHosts([
        { name: 'local', address: null, sshPort: null, user: null },
      ]);
      await store.apps.upsertAppForDeploy({
        name: 'hello',
        host: 'local',
        repo: 'https://example.com/hello.git',
        ref: 'main',
        port: 18080,
        containerPort: 8080,
        healthPath: '/health',
        envNames: ['GREETING'],
        initiator: 'user:default/jane',
      });
      const deployment = await store.deployments.createDeployment({
        app: 'hello',
        kind: 'deploy',
        initiator: 'user:default/jane',
        request: {},
      });
      await store.deployments.setDeploymentStatus(deployment.id, 'in_progress');
      await store.deployments.appendLog(deployment.id, 'system', 'Cloning');
      await store.deployments.appendLog(
        deployment.id,
        'stdout',
        'x'.repeat(9000),
      );
      await store.deployments.setDeploymentStatus(deployment.id, 'succeeded');
      await store.apps.transitionApp(
        'hello',
        'running',
        'healthy',
        deployment.id,
      );
      // Already running: nothing stored, nothing announced.
      await store.apps.transitionApp('hello', 'running', 'healthy again');
      await store.health.recordHealthSample('hello', {
        ok: true,
        latencyMs: 3,
        httpStatus: 200,
        error: null,
      });
      await infra.claimForProvisioning('docker-2', 'group:default/team');
      const job = await infra.createJob({
        host: 'docker-2',
        kind: 'provision',
        initiator: null,
        request: {},
      });
      await infra.setJobStatus(job.id, 'failed', 'apply failed');
      await settle();

      expect(events.every(isSlipwayEvent)).toBe(true);
      expect(new Set(events.map(e => e.id)).size).toBe(events.length);
      expect(
        events.map(e => [e.type, e.app ?? e.host, eventSubject(e)]),
      ).toEqual([
        ['app.state', 'hello', 'slipway.apps.hello.state'],
        [
          'deployment.status',
          'hello',
          `slipway.deployments.${deployment.id}.status`,
        ],
        [
          'deployment.status',
          'hello',
          `slipway.deployments.${deployment.id}.status`,
        ],
        ['deployment.log', 'hello', `slipway.deployments.${deployment.id}.log`],
        ['deployment.log', 'hello', `slipway.deployments.${deployment.id}.log`],
        [
          'deployment.status',
          'hello',
          `slipway.deployments.${deployment.id}.status`,
        ],
        ['app.state', 'hello', 'slipway.apps.hello.state'],
        ['health.sample', 'hello', 'slipway.apps.hello.health'],
        ['infra.job', 'docker-2', 'slipway.infra.docker-2.state'],
        ['infra.job', 'docker-2', 'slipway.infra.docker-2.state'],
      ]);
      const data = events.map(e => e.data as any);
      expect(data[0]).toEqual({
        from: null,
        to: 'pending',
        reason: 'first deploy requested',
        deploymentId: null,
      });
      expect(
        data
          .filter(d => d.deployment)
          .map(d => [d.deployment.status, Boolean(d.deployment.startedAt)]),
      ).toEqual([
        ['queued', false],
        ['in_progress', true],
        ['succeeded', true],
      ]);
      // The status event carries the record as the API returns it after the change.
      expect(data[5].deployment).toEqual(
        await store.deployments.requireDeployment(deployment.id),
      );
      // Log events carry the stored line, ids included, as GET /deployments/:id pages them.
      expect(
        events
          .filter(e => e.type === 'deployment.log')
          .map(e => (e.data as any).line),
      ).toEqual(await store.deployments.getLogs(deployment.id));
      expect(data[6]).toMatchObject({
        from: 'pending',
        to: 'running',
        deploymentId: deployment.id,
      });
      expect(data[7].sample).toMatchObject({ ok: true, httpStatus: 200 });
      expect(data.slice(8).map(d => d.job)).toEqual([
        {
          id: job.id,
          host: 'docker-2',
          kind: 'provision',
          status: 'queued',
          diagnosis: null,
        },
        {
          id: job.id,
          host: 'docker-2',
          kind: 'provision',
          status: 'failed',
          diagnosis: 'apply failed',
        },
      ]);
    },
    60_000,
  );
});

import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { SlipwayStore } from './database/SlipwayStore';
import { ConfiguredHost, toPublicHost } from './hosts/configuredHosts';

export type RouterOptions = {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  store: SlipwayStore;
  hosts: ConfiguredHost[];
};

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, store, hosts } = options;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  // Unauthenticated on purpose (see plugin.ts): load balancers and the test suite probe it.
  router.get('/health', async (_req, res) => {
    const database = await store.ping();
    res.status(database.ok ? 200 : 503).json({
      status: database.ok ? 'ok' : 'degraded',
      database,
    });
  });

  router.get('/hosts', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: hosts.map(toPublicHost) });
  });

  return router;
}

import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { SLIPWAY_APP_ANNOTATION } from '@slipway/plugin-slipway-common';
import {
  CatalogOwnerChange,
  CatalogOwnerStore,
} from '../database/CatalogOwnerStore';
import { catalogOwnersOf, IgnoredClaim } from './catalogOwners';

/** Every minute by default: a new catalog owner takes effect within about that. */
export const DEFAULT_CATALOG_OWNER_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 5 },
  };

/**
 * Copies each app's owner from its catalog Component (`spec.owner`) into the database, so a
 * permission check and a list filter read it in the same query as the app, for thousands of
 * apps, without a catalog round trip per request. The catalog is read in pages with only the
 * fields the rule needs; one replica syncs at a time.
 */
export class CatalogOwnerSync {
  /** Claims already logged, so a standing misconfiguration warns once, not every minute. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      store: CatalogOwnerStore;
      logger: LoggerService;
    },
  ) {}

  async schedule(
    scheduler: SchedulerService,
    schedule: SchedulerServiceTaskScheduleDefinition = DEFAULT_CATALOG_OWNER_SCHEDULE,
  ): Promise<void> {
    await scheduler.scheduleTask({
      id: 'slipway-catalog-owner-sync',
      scope: 'global',
      ...schedule,
      fn: async () => {
        await this.sync();
      },
    });
  }

  /** One pass: read the annotated Components, work out the owners, write what changed. */
  async sync(): Promise<CatalogOwnerChange[]> {
    const components = await this.annotatedComponents();
    const apps = await this.deps.store.listOwnership();
    const { owners, ignored } = catalogOwnersOf(apps, components);
    this.warn(ignored);
    const changes = await this.deps.store.apply(apps, owners);
    for (const change of changes) {
      this.deps.logger.info(
        change.to
          ? `App ${change.app} is owned by ${change.to}, as its catalog Component says`
          : `App ${change.app} no longer has a catalog owner; its deploy owner applies again`,
      );
    }
    return changes;
  }

  private async annotatedComponents(): Promise<Entity[]> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const found: Entity[] = [];
    const pages = this.deps.catalog.streamEntities(
      {
        filter: {
          kind: 'Component',
          [`metadata.annotations.${SLIPWAY_APP_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        // Whole metadata: field paths split on dots, and `backstage.io/…` keys have one.
        fields: ['kind', 'metadata', 'spec.owner'],
      },
      { credentials },
    );
    for await (const page of pages) found.push(...page);
    return found;
  }

  private warn(ignored: IgnoredClaim[]) {
    for (const claim of ignored) {
      const key = `${claim.app}|${claim.entity}|${claim.reason}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.deps.logger.warn(
        claim.reason === 'conflict'
          ? `Catalog Components disagree on the owner of app ${claim.app} (${claim.entity} is one); none is used until they agree`
          : `${claim.entity} claims app ${claim.app} but was not read from the app's repository; its owner is ignored`,
      );
    }
  }
}

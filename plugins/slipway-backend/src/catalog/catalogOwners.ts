import {
  ANNOTATION_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { SLIPWAY_APP_ANNOTATION } from '@slipway/plugin-slipway-common';
import type { AppOwnership, CatalogOwner } from '../database/CatalogOwnerStore';

export type { AppOwnership, CatalogOwner };

/** The location type of the Components Slipway itself emits for its apps (catalog module). */
const SLIPWAY_APP_LOCATION_PREFIX = 'slipway-app:';

/** Why a Component annotated for an app was not taken as its owner. */
export type IgnoredClaim = {
  app: string;
  entity: string;
  reason: 'outside-repository' | 'conflict';
};

/**
 * A repository or location URL reduced to `host/path`, so `https://git.example.com/team/app.git`,
 * `git@git.example.com:team/app.git` and the catalog's
 * `url:https://git.example.com/team/app/blob/main/catalog-info.yaml` can be compared by prefix.
 */
export function repositoryKey(url: string): string {
  let s = url.trim().replace(/^(url|file):(?!\/\/)/, '');
  const scp = /^[^@/:]+@([^/:]+):(?!\/\/)(.*)$/.exec(s);
  if (scp) s = `${scp[1]}/${scp[2]}`;
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]+@/, '');
  s = s.replace(/\/+$/, '').replace(/\.git$/, '');
  const slash = s.indexOf('/');
  return slash < 0
    ? s.toLowerCase()
    : s.slice(0, slash).toLowerCase() + s.slice(slash);
}

/** Whether the catalog read the entity from inside the app's repository. */
function livesIn(entity: Entity, repo: string): boolean {
  const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  if (!location) return false;
  const key = repositoryKey(repo);
  const at = repositoryKey(location);
  return at === key || at.startsWith(`${key}/`);
}

/**
 * Each app's owner from the catalog. A Component counts when it is annotated with the app's
 * name, names an owner, was not emitted by Slipway itself (those repeat the recorded owner),
 * and was read from the app's own repository: registering a catalog file elsewhere cannot
 * take an app over, only a change to the app's code can. Components that disagree cancel out.
 */
export function catalogOwnersOf(
  apps: AppOwnership[],
  components: Entity[],
): { owners: Map<string, CatalogOwner>; ignored: IgnoredClaim[] } {
  const byApp = new Map<string, Entity[]>();
  for (const entity of components) {
    const app = entity.metadata.annotations?.[SLIPWAY_APP_ANNOTATION];
    const location = entity.metadata.annotations?.[ANNOTATION_LOCATION] ?? '';
    if (!app || typeof entity.spec?.owner !== 'string') continue;
    if (location.startsWith(SLIPWAY_APP_LOCATION_PREFIX)) continue;
    byApp.set(app, [...(byApp.get(app) ?? []), entity]);
  }
  const owners = new Map<string, CatalogOwner>();
  const ignored: IgnoredClaim[] = [];
  for (const app of apps) {
    const claims = byApp.get(app.name) ?? [];
    const inRepo = claims.filter(entity => livesIn(entity, app.repo));
    for (const entity of claims.filter(e => !inRepo.includes(e))) {
      const ref = stringifyEntityRef(entity);
      ignored.push({
        app: app.name,
        entity: ref,
        reason: 'outside-repository',
      });
    }
    const named = new Set(inRepo.map(e => String(e.spec!.owner)));
    if (named.size > 1) {
      for (const entity of inRepo) {
        const ref = stringifyEntityRef(entity);
        ignored.push({ app: app.name, entity: ref, reason: 'conflict' });
      }
    } else if (inRepo.length) {
      const [entity] = inRepo;
      owners.set(app.name, {
        owner: ownerRef(String(entity.spec!.owner), entity),
        entity: stringifyEntityRef(entity),
      });
    }
  }
  return { owners, ignored };
}

/**
 * `spec.owner` as a full entity ref: the catalog lets it leave out the kind (Group) and the
 * namespace (the entity's own), as its relation processor reads it.
 */
function ownerRef(owner: string, entity: Entity): string {
  const withKind = owner.includes(':') ? owner : `group:${owner}`;
  const [kind, rest] = [
    withKind.slice(0, withKind.indexOf(':')),
    withKind.slice(withKind.indexOf(':') + 1),
  ];
  const full = rest.includes('/')
    ? rest
    : `${entity.metadata.namespace ?? 'default'}/${rest}`;
  return `${kind.toLowerCase()}:${full}`;
}

import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_SOURCE_LOCATION,
  ComponentEntity,
  EntityLink,
  makeValidator,
  parseEntityRef,
} from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  App,
  Deployment,
  SLIPWAY_APP_ANNOTATION,
  SLIPWAY_HOST_ANNOTATION,
  dnsLabel,
} from '@slipway/plugin-slipway-common';

/**
 * The location type this module adds: `{ type: 'slipway-app', target: '<app name>' }`.
 *
 * @public
 */
export const SLIPWAY_APP_LOCATION_TYPE = 'slipway-app';

/**
 * `spec.owner` of a component whose Slipway app names no owner: `spec.owner` is required by the
 * catalog, and a visible placeholder is easier to find and fix than a guessed team.
 *
 * @public
 */
export const SLIPWAY_UNKNOWN_OWNER = 'group:default/unknown';

/**
 * `GET /apps/:name/status`, as far as this module reads it. A backend older than the app's
 * `owner`, `description` and the response's `url` leaves them out; each has a fallback.
 */
type AppStatusResponse = {
  app: App;
  /** Where the app answers; null when the backend cannot tell. */
  url?: string | null;
  lastDeployment: Deployment | null;
};

/** The public part of a host as `GET /hosts` returns it. */
type PublicHost = { name: string; address: string | null };

const targetRule = dnsLabel(`a ${SLIPWAY_APP_LOCATION_TYPE} location's target`);

/** How long one request to the Slipway backend may take before the read fails. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Reads `slipway-app` locations: asks the Slipway backend for the app named by the target and
 * emits a Component entity for it, annotated so the Slipway card and tab find the app.
 *
 * @public
 */
export class SlipwayAppProcessor implements CatalogProcessor {
  private readonly discovery: DiscoveryService;
  private readonly auth: AuthService;
  private readonly logger?: LoggerService;
  private readonly timeoutMs: number;

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger?: LoggerService;
    /** Per request to the Slipway backend; 30 s by default. */
    timeoutMs?: number;
  }) {
    this.discovery = options.discovery;
    this.auth = options.auth;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  getProcessorName(): string {
    return 'SlipwayAppProcessor';
  }

  async readLocation(
    location: LocationSpec,
    optional: boolean,
    emit: CatalogProcessorEmit,
  ): Promise<boolean> {
    if (location.type !== SLIPWAY_APP_LOCATION_TYPE) {
      return false;
    }

    const name = targetRule.safeParse(location.target);
    if (!name.success) {
      emit(processingResult.inputError(location, name.error.issues[0].message));
      return true;
    }

    // Any failure becomes a processing error on the location: a throw would be reported by the
    // catalog as this processor crashing, without the status the backend answered.
    try {
      const client = await this.client();
      const res = await client.get(
        `/apps/${encodeURIComponent(name.data)}/status`,
      );
      // Only the Slipway router's own NotFoundError means "no such app": a backend without the
      // Slipway plugin answers 404 too, and must not make optional locations silently empty.
      if (res.status === 404 && (await isBackstageNotFound(res.clone()))) {
        if (!optional) {
          emit(
            processingResult.notFoundError(
              location,
              `Slipway has no app named "${name.data}"`,
            ),
          );
        }
        return true;
      }
      if (!res.ok) {
        const hint =
          res.status === 404
            ? ' (is the Slipway backend plugin installed?)'
            : '';
        emit(
          processingResult.generalError(
            location,
            `Slipway answered ${await describeFailure(res)} when reading app "${
              name.data
            }"${hint}`,
          ),
        );
        return true;
      }

      const status = statusOf(await res.json(), name.data);
      if (typeof status === 'string') {
        emit(processingResult.generalError(location, status));
        return true;
      }
      const { app } = status;
      if (app.destroyedAt) {
        // A destroyed app keeps its record for the history; the catalog treats it as gone.
        if (!optional) {
          emit(
            processingResult.notFoundError(
              location,
              `Slipway app "${app.name}" was destroyed at ${app.destroyedAt}`,
            ),
          );
        }
        return true;
      }

      const owner = app.owner || SLIPWAY_UNKNOWN_OWNER;
      const ownerProblem = checkOwner(owner);
      if (ownerProblem) {
        emit(
          processingResult.inputError(
            location,
            `Slipway app "${app.name}" has an owner that is not an entity reference ("${owner}"): ${ownerProblem}`,
          ),
        );
        return true;
      }

      const url =
        status.url === undefined
          ? await this.urlFromHosts(client, app)
          : httpUrlOrUndefined(status.url);
      emit(processingResult.entity(location, toComponent(app, owner, url)));
      return true;
    } catch (error) {
      emit(
        processingResult.generalError(
          location,
          `Could not read Slipway app "${name.data}": ${describeError(error)}`,
        ),
      );
      return true;
    }
  }

  /** A GET against the Slipway backend with this plugin's service token. */
  private async client() {
    const baseUrl = await this.discovery.getBaseUrl('slipway');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'slipway',
    });
    return {
      get: (path: string) =>
        fetch(`${baseUrl}${path}`, {
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
          },
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
    };
  }

  /**
   * The app's URL from its host's address, for a backend whose status response has no `url`.
   * Best effort: the link is a convenience, so a failure here must not keep the component out
   * of the catalog.
   */
  private async urlFromHosts(
    client: { get(path: string): Promise<Response> },
    app: App,
  ): Promise<string | undefined> {
    try {
      const res = await client.get('/hosts');
      if (!res.ok) {
        this.logger?.debug(
          `No link for Slipway app "${app.name}": GET /hosts answered ${res.status}`,
        );
        return undefined;
      }
      const body = (await res.json()) as { items?: PublicHost[] };
      const address = body.items?.find(h => h.name === app.host)?.address;
      if (!address) {
        return undefined;
      }
      // A bare IPv6 address needs brackets in a URL.
      const urlHost = address.includes(':') ? `[${address}]` : address;
      return httpUrlOrUndefined(`http://${urlHost}:${app.port}`);
    } catch (error) {
      this.logger?.debug(
        `No link for Slipway app "${app.name}": ${describeError(error)}`,
      );
      return undefined;
    }
  }
}

const validators = makeValidator();

/**
 * Why an owner cannot become the component's `ownedBy` relation, if it cannot. `parseEntityRef`
 * alone accepts names such as "platform team", which the catalog would store as a relation to
 * an entity that can never exist.
 */
function checkOwner(owner: string): string | undefined {
  let ref;
  try {
    ref = parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch (error) {
    return describeError(error);
  }
  if (!validators.isValidKind(ref.kind)) return `invalid kind "${ref.kind}"`;
  if (!validators.isValidNamespace(ref.namespace))
    return `invalid namespace "${ref.namespace}"`;
  if (!validators.isValidEntityName(ref.name))
    return `invalid name "${ref.name}"`;
  return undefined;
}

/** The status response, or why it cannot be used. */
function statusOf(body: unknown, name: string): AppStatusResponse | string {
  const status = body as Partial<AppStatusResponse> | null;
  const app = status?.app;
  if (
    !app ||
    typeof app.name !== 'string' ||
    typeof app.repo !== 'string' ||
    typeof app.host !== 'string' ||
    typeof app.port !== 'number'
  ) {
    return `Slipway's status response for app "${name}" has no app with a name, repo, host and port`;
  }
  if (app.name !== name) {
    return `Slipway answered with app "${app.name}" when asked for "${name}"`;
  }
  return status as AppStatusResponse;
}

/** Only an http(s) URL becomes a link: the catalog shows it as a clickable address. */
function httpUrlOrUndefined(url: unknown): string | undefined {
  if (typeof url !== 'string') {
    return undefined;
  }
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol)
      ? url
      : undefined;
  } catch {
    return undefined;
  }
}

function toComponent(
  app: App,
  owner: string,
  url: string | undefined,
): ComponentEntity {
  const annotations: Record<string, string> = {
    [SLIPWAY_APP_ANNOTATION]: app.name,
    [SLIPWAY_HOST_ANNOTATION]: app.host,
  };
  const sourceLocation = sourceLocationOf(app.repo);
  if (sourceLocation) {
    annotations[ANNOTATION_SOURCE_LOCATION] = sourceLocation;
  }

  const links: EntityLink[] = [];
  if (url) {
    links.push({ url, title: `${app.name} on ${app.host}`, icon: 'web' });
  }

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: app.name,
      description:
        app.description?.trim() || `Deployed by Slipway from ${app.repo}`,
      annotations,
      tags: ['slipway'],
      ...(links.length ? { links } : {}),
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner,
    },
  };
}

/**
 * `url:<repo>/` for a repo served over http(s). Backstage reads a source location as a
 * directory URL; an ssh repo has no such URL, so it gets no annotation.
 */
function sourceLocationOf(repo: string): string | undefined {
  if (!/^https?:\/\//i.test(repo)) {
    return undefined;
  }
  const base = repo.replace(/\/+$/, '').replace(/\.git$/, '');
  return `url:${base}/`;
}

async function isBackstageNotFound(res: Response): Promise<boolean> {
  try {
    const body = await res.json();
    return body?.error?.name === 'NotFoundError';
  } catch {
    return false;
  }
}

/** `500 Internal Server Error: <the backend's message>`. */
async function describeFailure(res: Response): Promise<string> {
  const status = `${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  let text = '';
  try {
    text = await res.text();
  } catch {
    return status;
  }
  try {
    // Backstage's error handler answers `{ error: { name, message }, response: {...} }`.
    const message = JSON.parse(text)?.error?.message;
    if (typeof message === 'string' && message) {
      return `${status}: ${message}`;
    }
  } catch {
    // Not JSON, e.g. a proxy's HTML page: show its start.
  }
  const snippet = text.trim().slice(0, 200);
  return snippet ? `${status}: ${snippet}` : status;
}

/** The message, and the cause's: Node's fetch hides ECONNREFUSED and friends in `cause`. */
function describeError(error: unknown): string {
  // isError rather than instanceof: fetch's errors come from another realm under Jest.
  if (!isError(error)) {
    return String(error);
  }
  const cause = (error as { cause?: unknown }).cause;
  return isError(cause) && cause.message
    ? `${error.message} (${cause.message})`
    : error.message;
}

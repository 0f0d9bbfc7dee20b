/** The catalog annotation that links a component to its Slipway app. */
export const SLIPWAY_APP_ANNOTATION = 'slipway/app-name';
/** Optional annotation naming the host an app is deployed to by default. */
export const SLIPWAY_HOST_ANNOTATION = 'slipway/host';

/*
 * What a first deploy from the entity's card is prefilled with; the user can change each
 * value before it runs, so none of them is a setting Slipway keeps in the catalog.
 */

/** The Git repository to deploy (`repo` of the deploy request). */
export const SLIPWAY_REPO_ANNOTATION = 'slipway/repo';
/** The build context, a directory of the repository (`context`), for monorepos. */
export const SLIPWAY_CONTEXT_ANNOTATION = 'slipway/context';
/** The port the app answers on, on its host (`port`). */
export const SLIPWAY_PORT_ANNOTATION = 'slipway/port';
/** The port the app listens on inside its container (`container_port`). */
export const SLIPWAY_CONTAINER_PORT_ANNOTATION = 'slipway/container-port';
/** The path the health checks probe (`health_path`). */
export const SLIPWAY_HEALTH_PATH_ANNOTATION = 'slipway/health-path';

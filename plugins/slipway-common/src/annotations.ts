/** The catalog annotation that links a component to its Slipway app. */
export const SLIPWAY_APP_ANNOTATION = 'slipway/app-name';
/** Optional annotation naming the host an app is deployed to by default. */
export const SLIPWAY_HOST_ANNOTATION = 'slipway/host';

/** The lock every app job holds from its request to its end; the holder is its deployment id. */
export const APP_LOCK_PREFIX = 'app:';

export const appLock = (app: string) => `${APP_LOCK_PREFIX}${app}`;

/** The lock a provisioning or destroy job holds on its host name; the holder is its job id. */
export const HOST_LOCK_PREFIX = 'host:';

export const hostLock = (host: string) => `${HOST_LOCK_PREFIX}${host}`;

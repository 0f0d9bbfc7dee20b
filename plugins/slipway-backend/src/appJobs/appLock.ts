/** The lock every app job holds from its request to its end; the holder is its deployment id. */
export const APP_LOCK_PREFIX = 'app:';

export const appLock = (app: string) => `${APP_LOCK_PREFIX}${app}`;

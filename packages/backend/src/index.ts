import { createBackend } from '@backstage/backend-defaults';

// The Slipway portal's backend: Backstage's core plugins plus Slipway. See docs/architecture.md.
const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: the guest provider for local use; configure a real provider for production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@slipway/plugin-catalog-backend-module-slipway'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
// publish:github for the new-service template (tokens from `integrations.github`).
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(import('@slipway/plugin-scaffolder-backend-module-slipway'));

// Permissions: Slipway's policy (owners act on their apps and hosts, `slipway.permissions.adminGroups`
// on all; every other permission is allowed). See plugins/permission-backend-module-slipway-policy.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@slipway/plugin-permission-backend-module-slipway-policy'));

backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));

backend.add(import('@slipway/plugin-slipway-backend'));

backend.start();

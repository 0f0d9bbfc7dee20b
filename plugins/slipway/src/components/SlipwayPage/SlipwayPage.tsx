import { Content, EmptyState, Header, Page } from '@backstage/core-components';

/**
 * The body of the Slipway page, without a header. The new frontend system
 * renders it under the plugin's own page header.
 */
export const SlipwayPageContent = () => (
  <Content>
    <EmptyState
      missing="data"
      title="No apps yet"
      description="Apps deployed with Slipway will be listed here."
    />
  </Content>
);

/**
 * The Slipway page for the legacy frontend system, with its own header.
 *
 * @public
 */
export const SlipwayPage = () => (
  <Page themeId="tool">
    <Header
      title="Slipway"
      subtitle="Deploy apps from Git repositories to Docker hosts"
    />
    <SlipwayPageContent />
  </Page>
);

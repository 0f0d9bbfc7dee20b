import { InfoCard } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { SLIPWAY_APP_ANNOTATION } from '@slipway/plugin-slipway-common';
import Typography from '@material-ui/core/Typography';
import { getSlipwayAppName } from '../../isSlipwayAvailable';

/**
 * Where the "Read more" button of the missing-annotation state points by
 * default: the catalog's documentation of entity annotations.
 */
const DEFAULT_READ_MORE_URL =
  'https://backstage.io/docs/features/software-catalog/descriptor-format#annotations-optional';

/**
 * Props of {@link SlipwayStatusCard}.
 *
 * @public
 */
export interface SlipwayStatusCardProps {
  /**
   * Where the "Read more" button points when the entity has no
   * `slipway/app-name` annotation, for example your own docs on Slipway.
   */
  readMoreUrl?: string;
}

/**
 * Entity card that shows the Slipway app an entity is linked to.
 *
 * @remarks
 *
 * Without the `slipway/app-name` annotation it explains how to add it.
 *
 * @public
 */
export const SlipwayStatusCard = (props: SlipwayStatusCardProps) => {
  const { entity } = useEntity();
  const appName = getSlipwayAppName(entity);

  if (!appName) {
    return (
      <InfoCard title="Slipway">
        <Typography variant="body2" paragraph>
          To show this component's Slipway app here, set the{' '}
          <code>{SLIPWAY_APP_ANNOTATION}</code> annotation to the app's name in
          Slipway.
        </Typography>
        <MissingAnnotationEmptyState
          annotation={SLIPWAY_APP_ANNOTATION}
          readMoreUrl={props.readMoreUrl ?? DEFAULT_READ_MORE_URL}
        />
      </InfoCard>
    );
  }

  return (
    <InfoCard title="Slipway">
      <Typography variant="subtitle2" color="textSecondary">
        App
      </Typography>
      <Typography variant="body1" paragraph data-testid="slipway-app-name">
        {appName}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        The app's status will appear here once it has been deployed with
        Slipway.
      </Typography>
    </InfoCard>
  );
};

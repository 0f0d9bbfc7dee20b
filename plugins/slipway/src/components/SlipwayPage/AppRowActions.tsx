import Typography from '@material-ui/core/Typography';
import { App, Deployment } from '@slipway/plugin-slipway-common';
import { useState } from 'react';
import { AppActions } from '../SlipwayStatusCard/AppActions';
import { RelativeTime } from '../shared/RelativeTime';

const STARTED: Record<Deployment['kind'], string> = {
  deploy: 'Redeploy',
  rollback: 'Rollback',
  restart: 'Restart',
  destroy: 'Destroy',
};

/**
 * The actions of one app of the page's table. Each row asks the permissions
 * for its own app (the permission API batches the requests), so a user sees
 * buttons only on the apps a policy lets them touch.
 */
export const AppRowActions = (props: { app: App }) => {
  const [started, setStarted] = useState<Deployment>();
  return (
    <div data-testid={`slipway-app-actions-${props.app.name}`}>
      {/* The list leaves destroyed apps out; the backend answers a 409 to a
          second job, which the actions show. */}
      <AppActions
        app={props.app}
        destroyed={false}
        busy={false}
        onStarted={setStarted}
      />
      {started && (
        <Typography variant="caption" component="div" role="status">
          {STARTED[started.kind]} started{' '}
          <RelativeTime value={started.createdAt} />
        </Typography>
      )}
    </div>
  );
};

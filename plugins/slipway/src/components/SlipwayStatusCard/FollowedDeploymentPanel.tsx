import Typography from '@material-ui/core/Typography';
import { FollowedDeployment } from '../../hooks/appState';
import { initiatorName } from '../shared/format';
import { RelativeTime } from '../shared/RelativeTime';
import { DeploymentStatusLabel } from '../shared/StatusLabels';
import { useLogSectionStyles } from './logSectionStyles';

/** Lines of a followed deployment's log shown on the card. */
const FOLLOWED_LOG_LINES = 12;

const KIND_TEXT: Record<string, string> = {
  deploy: 'Deploy',
  rollback: 'Rollback',
  restart: 'Restart',
  destroy: 'Destroy',
};

/** A deployment under way, or started from the card, with its latest log lines. */
export const FollowedDeploymentPanel = (props: {
  followed: FollowedDeployment;
}) => {
  const classes = useLogSectionStyles();
  const { deployment, log } = props.followed;
  const tail = log.slice(-FOLLOWED_LOG_LINES);
  return (
    <section
      className={classes.section}
      aria-label="Deployment under way"
      data-testid="slipway-followed-deployment"
      data-deployment-id={deployment.id}
    >
      <Typography variant="subtitle2" component="h3">
        {KIND_TEXT[deployment.kind] ?? deployment.kind} started{' '}
        <RelativeTime value={deployment.createdAt} />
        {deployment.initiator
          ? ` by ${initiatorName(deployment.initiator)}`
          : ''}
      </Typography>
      <DeploymentStatusLabel status={deployment.status} />
      {deployment.diagnosis && (
        <Typography variant="body2">{deployment.diagnosis}</Typography>
      )}
      {tail.length > 0 && (
        <pre
          className={classes.log}
          aria-label="Log of the deployment under way"
          data-testid="slipway-followed-log"
        >
          {tail.map(line => line.line).join('\n')}
        </pre>
      )}
    </section>
  );
};

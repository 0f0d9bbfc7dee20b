import { InfoCard, LogViewer, Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  Deployment,
  isFinalDeploymentStatus,
} from '@slipway/plugin-slipway-common';
import { shortSha } from '../shared/format';
import { RelativeTime } from '../shared/RelativeTime';
import { LogState } from './useDeploymentLog';

const useStyles = makeStyles(theme => ({
  log: {
    height: 480,
    marginTop: theme.spacing(1),
  },
  error: {
    color: theme.palette.error.main,
    margin: theme.spacing(1, 0),
  },
  section: {
    marginTop: theme.spacing(3),
  },
}));

/** The selected deployment's diagnosis and log (followed while it runs). */
export const DeploymentLogSection = (props: {
  selected: Deployment;
  shown: LogState | undefined;
}) => {
  const { selected, shown } = props;
  const classes = useStyles();
  return (
    <section className={classes.section}>
      <InfoCard
        title={`Log of the ${selected.kind} ${
          selected.commitSha ? `of ${shortSha(selected.commitSha)}` : ''
        }`.trim()}
        subheader={
          <span>
            {selected.status.replace('_', ' ')}, started{' '}
            <RelativeTime value={selected.startedAt ?? selected.createdAt} />
            {isFinalDeploymentStatus(selected.status)
              ? ''
              : ' — following the log as it is written'}
          </span>
        }
      >
        {selected.diagnosis && (
          <Typography variant="body2" paragraph>
            {selected.diagnosis}
          </Typography>
        )}
        {shown?.error && (
          <Typography variant="body2" role="alert" className={classes.error}>
            The log could not be loaded: {shown.error.message}
          </Typography>
        )}
        {!shown || shown.loading ? (
          <Progress />
        ) : (
          <div
            className={classes.log}
            data-testid="slipway-deployment-log"
            data-deployment-id={selected.id}
            aria-label={`Log of deployment ${selected.id}`}
            role="region"
          >
            {shown.lines.length > 0 ? (
              <LogViewer text={shown.lines.map(l => l.line).join('\n')} />
            ) : (
              <Typography variant="body2">No log lines yet.</Typography>
            )}
          </div>
        )}
      </InfoCard>
    </section>
  );
};

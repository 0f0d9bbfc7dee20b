import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { SlipwayLiveState } from '../../hooks/useSlipwayLive';

const useStyles = makeStyles(theme => ({
  interrupted: {
    color: theme.palette.warning.dark,
  },
}));

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Says whether what is shown is live, or refreshed on a timer and why. */
export const LiveNotice = (props: SlipwayLiveState) => {
  const classes = useStyles();
  const { live, pollIntervalMs, forcedPolling } = props;
  let text: string;
  if (live === 'streaming') {
    text = 'Live';
  } else if (forcedPolling) {
    text = `Refreshing every ${seconds(pollIntervalMs)}`;
  } else {
    text = `Live updates interrupted — refreshing every ${seconds(
      pollIntervalMs,
    )}`;
  }
  return (
    <Typography
      variant="caption"
      component="p"
      role="status"
      data-testid="slipway-live-mode"
      data-live={live}
      className={
        live === 'polling' && !forcedPolling ? classes.interrupted : undefined
      }
    >
      {text}
    </Typography>
  );
};

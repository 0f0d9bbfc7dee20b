import { makeStyles } from '@material-ui/core/styles';

/** A section of the card with a block of log lines: the followed deployment, the diagnosis. */
export const useLogSectionStyles = makeStyles(theme => ({
  section: {
    marginTop: theme.spacing(2),
  },
  log: {
    fontFamily: 'monospace',
    fontSize: '0.75rem',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    maxHeight: 320,
    overflowY: 'auto',
    margin: theme.spacing(1, 0, 0),
    padding: theme.spacing(1),
    backgroundColor: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
  },
}));

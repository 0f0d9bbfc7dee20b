import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { Deployment } from '@slipway/plugin-slipway-common';
import { shortSha } from '../shared/format';

/** Asks before a rollback starts an earlier image in place of the current container. */
export const RollbackConfirmation = (props: {
  deployment: Deployment;
  name: string;
  onCancel: () => void;
  onConfirm: () => void;
}) => {
  const { deployment, name } = props;
  return (
    <Dialog open onClose={props.onCancel} aria-labelledby="slipway-rollback-to">
      <DialogTitle id="slipway-rollback-to">Roll back {name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Start the image of{' '}
          {deployment.commitSha ? (
            <>
              commit <code>{shortSha(deployment.commitSha)}</code>
            </>
          ) : (
            <>
              deployment <code>{deployment.id.slice(0, 8)}</code>
            </>
          )}{' '}
          again in place of the current container?
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button color="primary" variant="contained" onClick={props.onConfirm}>
          Roll back
        </Button>
      </DialogActions>
    </Dialog>
  );
};

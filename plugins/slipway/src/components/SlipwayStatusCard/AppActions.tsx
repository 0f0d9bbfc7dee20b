import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  App,
  Deployment,
  slipwayAppDestroyPermission,
  slipwayAppOperatePermission,
} from '@slipway/plugin-slipway-common';
import { useEffect, useState } from 'react';
import { slipwayApiRef } from '../../api';
import { initiatorName, shortSha } from '../shared/format';
import { failureText } from '../shared/Problem';
import { RelativeTime } from '../shared/RelativeTime';

const useStyles = makeStyles(theme => ({
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  error: {
    color: theme.palette.error.main,
    marginTop: theme.spacing(1),
  },
}));

type Action = 'redeploy' | 'restart' | 'rollback' | 'destroy';

const STARTING: Record<Action, string> = {
  redeploy: 'The redeploy could not start',
  restart: 'The restart could not start',
  rollback: 'The rollback could not start',
  destroy: 'The destroy could not start',
};

/**
 * The deployment a rollback of the card goes back to: the newest succeeded
 * one before the current, whose image may still be on the host.
 */
export function rollbackTarget(
  app: App,
  deployments: Deployment[],
): Deployment | undefined {
  const current = app.currentDeploymentId;
  const sorted = [...deployments].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
  const currentIndex = sorted.findIndex(d => d.id === current);
  return sorted.find(
    (d, index) =>
      d.status === 'succeeded' &&
      d.image !== null &&
      d.kind !== 'destroy' &&
      d.id !== current &&
      (currentIndex === -1 || index > currentIndex),
  );
}

const RollbackDialog = (props: {
  app: App;
  onCancel: () => void;
  onConfirm: (deployment: Deployment) => void;
}) => {
  const api = useApi(slipwayApiRef);
  const { app } = props;
  const [state, setState] = useState<
    | { status: 'loading' }
    | { status: 'loaded'; deployments: Deployment[] }
    | { status: 'failed'; error: Error }
  >({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    api.listDeployments(app.name).then(
      deployments => {
        if (!cancelled) setState({ status: 'loaded', deployments });
      },
      error => {
        if (!cancelled) setState({ status: 'failed', error });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, app.name]);

  const target =
    state.status === 'loaded'
      ? rollbackTarget(app, state.deployments)
      : undefined;
  return (
    <Dialog open onClose={props.onCancel} aria-labelledby="slipway-rollback">
      <DialogTitle id="slipway-rollback">Roll back {app.name}</DialogTitle>
      <DialogContent>
        {state.status === 'loading' && <Progress />}
        {state.status === 'failed' && (
          <DialogContentText role="alert">
            The deployments could not be loaded: {state.error.message}
          </DialogContentText>
        )}
        {state.status === 'loaded' && !target && (
          <DialogContentText>
            There is no earlier successful deployment to roll back to.
          </DialogContentText>
        )}
        {target && (
          <DialogContentText data-testid="slipway-rollback-target">
            Go back to{' '}
            {target.commitSha ? (
              <>
                commit <code>{shortSha(target.commitSha)}</code>
              </>
            ) : (
              <>
                deployment <code>{target.id.slice(0, 8)}</code>
              </>
            )}
            , deployed <RelativeTime value={target.createdAt} />
            {target.initiator ? ` by ${initiatorName(target.initiator)}` : ''}?
            Its image is started in place of the current container.
          </DialogContentText>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!target}
          onClick={() => target && props.onConfirm(target)}
        >
          Roll back
        </Button>
      </DialogActions>
    </Dialog>
  );
};

const DestroyDialog = (props: {
  name: string;
  onCancel: () => void;
  onConfirm: () => void;
}) => {
  const [typed, setTyped] = useState('');
  const confirmed = typed === props.name;
  return (
    <Dialog open onClose={props.onCancel} aria-labelledby="slipway-destroy">
      <DialogTitle id="slipway-destroy">Destroy {props.name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          This stops and removes the app's container and images from its host.
          The app stops answering. To confirm, type the app's name,{' '}
          <strong>{props.name}</strong>.
        </DialogContentText>
        <TextField
          fullWidth
          id="slipway-destroy-confirm"
          variant="outlined"
          margin="dense"
          label="App name"
          value={typed}
          onChange={event => setTyped(event.target.value)}
          inputProps={{ 'data-testid': 'slipway-destroy-confirm-input' }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          variant="contained"
          color="secondary"
          disabled={!confirmed}
          onClick={props.onConfirm}
        >
          Destroy
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/**
 * Redeploy, Restart, Rollback and Destroy, each shown only to users whose
 * permission on this app allows it (the backend checks again). A started job
 * is handed to `onStarted` so the card follows it.
 */
export const AppActions = (props: {
  app: App;
  destroyed: boolean;
  /** A deployment runs: a second one would be refused with 409. */
  busy: boolean;
  onStarted: (deployment: Deployment) => void;
}) => {
  const classes = useStyles();
  const api = useApi(slipwayApiRef);
  const { app, destroyed, busy, onStarted } = props;
  const canOperate = usePermission({
    permission: slipwayAppOperatePermission,
    resourceRef: app.name,
  });
  const canDestroy = usePermission({
    permission: slipwayAppDestroyPermission,
    resourceRef: app.name,
  });
  const [dialog, setDialog] = useState<'rollback' | 'destroy'>();
  const [running, setRunning] = useState<Action>();
  const [error, setError] = useState<string>();

  const start = async (action: Action, call: () => Promise<Deployment>) => {
    setDialog(undefined);
    setRunning(action);
    setError(undefined);
    try {
      onStarted(await call());
    } catch (e) {
      setError(failureText(STARTING[action], e));
    } finally {
      setRunning(undefined);
    }
  };

  const disabled = busy || running !== undefined;
  // Redeploying brings a destroyed app back; nothing else applies to it.
  const showRedeploy = canOperate.allowed;
  const showOperate = canOperate.allowed && !destroyed;
  const showDestroy = canDestroy.allowed && !destroyed;
  if (!showRedeploy && !showDestroy) return null;

  return (
    <div>
      <div className={classes.actions}>
        {showRedeploy && (
          <Button
            variant="outlined"
            color="primary"
            size="small"
            disabled={disabled}
            onClick={() => start('redeploy', () => api.redeploy(app.name))}
            data-testid="slipway-action-redeploy"
          >
            Redeploy
          </Button>
        )}
        {showOperate && (
          <Button
            variant="outlined"
            size="small"
            disabled={disabled}
            onClick={() => start('restart', () => api.restart(app.name))}
            data-testid="slipway-action-restart"
          >
            Restart
          </Button>
        )}
        {showOperate && (
          <Button
            variant="outlined"
            size="small"
            disabled={disabled}
            onClick={() => setDialog('rollback')}
            data-testid="slipway-action-rollback"
          >
            Rollback
          </Button>
        )}
        {showDestroy && (
          <Button
            variant="outlined"
            size="small"
            color="secondary"
            disabled={disabled}
            onClick={() => setDialog('destroy')}
            data-testid="slipway-action-destroy"
          >
            Destroy
          </Button>
        )}
      </div>
      {error && (
        <Typography
          variant="body2"
          role="alert"
          className={classes.error}
          data-testid="slipway-action-error"
        >
          {error}
        </Typography>
      )}
      {dialog === 'rollback' && (
        <RollbackDialog
          app={app}
          onCancel={() => setDialog(undefined)}
          onConfirm={target =>
            start('rollback', () => api.rollback(app.name, target.id))
          }
        />
      )}
      {dialog === 'destroy' && (
        <DestroyDialog
          name={app.name}
          onCancel={() => setDialog(undefined)}
          onConfirm={() => start('destroy', () => api.destroy(app.name))}
        />
      )}
    </div>
  );
};

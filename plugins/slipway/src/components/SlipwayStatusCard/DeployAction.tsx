import { Entity } from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
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
  Deployment,
  SLIPWAY_CONTAINER_PORT_ANNOTATION,
  SLIPWAY_CONTEXT_ANNOTATION,
  SLIPWAY_HEALTH_PATH_ANNOTATION,
  SLIPWAY_HOST_ANNOTATION,
  SLIPWAY_PORT_ANNOTATION,
  SLIPWAY_REPO_ANNOTATION,
  isOwnedBy,
  slipwayAppDeployPermission,
} from '@slipway/plugin-slipway-common';
import { useEffect, useState } from 'react';
import { SlipwayApiError, slipwayApiRef, SlipwayDeployCheck } from '../../api';
import { failureText } from '../shared/Problem';
import {
  checkDeployForm,
  deployFormFromEntity,
  DeployFormField,
  DeployFormValues,
  ownerOf,
} from './deployForm';

const useStyles = makeStyles(theme => ({
  error: {
    color: theme.palette.error.main,
    marginTop: theme.spacing(1),
  },
  passed: {
    marginTop: theme.spacing(1),
  },
}));

const FIELDS: Array<{
  field: DeployFormField;
  label: string;
  /** Where the prefilled value comes from, so the user can fix it at its source. */
  annotation?: string;
  hint: string;
}> = [
  {
    field: 'name',
    label: 'App name',
    hint: "The app's name in Slipway, from slipway/app-name.",
  },
  {
    field: 'repo',
    label: 'Repository',
    annotation: SLIPWAY_REPO_ANNOTATION,
    hint: 'The Git repository with the Dockerfile (https, http or ssh).',
  },
  {
    field: 'context',
    label: 'Build context',
    annotation: SLIPWAY_CONTEXT_ANNOTATION,
    hint: 'A directory of the repository; empty for its root.',
  },
  {
    field: 'port',
    label: 'Port on the host',
    annotation: SLIPWAY_PORT_ANNOTATION,
    hint: 'Where the app answers on its host.',
  },
  {
    field: 'containerPort',
    label: 'Container port',
    annotation: SLIPWAY_CONTAINER_PORT_ANNOTATION,
    hint: 'The port the app listens on inside its container.',
  },
  {
    field: 'healthPath',
    label: 'Health path',
    annotation: SLIPWAY_HEALTH_PATH_ANNOTATION,
    hint: 'The path the health checks probe; empty for /.',
  },
  {
    field: 'host',
    label: 'Host',
    annotation: SLIPWAY_HOST_ANNOTATION,
    hint: 'The Slipway host to run it on.',
  },
];

/**
 * A 400 is the backend saying what to change in the form, and a 403 whom to ask: both are
 * complete sentences that read best alone.
 */
function refusalText(prefix: string, error: unknown): string {
  if (
    error instanceof SlipwayApiError &&
    error.status === 400 &&
    error.backendMessage
  ) {
    return error.backendMessage;
  }
  return failureText(prefix, error);
}

type Outcome =
  | { kind: 'checked'; check: SlipwayDeployCheck }
  | { kind: 'failed'; text: string };

const DeployDialog = (props: {
  entity: Entity;
  name: string;
  onCancel: () => void;
  onStarted: (deployment: Deployment) => void;
}) => {
  const classes = useStyles();
  const api = useApi(slipwayApiRef);
  const [values, setValues] = useState<DeployFormValues>(() =>
    deployFormFromEntity(props.entity, props.name),
  );
  const [running, setRunning] = useState<'check' | 'deploy'>();
  const [outcome, setOutcome] = useState<Outcome>();
  const owner = ownerOf(props.entity);
  const { request, fieldErrors, otherErrors } = checkDeployForm(values, owner);
  const valid = Object.keys(fieldErrors).length === 0 && !otherErrors.length;

  const change = (field: DeployFormField, value: string) => {
    setValues(current => ({ ...current, [field]: value }));
    // A check answered for other values says nothing about these.
    setOutcome(undefined);
  };

  const check = async () => {
    setRunning('check');
    setOutcome(undefined);
    try {
      setOutcome({ kind: 'checked', check: await api.checkDeploy(request) });
    } catch (error) {
      setOutcome({
        kind: 'failed',
        text: refusalText('The check failed', error),
      });
    } finally {
      setRunning(undefined);
    }
  };

  const deploy = async () => {
    setRunning('deploy');
    setOutcome(undefined);
    try {
      props.onStarted(await api.deploy(request));
    } catch (error) {
      setOutcome({
        kind: 'failed',
        text: refusalText('The deploy could not start', error),
      });
      setRunning(undefined);
    }
  };

  return (
    <Dialog
      open
      onClose={props.onCancel}
      aria-labelledby="slipway-deploy"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="slipway-deploy">Deploy {props.name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Slipway builds the repository's Dockerfile on the host and starts the
          app once its health path answers. The values come from this entity's
          annotations; change them here for this deploy.
        </DialogContentText>
        {FIELDS.map(({ field, label, annotation, hint }) => (
          <TextField
            key={field}
            id={`slipway-deploy-${field}`}
            label={label}
            value={values[field]}
            onChange={event => change(field, event.target.value)}
            error={Boolean(fieldErrors[field])}
            helperText={
              fieldErrors[field] ??
              (annotation ? `${hint} Annotation ${annotation}.` : hint)
            }
            InputProps={{ readOnly: field === 'name' }}
            fullWidth
            variant="outlined"
            margin="dense"
          />
        ))}
        {otherErrors.map(text => (
          <Typography key={text} variant="body2" className={classes.error}>
            {text}
          </Typography>
        ))}
        {outcome?.kind === 'checked' && (
          <Typography
            variant="body2"
            role="status"
            className={classes.passed}
            data-testid="slipway-deploy-check"
          >
            The checks pass: {props.name}{' '}
            {outcome.check.existing ? 'would be replaced' : 'would be created'}{' '}
            on host {outcome.check.request.host}
            {outcome.check.url ? ` and answer at ${outcome.check.url}` : ''}.
          </Typography>
        )}
        {outcome?.kind === 'failed' && (
          <Typography
            variant="body2"
            role="alert"
            className={classes.error}
            data-testid="slipway-deploy-error"
          >
            {outcome.text}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          variant="outlined"
          disabled={!valid || running !== undefined}
          onClick={check}
          data-testid="slipway-deploy-check-button"
        >
          Check
        </Button>
        <Button
          variant="contained"
          color="primary"
          disabled={!valid || running !== undefined}
          onClick={deploy}
          data-testid="slipway-deploy-submit"
        >
          Deploy
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/**
 * Whether the user may create the app. A name Slipway does not know is no resource the
 * permission framework can load, so a conditional decision on it is a denial: the permission
 * answers yes only for those allowed outright (admins). Everyone else may create an app for an
 * owner they are, which is what the backend judges on the request: here, the entity's owner
 * against the user's ownership refs.
 */
function useMayDeployNew(entity: Entity, name: string): boolean {
  const identityApi = useApi(identityApiRef);
  const permission = usePermission({
    permission: slipwayAppDeployPermission,
    resourceRef: name,
  });
  const [owns, setOwns] = useState(false);
  useEffect(() => {
    let gone = false;
    const owner = ownerOf(entity) ?? null;
    identityApi.getBackstageIdentity().then(
      identity => {
        if (!gone) setOwns(isOwnedBy(owner, identity.ownershipEntityRefs));
      },
      () => {
        if (!gone) setOwns(false);
      },
    );
    return () => {
      gone = true;
    };
  }, [identityApi, entity]);
  return permission.allowed || owns;
}

/**
 * Deploy for an entity whose app Slipway does not run yet, shown to users who may create it
 * (see useMayDeployNew). The backend judges the entity's owner, which the request carries. The
 * started job goes to `onStarted` for the card to follow.
 */
export const DeployAction = (props: {
  entity: Entity;
  name: string;
  onStarted: (deployment: Deployment) => void;
}) => {
  const { name, onStarted } = props;
  const mayDeploy = useMayDeployNew(props.entity, name);
  const [open, setOpen] = useState(false);
  if (!mayDeploy) return null;
  return (
    <>
      <Button
        variant="contained"
        color="primary"
        size="small"
        onClick={() => setOpen(true)}
        data-testid="slipway-action-deploy"
      >
        Deploy
      </Button>
      {open && (
        <DeployDialog
          entity={props.entity}
          name={name}
          onCancel={() => setOpen(false)}
          onStarted={deployment => {
            setOpen(false);
            onStarted(deployment);
          }}
        />
      )}
    </>
  );
};

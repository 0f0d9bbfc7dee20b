import { Entity } from '@backstage/catalog-model';
import { InfoCard, Link, Progress } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  isFinalDeploymentStatus,
  SLIPWAY_APP_ANNOTATION,
} from '@slipway/plugin-slipway-common';
import { ReactNode } from 'react';
import { useSlipwayApp } from '../../hooks/useSlipwayApp';
import { getSlipwayAppName } from '../../isSlipwayAvailable';
import { CommitLink } from '../shared/CommitLink';
import { initiatorName } from '../shared/format';
import { LiveNotice } from '../shared/LiveNotice';
import { RelativeTime } from '../shared/RelativeTime';
import {
  AppStateLabel,
  displayStateOf,
  isTroubled,
} from '../shared/StatusLabels';
import { LoadProblem } from '../shared/Problem';
import { AppActions } from './AppActions';
import { Diagnosis } from './Diagnosis';
import { DeployAction } from './DeployAction';
import { FollowedDeploymentPanel } from './FollowedDeploymentPanel';
import { formatUptime, HealthHeartbeat } from './HealthHeartbeat';

/**
 * Where the "Read more" button of the missing-annotation state points by
 * default: the catalog's documentation of entity annotations.
 */
const DEFAULT_READ_MORE_URL =
  'https://backstage.io/docs/features/software-catalog/descriptor-format#annotations-optional';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: theme.spacing(1, 0, 2),
    '& dt': {
      color: theme.palette.text.secondary,
      fontSize: theme.typography.body2.fontSize,
    },
    '& dd': {
      margin: 0,
      fontSize: theme.typography.body2.fontSize,
      minWidth: 0,
      overflowWrap: 'anywhere',
    },
  },
  reason: {
    color: theme.palette.text.secondary,
  },
}));

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

const Fact = (props: { label: string; children: ReactNode }) => (
  <>
    <dt>{props.label}</dt>
    <dd>{props.children}</dd>
  </>
);

const AppStatusCard = (props: { name: string; entity: Entity }) => {
  const classes = useStyles();
  const { name } = props;
  const view = useSlipwayApp(name);
  const { status, followed } = view;
  const liveNotice = (
    <LiveNotice
      live={view.live}
      pollIntervalMs={view.pollIntervalMs}
      forcedPolling={view.forcedPolling}
    />
  );

  if (view.notFound) {
    const deploying =
      followed && !isFinalDeploymentStatus(followed.deployment.status);
    return (
      <InfoCard
        title="Slipway"
        actions={
          !deploying && (
            <DeployAction
              entity={props.entity}
              name={name}
              onStarted={deployment => {
                view.follow(deployment);
                // The backend records the app as the job starts: the card turns into its status.
                view.refresh();
              }}
            />
          )
        }
      >
        <Typography variant="body1" paragraph data-testid="slipway-not-found">
          Slipway has no app named <strong>{name}</strong> yet.
        </Typography>
        <Typography variant="body2" color="textSecondary">
          Deploy it with Slipway, for example with the "Deploy an app from a Git
          repository" template, or set the <code>{SLIPWAY_APP_ANNOTATION}</code>{' '}
          annotation to the name the app has in Slipway. This card shows the app
          as soon as it exists.
        </Typography>
        {followed && <FollowedDeploymentPanel followed={followed} />}
        {liveNotice}
      </InfoCard>
    );
  }

  if (!status) {
    return (
      <InfoCard title="Slipway">
        {view.error ? (
          <>
            <LoadProblem
              title={`The status of ${name} could not be loaded`}
              error={view.error}
            />
            {liveNotice}
          </>
        ) : (
          <Progress />
        )}
      </InfoCard>
    );
  }

  const { app, lastDeployment } = status;
  const running =
    followed && !isFinalDeploymentStatus(followed.deployment.status);
  const state = displayStateOf(
    app,
    running ? followed.deployment : lastDeployment,
  );
  const destroyed = state === 'destroyed';

  return (
    <InfoCard
      title="Slipway"
      actions={
        <AppActions
          app={app}
          destroyed={destroyed}
          busy={Boolean(running)}
          onStarted={view.follow}
        />
      }
    >
      {liveNotice}
      {view.error && (
        <Typography variant="body2" role="alert" color="error">
          The status could not be refreshed: {view.error.message}
        </Typography>
      )}
      <dl className={classes.facts}>
        <Fact label="State">
          <div
            data-testid="slipway-app-state"
            data-state={state}
            aria-live="polite"
          >
            <AppStateLabel state={state} />
          </div>
          {app.stateReason && !isTroubled(state) && (
            <Typography variant="caption" className={classes.reason}>
              {app.stateReason}
            </Typography>
          )}
          <Typography
            variant="caption"
            className={classes.reason}
            component="p"
          >
            since <RelativeTime value={app.stateChangedAt} />
          </Typography>
        </Fact>
        <Fact label="App">
          <span data-testid="slipway-app-name">{app.name}</span>
        </Fact>
        <Fact label="URL">
          {status.url && !destroyed ? (
            <Link to={status.url} data-testid="slipway-app-url">
              {status.url}
            </Link>
          ) : (
            '—'
          )}
        </Fact>
        <Fact label="Host">{app.host}</Fact>
        {(app.memory || app.cpus) && (
          <Fact label="Limits">
            <span data-testid="slipway-app-limits">
              {[
                app.memory && `memory ${app.memory}`,
                app.cpus && `${app.cpus} CPU${app.cpus === 1 ? '' : 's'}`,
              ]
                .filter(Boolean)
                .join(', ')}
            </span>
          </Fact>
        )}
        <Fact label="Commit">
          {lastDeployment?.commitSha ? (
            <CommitLink repo={app.repo} sha={lastDeployment.commitSha} />
          ) : (
            app.ref ?? '—'
          )}
        </Fact>
        {lastDeployment && (
          <Fact label="Deployed">
            <span data-testid="slipway-last-deployment">
              <RelativeTime
                value={lastDeployment.finishedAt ?? lastDeployment.createdAt}
              />
              {lastDeployment.initiator
                ? ` by ${initiatorName(lastDeployment.initiator)}`
                : ''}
              {lastDeployment.status !== 'succeeded'
                ? ` (${lastDeployment.kind}, ${lastDeployment.status.replace(
                    '_',
                    ' ',
                  )})`
                : ''}
            </span>
          </Fact>
        )}
        <Fact label="Uptime (24 h)">
          <span data-testid="slipway-uptime">
            {formatUptime(status.uptime24h)}
          </span>
        </Fact>
      </dl>
      <HealthHeartbeat health={status.health} healthPath={app.healthPath} />
      {followed && <FollowedDeploymentPanel followed={followed} />}
      {isTroubled(state) && <Diagnosis status={status} />}
    </InfoCard>
  );
};

/**
 * Entity card with the Slipway app of the entity: its state, health, URL,
 * deployed commit and the actions the user may take, updated live.
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

  return <AppStatusCard name={appName} entity={entity} />;
};

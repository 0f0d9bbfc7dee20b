import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
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
import { ReactNode, useEffect, useState } from 'react';
import {
  slipwayApiRef,
  SlipwayAppStatus,
  SlipwayContainerLogs,
} from '../../api';
import { FollowedDeployment } from '../../hooks/appState';
import { useSlipwayApp } from '../../hooks/useSlipwayApp';
import { getSlipwayAppName } from '../../isSlipwayAvailable';
import { CommitLink } from '../shared/CommitLink';
import { initiatorName } from '../shared/format';
import { LiveNotice } from '../shared/LiveNotice';
import { RelativeTime } from '../shared/RelativeTime';
import {
  AppStateLabel,
  DeploymentStatusLabel,
  displayStateOf,
  isTroubled,
} from '../shared/StatusLabels';
import { LoadProblem } from '../shared/Problem';
import { AppActions } from './AppActions';
import {
  formatUptime,
  HealthHeartbeat,
  sampleProblem,
} from './HealthHeartbeat';

/**
 * Where the "Read more" button of the missing-annotation state points by
 * default: the catalog's documentation of entity annotations.
 */
const DEFAULT_READ_MORE_URL =
  'https://backstage.io/docs/features/software-catalog/descriptor-format#annotations-optional';

/** Container log lines shown for a failed or unhealthy app. */
const LOG_TAIL = 20;
/** Lines of a followed deployment's log shown on the card. */
const FOLLOWED_LOG_LINES = 12;

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

function useContainerLogs(
  name: string,
  enabled: boolean,
  key: string,
):
  | { status: 'loading' }
  | { status: 'loaded'; logs: SlipwayContainerLogs }
  | { status: 'failed'; error: Error }
  | undefined {
  const api = useApi(slipwayApiRef);
  const [state, setState] = useState<ReturnType<typeof useContainerLogs>>();
  useEffect(() => {
    if (!enabled) {
      setState(undefined);
      return undefined;
    }
    let cancelled = false;
    setState({ status: 'loading' });
    api.getAppLogs(name, { tail: LOG_TAIL }).then(
      logs => !cancelled && setState({ status: 'loaded', logs }),
      error => !cancelled && setState({ status: 'failed', error }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, name, enabled, key]);
  return state;
}

/** What went wrong, in plain sentences, most specific last; no repeats. */
export function diagnose(status: SlipwayAppStatus): string[] {
  const { app, health, lastDeployment } = status;
  const lines: string[] = [];
  if (app.stateReason) lines.push(app.stateReason);
  const lastFailed = [...health].reverse().find(sample => !sample.ok);
  if (lastFailed) {
    lines.push(
      `The last failed health check: ${sampleProblem(
        lastFailed,
        app.healthPath,
      )}.`,
    );
  }
  if (lastDeployment?.diagnosis) lines.push(lastDeployment.diagnosis);
  return lines.filter((line, index) => lines.indexOf(line) === index);
}

const Fact = (props: { label: string; children: ReactNode }) => (
  <>
    <dt>{props.label}</dt>
    <dd>{props.children}</dd>
  </>
);

const KIND_TEXT: Record<string, string> = {
  deploy: 'Deploy',
  rollback: 'Rollback',
  restart: 'Restart',
  destroy: 'Destroy',
};

const FollowedDeploymentPanel = (props: { followed: FollowedDeployment }) => {
  const classes = useStyles();
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

const Diagnosis = (props: { status: SlipwayAppStatus }) => {
  const classes = useStyles();
  const { app } = props.status;
  const logs = useContainerLogs(app.name, true, app.stateChangedAt);
  const lines = diagnose(props.status);
  return (
    <section className={classes.section} aria-label="Diagnosis">
      <Typography variant="subtitle2" component="h3">
        What is wrong
      </Typography>
      {lines.length > 0 ? (
        <ul data-testid="slipway-diagnosis">
          {lines.map(line => (
            <li key={line}>
              <Typography variant="body2">{line}</Typography>
            </li>
          ))}
        </ul>
      ) : (
        <Typography variant="body2" data-testid="slipway-diagnosis">
          Slipway gave no reason.
        </Typography>
      )}
      <Typography variant="subtitle2" component="h3">
        Last log lines
        {logs?.status === 'loaded' && logs.logs.container
          ? ` of ${logs.logs.container}`
          : ''}
      </Typography>
      {logs?.status === 'loading' && <Progress />}
      {logs?.status === 'failed' && (
        <Typography variant="body2" role="alert">
          The log could not be read: {logs.error.message}
        </Typography>
      )}
      {logs?.status === 'loaded' &&
        (logs.logs.lines.length > 0 ? (
          <pre
            className={classes.log}
            aria-label="Last log lines of the container"
            data-testid="slipway-app-log"
          >
            {logs.logs.lines.join('\n')}
          </pre>
        ) : (
          <Typography variant="body2" data-testid="slipway-app-log">
            {logs.logs.container
              ? 'The container has written nothing.'
              : 'The app has no container.'}
          </Typography>
        ))}
    </section>
  );
};

const AppStatusCard = (props: { name: string }) => {
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
    return (
      <InfoCard title="Slipway">
        <Typography variant="body1" paragraph data-testid="slipway-not-found">
          Slipway has no app named <strong>{name}</strong> yet.
        </Typography>
        <Typography variant="body2" color="textSecondary">
          Deploy it with Slipway, for example with the "Deploy an app from a Git
          repository" template, or set the <code>{SLIPWAY_APP_ANNOTATION}</code>{' '}
          annotation to the name the app has in Slipway. This card shows the app
          as soon as it exists.
        </Typography>
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

  return <AppStatusCard name={appName} />;
};

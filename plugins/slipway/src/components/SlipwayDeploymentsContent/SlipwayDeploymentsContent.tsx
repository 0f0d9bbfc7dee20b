import {
  InfoCard,
  LogViewer,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  App,
  Deployment,
  DeploymentLogLine,
  isFinalDeploymentStatus,
  SLIPWAY_APP_ANNOTATION,
  slipwayAppOperatePermission,
} from '@slipway/plugin-slipway-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { slipwayApiRef, SlipwayEvent } from '../../api';
import { mergeLogLines, newerDeployment } from '../../hooks/appState';
import { useSlipwayApp } from '../../hooks/useSlipwayApp';
import { useCoalescedLoad } from '../../hooks/useSlipwayLive';
import { getSlipwayAppName } from '../../isSlipwayAvailable';
import { CommitLink } from '../shared/CommitLink';
import { deploymentDuration, initiatorName, shortSha } from '../shared/format';
import { LiveNotice } from '../shared/LiveNotice';
import { failureText, LoadProblem } from '../shared/Problem';
import { RelativeTime, useNow } from '../shared/RelativeTime';
import { DeploymentStatusLabel } from '../shared/StatusLabels';

const useStyles = makeStyles(theme => ({
  log: {
    height: 480,
    marginTop: theme.spacing(1),
  },
  actions: {
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  error: {
    color: theme.palette.error.main,
    margin: theme.spacing(1, 0),
  },
  section: {
    marginTop: theme.spacing(3),
  },
}));

/**
 * Props of {@link SlipwayDeploymentsContent}.
 *
 * @public
 */
export interface SlipwayDeploymentsContentProps {
  /** Where "Read more" points when the entity has no `slipway/app-name`. */
  readMoreUrl?: string;
}

function upsert(items: Deployment[], deployment: Deployment): Deployment[] {
  const index = items.findIndex(item => item.id === deployment.id);
  const next =
    index === -1
      ? [deployment, ...items]
      : items.map((item, i) =>
          i === index ? newerDeployment(item, deployment) : item,
        );
  return next.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Whether a deployment's image can be run again. */
function canRollBackTo(deployment: Deployment, app: App | undefined): boolean {
  return (
    deployment.status === 'succeeded' &&
    deployment.kind !== 'destroy' &&
    deployment.image !== null &&
    deployment.id !== app?.currentDeploymentId
  );
}

type LogState = {
  id: string;
  loading: boolean;
  lines: DeploymentLogLine[];
  error?: Error;
};

/**
 * The log of one deployment: read once when it has ended, followed line by
 * line (the NDJSON follow of the backend) while it runs.
 */
function useDeploymentLog(
  id: string | undefined,
  running: boolean,
  onDeployment: (deployment: Deployment) => void,
) {
  const api = useApi(slipwayApiRef);
  const [log, setLog] = useState<LogState>();
  const onDeploymentRef = useRef(onDeployment);
  onDeploymentRef.current = onDeployment;

  useEffect(() => {
    if (!id) {
      setLog(undefined);
      return undefined;
    }
    const controller = new AbortController();
    const add = (lines: DeploymentLogLine[]) =>
      setLog(current =>
        current?.id === id
          ? {
              ...current,
              loading: false,
              lines: mergeLogLines(current.lines, lines),
            }
          : { id, loading: false, lines: mergeLogLines([], lines) },
      );
    // A followed log starts empty and fills as lines come.
    setLog({ id, loading: !running, lines: [] });
    const readOnce = () =>
      api.getDeployment(id).then(
        ({ deployment, log: lines }) => {
          if (controller.signal.aborted) return;
          onDeploymentRef.current(deployment);
          add(lines);
        },
        error => {
          if (!controller.signal.aborted) {
            setLog(current => ({
              id,
              loading: false,
              lines: current?.id === id ? current.lines : [],
              error,
            }));
          }
        },
      );
    if (running) {
      api
        .followDeployment(
          id,
          message => {
            if (message.type === 'log') {
              const { type, ...line } = message;
              add([line]);
            } else {
              onDeploymentRef.current(message.deployment);
              add([]);
            }
          },
          { signal: controller.signal },
        )
        // A follow that breaks off leaves the deployment.log events, and
        // one read brings the lines it missed.
        .catch(() => {
          if (!controller.signal.aborted) readOnce();
        });
    } else {
      readOnce();
    }
    return () => controller.abort();
    // `running` only picks how to read when a deployment is selected.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, id]);

  const addLine = useCallback(
    (deploymentId: string, line: DeploymentLogLine) =>
      setLog(current =>
        current?.id === deploymentId
          ? { ...current, lines: mergeLogLines(current.lines, [line]) }
          : current,
      ),
    [],
  );

  return { log, addLine };
}

const RollbackConfirmation = (props: {
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

const Deployments = (props: { name: string }) => {
  const { name } = props;
  const classes = useStyles();
  const api = useApi(slipwayApiRef);
  const now = useNow(5000);
  const canOperate = usePermission({
    permission: slipwayAppOperatePermission,
    resourceRef: name,
  });
  const [list, setList] = useState<{
    items?: Deployment[];
    error?: Error;
  }>({});
  const [selectedId, setSelectedId] = useState<string>();
  const [confirm, setConfirm] = useState<Deployment>();
  const [rollbackError, setRollbackError] = useState<string>();
  const [starting, setStarting] = useState(false);

  const loader = useCoalescedLoad(async () => {
    try {
      const items = await api.listDeployments(name);
      setList({ items });
    } catch (error) {
      setList(current => ({ items: current.items, error: error as Error }));
    }
  }, 300);

  useEffect(() => {
    setList({});
    setSelectedId(undefined);
    loader.now();
  }, [name, loader]);

  const onDeployment = useCallback(
    (deployment: Deployment) =>
      setList(current =>
        current.items
          ? { ...current, items: upsert(current.items, deployment) }
          : current,
      ),
    [],
  );

  const selected = list.items?.find(d => d.id === selectedId);
  const { log, addLine } = useDeploymentLog(
    selectedId,
    selected ? !isFinalDeploymentStatus(selected.status) : false,
    onDeployment,
  );

  const onEvent = useCallback(
    (event: SlipwayEvent) => {
      if (event.type === 'deployment.status') {
        onDeployment(event.data.deployment);
      } else if (event.type === 'deployment.log') {
        addLine(event.data.deploymentId, event.data.line);
      }
    },
    [onDeployment, addLine],
  );

  const view = useSlipwayApp(name, { onEvent, onRefresh: loader.soon });
  const app = view.status?.app;

  // The newest deployment is what one usually opens the tab for.
  useEffect(() => {
    if (!selectedId && list.items?.length) setSelectedId(list.items[0].id);
  }, [selectedId, list.items]);

  const rollBack = async (deployment: Deployment) => {
    setConfirm(undefined);
    setRollbackError(undefined);
    setStarting(true);
    try {
      const started = await api.rollback(name, deployment.id);
      onDeployment(started);
      view.follow(started);
      setSelectedId(started.id);
    } catch (error) {
      setRollbackError(failureText('The rollback could not start', error));
    } finally {
      setStarting(false);
    }
  };

  if (view.notFound) {
    return (
      <Typography variant="body1" data-testid="slipway-not-found">
        Slipway has no app named <strong>{name}</strong> yet, so it has no
        deployments.
      </Typography>
    );
  }
  if (!list.items) {
    return list.error ? (
      <LoadProblem
        title={`The deployments of ${name} could not be loaded`}
        error={list.error}
      />
    ) : (
      <Progress />
    );
  }

  const columns: TableColumn<Deployment>[] = [
    {
      title: 'Status',
      field: 'status',
      render: row => <DeploymentStatusLabel status={row.status} />,
    },
    { title: 'Kind', field: 'kind' },
    {
      title: 'Commit',
      field: 'commitSha',
      render: row =>
        row.commitSha && app ? (
          <CommitLink repo={app.repo} sha={row.commitSha} />
        ) : (
          row.commitSha?.slice(0, 7) ?? '—'
        ),
    },
    {
      title: 'Initiator',
      field: 'initiator',
      render: row => initiatorName(row.initiator) ?? '—',
    },
    {
      title: 'Started',
      field: 'createdAt',
      render: row => <RelativeTime value={row.startedAt ?? row.createdAt} />,
    },
    {
      title: 'Duration',
      field: 'finishedAt',
      sorting: false,
      render: row => deploymentDuration(row, now),
    },
    {
      title: 'Actions',
      sorting: false,
      render: row => (
        <div className={classes.actions}>
          <Button
            size="small"
            aria-pressed={row.id === selectedId}
            aria-label={`Show the log of deployment ${row.id}`}
            onClick={event => {
              event.stopPropagation();
              setSelectedId(row.id);
            }}
          >
            Log
          </Button>
          {canOperate.allowed && canRollBackTo(row, app) && (
            <Button
              size="small"
              variant="outlined"
              disabled={starting}
              data-testid={`slipway-rollback-to-${row.id}`}
              onClick={event => {
                event.stopPropagation();
                setConfirm(row);
              }}
            >
              Roll back to this
            </Button>
          )}
        </div>
      ),
    },
  ];

  const shown = log && log.id === selectedId ? log : undefined;
  return (
    <div>
      <LiveNotice
        live={view.live}
        pollIntervalMs={view.pollIntervalMs}
        forcedPolling={view.forcedPolling}
      />
      {rollbackError && (
        <Typography
          variant="body2"
          role="alert"
          className={classes.error}
          data-testid="slipway-rollback-error"
        >
          {rollbackError}
        </Typography>
      )}
      {list.error && (
        <Typography variant="body2" role="alert" className={classes.error}>
          The deployments could not be refreshed: {list.error.message}
        </Typography>
      )}
      <Table<Deployment>
        title={`Deployments of ${name}`}
        columns={columns}
        data={list.items.map(item => ({ ...item }))}
        onRowClick={(_event, row) => row && setSelectedId(row.id)}
        options={{
          paging: list.items.length > 20,
          pageSize: 20,
          search: false,
          padding: 'dense',
          rowStyle: (row: Deployment) =>
            row.id === selectedId ? { fontWeight: 'bold' } : {},
        }}
        emptyContent={
          <Typography variant="body2" style={{ padding: 16 }}>
            {name} has no deployments yet.
          </Typography>
        }
      />
      {selected && (
        <section className={classes.section}>
          <InfoCard
            title={`Log of the ${selected.kind} ${
              selected.commitSha ? `of ${shortSha(selected.commitSha)}` : ''
            }`.trim()}
            subheader={
              <span>
                {selected.status.replace('_', ' ')}, started{' '}
                <RelativeTime
                  value={selected.startedAt ?? selected.createdAt}
                />
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
              <Typography
                variant="body2"
                role="alert"
                className={classes.error}
              >
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
      )}
      {confirm && (
        <RollbackConfirmation
          deployment={confirm}
          name={name}
          onCancel={() => setConfirm(undefined)}
          onConfirm={() => rollBack(confirm)}
        />
      )}
    </div>
  );
};

/**
 * The Deployments tab of an entity: the deployments of its Slipway app, the
 * log of the selected one (followed live while it runs) and rollback to an
 * earlier image.
 *
 * @public
 */
export const SlipwayDeploymentsContent = (
  props: SlipwayDeploymentsContentProps,
) => {
  const { entity } = useEntity();
  const name = getSlipwayAppName(entity);
  if (!name) {
    return (
      <MissingAnnotationEmptyState
        annotation={SLIPWAY_APP_ANNOTATION}
        readMoreUrl={props.readMoreUrl}
      />
    );
  }
  return <Deployments name={name} />;
};

import { Progress, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  Deployment,
  isFinalDeploymentStatus,
  SLIPWAY_APP_ANNOTATION,
  slipwayAppOperatePermission,
} from '@slipway/plugin-slipway-common';
import { useCallback, useEffect, useState } from 'react';
import { slipwayApiRef, SlipwayEvent } from '../../api';
import { newerDeployment } from '../../hooks/appState';
import { useSlipwayApp } from '../../hooks/useSlipwayApp';
import { useCoalescedLoad } from '../../hooks/useSlipwayLive';
import { getSlipwayAppName } from '../../isSlipwayAvailable';
import { LiveNotice } from '../shared/LiveNotice';
import { failureText, LoadProblem } from '../shared/Problem';
import { useNow } from '../shared/RelativeTime';
import { deploymentColumns } from './deploymentColumns';
import { DeploymentLogSection } from './DeploymentLogSection';
import { RollbackConfirmation } from './RollbackConfirmation';
import { useDeploymentLog } from './useDeploymentLog';

const useStyles = makeStyles(theme => ({
  actions: {
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  error: {
    color: theme.palette.error.main,
    margin: theme.spacing(1, 0),
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

  const columns = deploymentColumns({
    app,
    now,
    selectedId,
    mayOperate: canOperate.allowed,
    starting,
    actionsClass: classes.actions,
    onSelect: setSelectedId,
    onRollBack: setConfirm,
  });

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
      {selected && <DeploymentLogSection selected={selected} shown={shown} />}
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

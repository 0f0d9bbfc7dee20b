import { TableColumn } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import { App, Deployment } from '@slipway/plugin-slipway-common';
import { CommitLink } from '../shared/CommitLink';
import { deploymentDuration, initiatorName } from '../shared/format';
import { RelativeTime } from '../shared/RelativeTime';
import { DeploymentStatusLabel } from '../shared/StatusLabels';

/** Whether a deployment's image can be run again. */
export function canRollBackTo(
  deployment: Deployment,
  app: App | undefined,
): boolean {
  return (
    deployment.status === 'succeeded' &&
    deployment.kind !== 'destroy' &&
    deployment.image !== null &&
    deployment.id !== app?.currentDeploymentId
  );
}

/** The deployments table's columns; the actions open a log or offer a rollback. */
export function deploymentColumns(o: {
  app: App | undefined;
  now: number;
  selectedId: string | undefined;
  mayOperate: boolean;
  starting: boolean;
  actionsClass: string;
  onSelect: (id: string) => void;
  onRollBack: (deployment: Deployment) => void;
}): TableColumn<Deployment>[] {
  const { app, now, selectedId, starting } = o;
  return [
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
        <div className={o.actionsClass}>
          <Button
            size="small"
            aria-pressed={row.id === selectedId}
            aria-label={`Show the log of deployment ${row.id}`}
            onClick={event => {
              event.stopPropagation();
              o.onSelect(row.id);
            }}
          >
            Log
          </Button>
          {o.mayOperate && canRollBackTo(row, app) && (
            <Button
              size="small"
              variant="outlined"
              disabled={starting}
              data-testid={`slipway-rollback-to-${row.id}`}
              onClick={event => {
                event.stopPropagation();
                o.onRollBack(row);
              }}
            >
              Roll back to this
            </Button>
          )}
        </div>
      ),
    },
  ];
}

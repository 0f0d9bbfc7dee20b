import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApiHolder } from '@backstage/core-plugin-api';
import {
  CATALOG_FILTER_EXISTS,
  catalogApiRef,
  EntityRefLink,
} from '@backstage/plugin-catalog-react';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  App,
  APP_STATES,
  SLIPWAY_APP_ANNOTATION,
} from '@slipway/plugin-slipway-common';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { SlipwayHost } from '../../api';
import { useSlipwayApps } from '../../hooks/useSlipwayApps';
import { AppRowActions } from './AppRowActions';
import { LiveNotice } from '../shared/LiveNotice';
import { LoadProblem } from '../shared/Problem';
import { RelativeTime } from '../shared/RelativeTime';
import {
  AppStateLabel,
  displayStateOf,
  isTroubled,
  SlipwayDisplayState,
} from '../shared/StatusLabels';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  select: {
    minWidth: 180,
  },
  section: {
    marginTop: theme.spacing(4),
  },
  error: {
    color: theme.palette.error.main,
  },
}));

// `GET /apps` leaves destroyed apps out, so there is no `destroyed` to pick.
const STATE_OPTIONS: readonly SlipwayDisplayState[] = APP_STATES;

/** The query parameters that keep the filters in the URL. */
const PARAM_STATE = 'state';
const PARAM_OWNER = 'owner';
const PARAM_PROBLEMS = 'problems';

type AppRow = App & { displayState: SlipwayDisplayState };

/**
 * The catalog entities of the apps, found by their `slipway/app-name`
 * annotation, so that an app links to its entity when it has one. Without a
 * catalog (or when it fails) the names are shown unlinked.
 */
function useCatalogEntities(): Map<string, Entity> {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const [entities, setEntities] = useState(new Map<string, Entity>());
  useEffect(() => {
    if (!catalogApi) return undefined;
    let cancelled = false;
    catalogApi
      .getEntities({
        filter: {
          [`metadata.annotations.${SLIPWAY_APP_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      })
      .then(
        response => {
          if (cancelled) return;
          const byApp = new Map<string, Entity>();
          for (const entity of response.items) {
            const app =
              entity.metadata.annotations?.[SLIPWAY_APP_ANNOTATION]?.trim();
            if (app && !byApp.has(app)) byApp.set(app, entity);
          }
          setEntities(byApp);
        },
        () => {
          // Unlinked names are still a usable list.
        },
      );
    return () => {
      cancelled = true;
    };
  }, [catalogApi]);
  return entities;
}

/**
 * The body of the Slipway page, without a header: every app with its state,
 * and the hosts. The new frontend system renders it under the plugin's own
 * page header.
 */
export const SlipwayPageContent = () => {
  const classes = useStyles();
  const view = useSlipwayApps();
  const entities = useCatalogEntities();
  const [params, setParams] = useSearchParams();
  const stateFilter = params.get(PARAM_STATE) ?? '';
  const ownerFilter = params.get(PARAM_OWNER) ?? '';
  const problemsOnly = params.get(PARAM_PROBLEMS) === 'true';

  const setParam = (key: string, value: string | undefined) => {
    setParams(
      current => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };

  const rows: AppRow[] = useMemo(
    () =>
      (view.apps ?? []).map(app => ({
        ...app,
        displayState: displayStateOf(app),
      })),
    [view.apps],
  );
  const owners = useMemo(
    () =>
      Array.from(
        new Set(rows.map(row => row.owner).filter((o): o is string => !!o)),
      ).sort(),
    [rows],
  );
  const shown = rows.filter(
    row =>
      (!stateFilter || row.displayState === stateFilter) &&
      (!ownerFilter || row.owner === ownerFilter) &&
      (!problemsOnly || isTroubled(row.displayState)),
  );

  const liveNotice = (
    <LiveNotice
      live={view.live}
      pollIntervalMs={view.pollIntervalMs}
      forcedPolling={view.forcedPolling}
    />
  );

  if (view.loading) {
    return (
      <Content>
        <Progress />
      </Content>
    );
  }

  const appColumns: TableColumn<AppRow>[] = [
    {
      title: 'Name',
      field: 'name',
      highlight: true,
      render: row => {
        const entity = entities.get(row.name);
        return entity ? (
          <EntityRefLink entityRef={stringifyEntityRef(entity)}>
            {row.name}
          </EntityRefLink>
        ) : (
          row.name
        );
      },
    },
    {
      title: 'State',
      field: 'displayState',
      render: row => (
        <span title={row.stateReason ?? undefined}>
          <AppStateLabel state={row.displayState} />
        </span>
      ),
    },
    { title: 'Host', field: 'host' },
    { title: 'Owner', field: 'owner', render: row => row.owner ?? '—' },
    {
      title: 'Last change',
      field: 'stateChangedAt',
      defaultSort: 'desc',
      render: row => (
        <span>
          <RelativeTime value={row.stateChangedAt} />
          {row.stateReason ? (
            <Typography variant="caption" component="div">
              {row.stateReason}
            </Typography>
          ) : null}
        </span>
      ),
    },
    {
      title: 'Actions',
      sorting: false,
      render: row => <AppRowActions app={row} />,
    },
  ];

  const hostColumns: TableColumn<SlipwayHost>[] = [
    { title: 'Name', field: 'name', highlight: true },
    { title: 'Type', field: 'type' },
    {
      title: 'Address',
      field: 'address',
      render: row =>
        row.type === 'local' ? 'this machine' : row.address ?? '—',
    },
    { title: 'Source', field: 'source' },
  ];

  let apps;
  if (view.appsError && !view.apps) {
    apps = (
      <LoadProblem
        title="The apps could not be loaded"
        error={view.appsError}
      />
    );
  } else if (rows.length === 0) {
    apps = (
      <EmptyState
        missing="data"
        title="No apps yet"
        description="Apps deployed with Slipway will be listed here."
      />
    );
  } else {
    apps = (
      <>
        <div className={classes.filters}>
          <TextField
            select
            id="slipway-filter-state"
            label="State"
            variant="outlined"
            margin="dense"
            className={classes.select}
            value={stateFilter}
            onChange={event => setParam(PARAM_STATE, event.target.value)}
          >
            <MenuItem value="">All states</MenuItem>
            {STATE_OPTIONS.map(state => (
              <MenuItem key={state} value={state}>
                {state}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            id="slipway-filter-owner"
            label="Owner"
            variant="outlined"
            margin="dense"
            className={classes.select}
            value={owners.includes(ownerFilter) ? ownerFilter : ''}
            onChange={event => setParam(PARAM_OWNER, event.target.value)}
          >
            <MenuItem value="">All owners</MenuItem>
            {owners.map(owner => (
              <MenuItem key={owner} value={owner}>
                {owner}
              </MenuItem>
            ))}
          </TextField>
          <FormControlLabel
            control={
              <Switch
                checked={problemsOnly}
                onChange={event =>
                  setParam(
                    PARAM_PROBLEMS,
                    event.target.checked ? 'true' : undefined,
                  )
                }
                color="primary"
              />
            }
            label="Unhealthy or failed only"
          />
        </div>
        {view.appsError && (
          <Typography variant="body2" role="alert" className={classes.error}>
            The apps could not be refreshed: {view.appsError.message}
          </Typography>
        )}
        <Table<AppRow>
          title={`Apps (${shown.length} of ${rows.length})`}
          columns={appColumns}
          data={shown.map(row => ({ ...row }))}
          options={{
            paging: shown.length > 20,
            pageSize: 20,
            search: false,
            padding: 'dense',
          }}
          emptyContent={
            <Typography variant="body2" style={{ padding: 16 }}>
              No app matches the filters.
            </Typography>
          }
        />
      </>
    );
  }

  let hosts;
  if (view.hostsError && !view.hosts) {
    hosts = (
      <LoadProblem
        title="The hosts could not be loaded"
        error={view.hostsError}
      />
    );
  } else {
    hosts = (
      <Table<SlipwayHost>
        title="Hosts"
        columns={hostColumns}
        data={(view.hosts ?? []).map(host => ({ ...host }))}
        options={{ paging: false, search: false, padding: 'dense' }}
        emptyContent={
          <Typography variant="body2" style={{ padding: 16 }}>
            Slipway has no hosts to deploy to yet.
          </Typography>
        }
      />
    );
  }

  return (
    <Content>
      {liveNotice}
      {apps}
      <section className={classes.section}>{hosts}</section>
    </Content>
  );
};

/**
 * The Slipway page for the legacy frontend system, with its own header.
 *
 * @public
 */
export const SlipwayPage = () => (
  <Page themeId="tool">
    <Header
      title="Slipway"
      subtitle="Deploy apps from Git repositories to Docker hosts"
    />
    <SlipwayPageContent />
  </Page>
);

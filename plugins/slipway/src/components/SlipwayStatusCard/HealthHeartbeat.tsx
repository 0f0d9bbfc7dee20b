import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { HealthSample } from '@slipway/plugin-slipway-common';
import { formatRelativeTime } from '../shared/format';
import { useNow } from '../shared/RelativeTime';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    alignItems: 'stretch',
    gap: 2,
    height: 24,
    margin: theme.spacing(0.5, 0),
    padding: 0,
    listStyle: 'none',
  },
  cell: {
    flex: '0 0 8px',
    borderRadius: 2,
  },
  ok: {
    backgroundColor: theme.palette.status?.ok ?? '#3E8635',
  },
  failed: {
    backgroundColor: theme.palette.status?.error ?? '#C9190B',
  },
}));

/** Why a check failed, in the words a user acts on. */
export function sampleProblem(
  sample: HealthSample,
  healthPath: string,
): string {
  if (sample.error) return sample.error;
  if (sample.httpStatus !== null) {
    return `GET ${healthPath} returned ${sample.httpStatus}`;
  }
  return 'no answer';
}

/** One check in a sentence, for its tooltip and its accessible name. */
export function describeSample(
  sample: HealthSample,
  healthPath: string,
): string {
  const time = new Date(sample.checkedAt).toLocaleString('en');
  if (!sample.ok)
    return `${time}: failed, ${sampleProblem(sample, healthPath)}`;
  const details = [
    sample.latencyMs !== null ? `in ${sample.latencyMs} ms` : undefined,
    sample.httpStatus !== null ? `HTTP ${sample.httpStatus}` : undefined,
  ].filter(Boolean);
  return `${time}: passed${details.length ? ` ${details.join(', ')}` : ''}`;
}

/** "Last 50 checks: 48 passed, 2 failed. Last check 10 seconds ago: passed." */
export function summarizeHealth(
  health: HealthSample[],
  healthPath: string,
  now: number,
): string {
  if (health.length === 0) return 'No health checks yet.';
  const passed = health.filter(sample => sample.ok).length;
  const last = health[health.length - 1];
  const checks = health.length === 1 ? 'check' : `${health.length} checks`;
  const lastResult = last.ok
    ? 'passed'
    : `failed, ${sampleProblem(last, healthPath)}`;
  return `Last ${checks}: ${passed} passed, ${
    health.length - passed
  } failed. Last check ${formatRelativeTime(
    last.checkedAt,
    now,
  )}: ${lastResult}.`;
}

/**
 * The last health checks as a row of cells, oldest first: green passed, red
 * failed. Colour is not the only carrier: each cell is named and a sentence
 * sums the row up.
 */
export const HealthHeartbeat = (props: {
  health: HealthSample[];
  healthPath: string;
}) => {
  const classes = useStyles();
  const now = useNow();
  const { health, healthPath } = props;
  return (
    <div>
      {health.length > 0 && (
        <ul
          className={classes.bar}
          aria-label="Health checks, oldest first"
          data-testid="slipway-heartbeat"
        >
          {health.map(sample => {
            const label = describeSample(sample, healthPath);
            return (
              <Tooltip key={sample.checkedAt} title={label}>
                <li
                  aria-label={label}
                  data-ok={sample.ok}
                  className={`${classes.cell} ${
                    sample.ok ? classes.ok : classes.failed
                  }`}
                />
              </Tooltip>
            );
          })}
        </ul>
      )}
      <Typography
        variant="caption"
        component="p"
        data-testid="slipway-heartbeat-summary"
      >
        {summarizeHealth(health, healthPath, now)}
      </Typography>
    </div>
  );
};

/** "99.5 %", or "no checks yet". */
export function formatUptime(uptime: {
  ratio: number | null;
  samples: number;
}): string {
  if (uptime.ratio === null || uptime.samples === 0) return 'no checks yet';
  const percent = uptime.ratio * 100;
  const text =
    percent === 100 || percent === 0
      ? String(percent)
      : // 99.96 % must not read as 100 %.
        String(Math.floor(percent * 10) / 10);
  return `${text} %`;
}

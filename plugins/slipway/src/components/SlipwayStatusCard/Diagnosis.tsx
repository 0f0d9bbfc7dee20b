import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import {
  slipwayApiRef,
  SlipwayAppStatus,
  SlipwayContainerLogs,
} from '../../api';
import { sampleProblem } from './HealthHeartbeat';
import { useLogSectionStyles } from './logSectionStyles';

/** Container log lines shown for a failed or unhealthy app. */
const LOG_TAIL = 20;

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

/** What is wrong with a failed or unhealthy app, and its container's last log lines. */
export const Diagnosis = (props: { status: SlipwayAppStatus }) => {
  const classes = useLogSectionStyles();
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

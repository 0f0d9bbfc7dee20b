import { useApi } from '@backstage/core-plugin-api';
import { Deployment, DeploymentLogLine } from '@slipway/plugin-slipway-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { slipwayApiRef } from '../../api';
import { mergeLogLines } from '../../hooks/appState';

export type LogState = {
  id: string;
  loading: boolean;
  lines: DeploymentLogLine[];
  error?: Error;
};

/**
 * The log of one deployment: read once when it has ended, followed line by
 * line (the NDJSON follow of the backend) while it runs.
 */
export function useDeploymentLog(
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

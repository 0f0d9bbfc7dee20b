import { useEffect, useState } from 'react';
import { formatRelativeTime } from './format';

/** The current time, updated every `intervalMs`, so "2 minutes ago" ages. */
export function useNow(intervalMs = 30000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** A time as "3 minutes ago", with the exact time on hover. */
export const RelativeTime = (props: { value: string }) => {
  const now = useNow();
  const date = new Date(props.value);
  return (
    <time
      dateTime={props.value}
      title={Number.isNaN(date.getTime()) ? undefined : date.toLocaleString()}
    >
      {formatRelativeTime(props.value, now)}
    </time>
  );
};

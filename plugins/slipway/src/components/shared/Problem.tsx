import { ResponseErrorPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { isNotAllowed } from '../../api';

/**
 * What a failure says to the user after `prefix` ("The restart could not start"). A refusal
 * of the permission policy is a complete sentence that already names the action and the app,
 * so it stands alone.
 */
export function failureText(prefix: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return isNotAllowed(error) ? message : `${prefix}: ${message}`;
}

/**
 * A view that could not load. A refusal of the permission policy reads as the backend's plain
 * sentence: there is nothing to debug, only someone to ask. Anything else keeps Backstage's
 * error panel, given the name and message alone, since a stack trace of the browser's fetch
 * helps nobody here.
 */
export const LoadProblem = (props: { title: string; error: Error }) => {
  const { title, error } = props;
  if (isNotAllowed(error)) {
    return (
      <Typography
        variant="body1"
        role="alert"
        data-testid="slipway-not-allowed"
      >
        {error.message}
      </Typography>
    );
  }
  return (
    <ResponseErrorPanel
      title={`${title}: ${error.message}`}
      error={{ name: error.name, message: error.message }}
    />
  );
};

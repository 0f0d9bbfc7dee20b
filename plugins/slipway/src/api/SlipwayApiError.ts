/**
 * An error answer of the Slipway backend, or a failure to reach it.
 *
 * @public
 */
export class SlipwayApiError extends Error {
  /** The HTTP status; 0 when the backend could not be reached at all. */
  readonly status: number;
  /** The backend's error name, such as `NotFoundError` or `ConflictError`. */
  readonly errorName: string | undefined;
  /** The backend's message alone, without the HTTP status. */
  readonly backendMessage: string | undefined;

  constructor(
    message: string,
    options: { status: number; errorName?: string; backendMessage?: string },
  ) {
    super(message);
    this.name = 'SlipwayApiError';
    this.status = options.status;
    this.errorName = options.errorName;
    this.backendMessage = options.backendMessage;
  }

  /**
   * Backstage backends answer errors as `{ error: { name, message } }`; the
   * message is what tells the user whether to sign in again, ask for access
   * or wait for a running job.
   */
  static async fromResponse(response: Response): Promise<SlipwayApiError> {
    const status = `${response.status}${
      response.statusText ? ` ${response.statusText}` : ''
    }`;
    let errorName: string | undefined;
    let backendMessage: string | undefined;
    try {
      const body = await response.json();
      const message = body?.error?.message ?? body?.message;
      if (typeof message === 'string' && message) backendMessage = message;
      if (typeof body?.error?.name === 'string') errorName = body.error.name;
    } catch {
      // Not JSON, such as a proxy's error page: the status is all there is.
    }
    return new SlipwayApiError(
      backendMessage ? `${backendMessage} (HTTP ${status})` : `HTTP ${status}`,
      { status: response.status, errorName, backendMessage },
    );
  }

  static unreachable(cause: unknown): SlipwayApiError {
    const reason =
      typeof (cause as Error)?.message === 'string'
        ? (cause as Error).message
        : String(cause);
    return new SlipwayApiError(
      `The Slipway backend could not be reached (${reason})`,
      { status: 0 },
    );
  }
}

/** Whether an error is the backend saying that the thing does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof SlipwayApiError && error.status === 404;
}

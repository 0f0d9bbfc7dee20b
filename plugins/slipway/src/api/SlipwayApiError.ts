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
    const options = { status: response.status, errorName, backendMessage };
    if (response.status === 403) {
      return new SlipwayApiError(notAllowedSentence(backendMessage), options);
    }
    return new SlipwayApiError(
      backendMessage ? `${backendMessage} (HTTP ${status})` : `HTTP ${status}`,
      options,
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

/**
 * A refusal of the permission policy is something the user acts on (ask for access), not a
 * fault: it reads as the backend's sentence alone, without the HTTP status, and says whom to
 * ask when the backend does not.
 */
function notAllowedSentence(backendMessage: string | undefined): string {
  if (!backendMessage) {
    return 'You are not allowed to do this. Ask a Slipway admin.';
  }
  const trimmed = backendMessage.trim();
  const sentence = /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
  if (/\bask\b/i.test(sentence)) return sentence;
  // A quoted name means one app or host, whose owners can grant or act.
  return /"[^"]+"/.test(sentence)
    ? `${sentence} Ask its owners or a Slipway admin.`
    : `${sentence} Ask a Slipway admin.`;
}

/** Whether an error is the permission policy refusing the user (HTTP 403). */
export function isNotAllowed(error: unknown): boolean {
  return error instanceof SlipwayApiError && error.status === 403;
}

/** Whether an error is the backend saying that the thing does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof SlipwayApiError && error.status === 404;
}

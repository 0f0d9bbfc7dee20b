/** One HTTP health probe: what a user reads in a diagnosis is built here. */
export type ProbeResult = {
  ok: boolean;
  httpStatus: number | null;
  latencyMs: number | null;
  /** Plain words: "connection refused on port 8080", "GET /health returned 404". */
  error: string | null;
};

export type ProbeTarget = { address: string; port: number; path: string };

function describeFetchError(
  error: unknown,
  target: ProbeTarget,
  timeoutMs: number,
): string {
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `GET ${target.path} timed out after ${timeoutMs} ms`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused on port ${target.port}`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `connection reset on port ${target.port}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host ${target.address} is unreachable`;
    case 'ENOTFOUND':
      return `host ${target.address} does not resolve`;
    default:
      return `GET ${target.path} failed: ${
        code ?? (error as Error)?.message ?? String(error)
      }`;
  }
}

function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** 2xx and 3xx are healthy (redirects are not followed: a login redirect means "up"). */
export async function probeHttp(
  target: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const response = await fetch(
      `http://${hostForUrl(target.address)}:${target.port}${target.path}`,
      {
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { 'user-agent': 'slipway-health/1' },
      },
    );
    await response.body?.cancel();
    const latencyMs = Math.round(performance.now() - started);
    const ok = response.status >= 200 && response.status < 400;
    return {
      ok,
      httpStatus: response.status,
      latencyMs,
      error: ok ? null : `GET ${target.path} returned ${response.status}`,
    };
  } catch (error) {
    return {
      ok: false,
      httpStatus: null,
      latencyMs: null,
      error: describeFetchError(error, target, timeoutMs),
    };
  }
}

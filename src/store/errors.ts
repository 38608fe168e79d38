// Reading AWS SDK errors without letting their types leak: what the adapters need to translate them.

/** Network-level failures: the endpoint is down, unreachable or too slow. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNREACHABLE_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'NetworkingError']);

/** The SDK's error name (`ConditionalCheckFailedException`, `NoSuchKey`…), or '' for anything else. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

export function isUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (UNREACHABLE_NAMES.has(current.name)) return true;
    if (current instanceof AggregateError && current.errors.some((inner) => isUnreachable(inner))) return true;
  }
  return false;
}

/** `Name: message (HTTP status)` for one line of an error report. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const label = typeof code === 'string' && code !== error.name ? `${error.name} ${code}` : error.name;
  return `${label}: ${error.message || '(no message)'}${status === undefined ? '' : ` (HTTP ${status})`}`;
}

interface ClientConfig {
  endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path: string }>;
  region: () => Promise<string>;
}

/** Where a client sends its requests, for error messages: `http://127.0.0.1:4569` or `region cn-north-1`. */
export async function describeEndpoint(config: ClientConfig): Promise<string> {
  const endpoint = await config.endpoint?.();
  if (endpoint === undefined) return `region ${await config.region()}`;
  const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
  return `${endpoint.protocol}//${endpoint.hostname}${port}${endpoint.path === '/' ? '' : endpoint.path}`;
}

/**
 * The SDK error as a `cause`, minus its raw HTTP response (sockets and buffers), which would
 * otherwise fill every log and test report that prints the error.
 */
export function asCause(error: unknown): unknown {
  if (error instanceof Error && '$response' in error) Object.defineProperty(error, '$response', { enumerable: false });
  return error;
}

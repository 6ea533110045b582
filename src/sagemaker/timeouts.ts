// The bound on every remote call (SageMaker, S3, CloudWatch Logs, the Price List): a run that nobody watches must end
// even when an endpoint accepts the connection and never answers. One deadline covers a whole call: connecting,
// sending, waiting for the answer, reading it, and the SDK's retries in between. It is an AbortSignal passed to the
// SDK's send, whose timer does not keep the process alive once everything else is done.
import { sumOfUnits } from '../util/duration.js'

/** `--request-timeout` sets this variable for the clients of its run; set it directly in cron or CI. */
export const REQUEST_TIMEOUT_ENV = 'SAGEFORM_REQUEST_TIMEOUT'
export const DEFAULT_REQUEST_TIMEOUT = '60s'

/** `90s`, `2m`, `1m30s`, `500ms`: a positive duration in milliseconds, else undefined. */
export function parseRequestTimeout(text: string): number | undefined {
  const ms = sumOfUnits(text, { ms: 1, s: 1000, m: 60_000 })
  return ms !== undefined && ms > 0 ? ms : undefined
}

/** The run's request timeout: SAGEFORM_REQUEST_TIMEOUT, else 60 s. An unusable value was refused at startup. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return parseRequestTimeout(env[REQUEST_TIMEOUT_ENV] ?? '') ?? parseRequestTimeout(DEFAULT_REQUEST_TIMEOUT)!
}

export function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

/** What a bounded call passes to the SDK's send. */
export interface SendOptions {
  abortSignal: AbortSignal
}

/** Runs `send` with a deadline of `ms` from now; when the deadline ends it, `timedOut` says what to throw instead. */
export async function bounded<T>(ms: number, send: (options: SendOptions) => Promise<T>, timedOut: () => Error): Promise<T> {
  const abortSignal = AbortSignal.timeout(ms)
  try {
    return await send({ abortSignal })
  } catch (err) {
    if (abortSignal.aborted && err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
      const error = timedOut()
      error.cause ??= err
      throw error
    }
    throw err
  }
}

/** The one sentence a timed-out call is reported with: what was asked, of whom, and for how long. */
export function timeoutMessage(service: string, operation: string, endpoint: string | undefined, ms: number): string {
  return `${service} did not answer ${operation} within ${formatTimeout(ms)}${endpoint ? ` (endpoint ${endpoint})` : ''}; raise --request-timeout (or ${REQUEST_TIMEOUT_ENV}) if it is only slow.`
}

interface Middleware {
  middlewareStack: {
    add(middleware: (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>, options: { step: 'finalizeRequest'; name: string }): void
  }
}

/**
 * Remembers the endpoint a client's requests went to, for timeout messages: the SDK resolves it per request (from the
 * region, AWS_ENDPOINT_URL_*, the config file), so it is read off the request itself.
 */
export function trackEndpoint(client: Middleware): () => string | undefined {
  let endpoint: string | undefined
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { protocol?: string; hostname?: string; port?: number } | undefined
      if (request?.hostname) endpoint = `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`
      return next(args)
    },
    { step: 'finalizeRequest', name: 'sageformEndpoint' },
  )
  return () => endpoint
}

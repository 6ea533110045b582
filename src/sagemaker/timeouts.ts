// The bound on every remote call (SageMaker, S3, CloudWatch Logs, the Price List, Service Quotas): a run that nobody
// watches must end even when an endpoint accepts the connection and never answers, or never completes the connection.
// Two bounds, both from the one setting (--request-timeout, SAGEFORM_REQUEST_TIMEOUT):
// - the request timeout, one deadline over a whole call: connecting, sending, waiting for the answer, reading it, and
//   the SDK's retries in between. It is an AbortSignal passed to the SDK's send, whose timer does not keep the process
//   alive once everything else is done.
// - the connect timeout, a sixth of it (1 s to the request timeout): an attempt whose TCP (and TLS) connection is not
//   up by then is abandoned, so a dropped SYN costs one attempt, which the SDK retries within the deadline. It is the
//   agents' own timer, cleared when the socket connects or closes: the SDK handler's connectionTimeout and
//   requestTimeout leave timers behind when a request fails early, keeping a finished run alive for their length.
import { Agent as HttpAgent, type AgentOptions } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { Socket } from 'node:net'
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

/** The connect timeout of a request timeout: a sixth of it, at least 1 s (60 s gives 10 s), at most all of it. */
export function connectTimeoutMs(requestMs: number): number {
  return Math.min(requestMs, Math.max(1000, Math.round(requestMs / 6)))
}

/** A socket that was not connected within the connect timeout: the SDK retries it as a transient network error. */
export class ConnectTimeoutError extends Error {
  override readonly name = 'ConnectTimeoutError'
  readonly code = 'ETIMEDOUT'
  constructor(readonly ms: number, where: string) {
    super(`no connection to ${where} within ${formatTimeout(ms)}`)
  }
}

/** What `ready` means: TCP connected (http), TLS handshake done (https). */
function boundConnect<A extends HttpAgent>(agent: A, ms: number, ready: 'connect' | 'secureConnect'): A {
  const create = (agent as unknown as { createConnection: (options: { host?: string; port?: number }, callback?: unknown) => Socket }).createConnection.bind(agent)
  Object.assign(agent, {
    createConnection(options: { host?: string; port?: number }, callback?: unknown): Socket {
      const socket = create(options, callback)
      const timer = setTimeout(() => socket.destroy(new ConnectTimeoutError(ms, `${options.host ?? 'localhost'}:${options.port ?? ''}`)), ms)
      const clear = () => clearTimeout(timer)
      socket.once(ready, clear)
      socket.once('close', clear)
      return socket
    },
  })
  return agent
}

/**
 * The `requestHandler` of every AWS client: the SDK's own agent settings (keep-alive, 50 sockets), with the connect
 * timeout of `requestMs`.
 */
export function requestHandlerOptions(requestMs: number): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const ms = connectTimeoutMs(requestMs)
  const options: AgentOptions = { keepAlive: true, maxSockets: 50 }
  return { httpAgent: boundConnect(new HttpAgent(options), ms, 'connect'), httpsAgent: boundConnect(new HttpsAgent(options), ms, 'secureConnect') }
}

export function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

/** What a bounded call passes to the SDK's send. */
export interface SendOptions {
  abortSignal: AbortSignal
}

/** A bounded call, for its message: which service, which operation, and the endpoint its requests went to. */
export interface CallName {
  service: string
  operation: string
  endpoint: () => string | undefined
}

/**
 * Runs `send` with a deadline of `ms` from now. When the deadline ends it, or the last attempt could not even connect,
 * `timedOut` turns the one sentence saying so into the error to throw.
 */
export async function bounded<T>(ms: number, send: (options: SendOptions) => Promise<T>, call: CallName, timedOut: (message: string) => Error): Promise<T> {
  const abortSignal = AbortSignal.timeout(ms)
  try {
    return await send({ abortSignal })
  } catch (err) {
    const deadline = abortSignal.aborted && err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')
    const connect = err instanceof ConnectTimeoutError ? err : undefined
    if (!deadline && !connect) throw err
    const error = timedOut(deadline ? timeoutMessage(call.service, call.operation, call.endpoint(), ms) : connectTimeoutMessage(call, connect!.ms))
    error.cause ??= err
    throw error
  }
}

/** The one sentence a timed-out call is reported with: what was asked, of whom, and for how long. */
export function timeoutMessage(service: string, operation: string, endpoint: string | undefined, ms: number): string {
  return `${service} did not answer ${operation} within ${formatTimeout(ms)}${endpoint ? ` (endpoint ${endpoint})` : ''}; raise --request-timeout (or ${REQUEST_TIMEOUT_ENV}) if it is only slow.`
}

function connectTimeoutMessage(call: CallName, ms: number): string {
  const endpoint = call.endpoint()
  return `${call.service} could not be reached for ${call.operation}: no connection${endpoint ? ` to ${endpoint}` : ''} within ${formatTimeout(ms)} (the connect timeout, a sixth of --request-timeout or ${REQUEST_TIMEOUT_ENV}).`
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

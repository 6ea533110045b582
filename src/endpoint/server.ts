// A local endpoint that speaks SageMaker's JSON 1.1 protocol for the training and tuning job operations, so the AWS
// SDK, the AWS CLI and sageform can run end to end without an AWS account. Requests are `POST /` with
// `X-Amz-Target: SageMaker.<Operation>`; any Authorization is accepted. Errors carry the bare error code in `__type`
// and no x-amzn-ErrorType header, which every AWS client reads. The same port serves the CloudWatch Logs API for the
// jobs' logs (`X-Amz-Target: Logs_20140328.<Operation>`, see logs.ts) and the Service Quotas API for SageMaker's quotas
// (`X-Amz-Target: ServiceQuotasV20190624.<Operation>`, see quotas.ts).
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { apiModel } from '../model/api.js'
import { SimClock } from './clock.js'
import { ServiceError } from './errors.js'
import { LOGS_OPERATIONS, LOGS_TARGET_PREFIX } from './logs.js'
import { OPERATIONS } from './operations.js'
import { QUOTAS_OPERATIONS, QUOTAS_TARGET_PREFIX, QuotaTable } from './quotas.js'
import { seededRandom } from './random.js'
import { Store, type Context } from './store.js'
import { advanceTuningJobs } from './tuning.js'
import type { JsonObject } from './types.js'
import { validateInput } from './validation.js'

export interface EndpointOptions {
  /** 0 or absent: any free port. */
  port?: number
  /** Where the state is kept between runs; without it the state lives in memory only. */
  dataDir?: string
  /** Simulated seconds per real second (60: a simulated minute passes each second). */
  timeScale?: number
  /**
   * The simulated clock ignores real time (and timeScale): it starts at the real time and moves only by advanceClock()
   * and by `secondsPerRequest` on every request received. Tests use it so that what a job shows depends on what the
   * test did, never on how busy the machine is.
   */
  manualClock?: { secondsPerRequest?: number }
  /** Added to every response. */
  latencyMs?: number
  /** Share of requests answered with ThrottlingException, 0..1. */
  throttleRate?: number
  /** Share of requests answered with HTTP 500 InternalFailure, 0..1. */
  errorRate?: number
  /** Seeds fault injection, so a run's faults repeat. */
  seed?: number
  region?: string
  accountId?: string
  /** SageMaker quota values by quota name or code (`--quota`); the others keep their defaults (quotas.ts). */
  quotas?: Record<string, number>
  log?: (line: string) => void
}

export interface Endpoint {
  url: string
  port: number
  close(): Promise<void>
  /** Requests received per operation, faulted ones included. */
  callCounts(): Record<string, number>
  /** Moves the simulated clock forward, as if that much time had passed (schedules such as retune_every become due). */
  advanceClock(seconds: number): void
}

interface Reply {
  status: number
  payload: JsonObject
}

export async function startEndpoint(options: EndpointOptions = {}): Promise<Endpoint> {
  const timeScale = options.timeScale ?? 1
  const throttleRate = options.throttleRate ?? 0
  const errorRate = options.errorRate ?? 0
  if (!(timeScale > 0)) throw new Error(`timeScale must be greater than 0 (got ${timeScale})`)
  for (const [name, rate] of [['throttleRate', throttleRate], ['errorRate', errorRate]] as const) {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`${name} must be between 0 and 1 (got ${rate})`)
  }
  const store = new Store(options.dataDir)
  const startedAt = Date.now() / 1000
  const clock = new SimClock(timeScale, store.load(), options.manualClock ? () => startedAt : undefined)
  const secondsPerRequest = options.manualClock?.secondsPerRequest ?? 0
  if (!(secondsPerRequest >= 0)) throw new Error(`secondsPerRequest must be at least 0 (got ${secondsPerRequest})`)
  const faults = seededRandom(options.seed ?? 0)
  const counts: Record<string, number> = {}
  const model = apiModel()
  const targetPrefix = `${model.metadata.targetPrefix}.`
  const region = options.region ?? 'us-east-1'
  const accountId = options.accountId ?? '123456789012'
  const quotas = new QuotaTable(options.quotas)

  /** Which API a request is for: SageMaker's own, or the Logs and Service Quotas APIs the same port serves. */
  type Api = 'sagemaker' | 'logs' | 'quotas'
  function serve(operation: string | undefined, body: string, api: Api): Reply {
    const logs = api !== 'sagemaker'
    try {
      const handler = operation === undefined ? undefined : api === 'logs' ? LOGS_OPERATIONS[operation] : api === 'quotas' ? QUOTAS_OPERATIONS[operation] : OPERATIONS[operation]
      // The Logs and Service Quotas handlers check their own input: the API model here is SageMaker's.
      const inputShape = operation === undefined || logs ? undefined : model.operations[operation]?.input?.shape
      if (!handler || (!logs && !inputShape)) throw new ServiceError('UnknownOperationException', `Unknown operation ${operation ?? '(no X-Amz-Target)'}`)
      const input = parseBody(body)
      if (inputShape) validateInput(inputShape, input)
      const ctx: Context = { store, now: clock.now(), region, accountId, quotas }
      advanceTuningJobs(ctx)
      return { status: 200, payload: handler(ctx, input) }
    } catch (e) {
      if (e instanceof ServiceError) return { status: e.statusCode, payload: { __type: e.code, [api === 'logs' ? 'message' : 'Message']: e.message } }
      options.log?.(`internal error in ${operation}: ${(e as Error).stack ?? String(e)}`)
      return { status: 500, payload: { __type: 'InternalFailure', Message: 'An internal error occurred.' } }
    } finally {
      if (store.dirty) store.save(clock.state())
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    const body = await readBody(req)
    const target = String(req.headers['x-amz-target'] ?? '')
    const api: Api = target.startsWith(LOGS_TARGET_PREFIX) ? 'logs' : target.startsWith(QUOTAS_TARGET_PREFIX) ? 'quotas' : 'sagemaker'
    const prefix = api === 'logs' ? LOGS_TARGET_PREFIX : api === 'quotas' ? QUOTAS_TARGET_PREFIX : targetPrefix
    const operation = target.startsWith(prefix) ? target.slice(prefix.length) : undefined
    const counted = operation ?? (target || '(no target)')
    counts[counted] = (counts[counted] ?? 0) + 1
    if (secondsPerRequest > 0) clock.advance(secondsPerRequest)
    // Both draws happen on every request so that one rate does not shift the other's sequence.
    const throttled = faults() < throttleRate
    const failed = faults() < errorRate
    const reply: Reply = throttled
      ? { status: 400, payload: { __type: 'ThrottlingException', Message: 'Rate exceeded' } }
      : failed
        ? { status: 500, payload: { __type: 'InternalFailure' } }
        : serve(operation, body, api)
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs))
    const text = JSON.stringify(reply.payload)
    res.writeHead(reply.status, {
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': randomUUID(),
      // The simulated clock's time, as the real service sends its own: clients measure time since a job ended on it.
      Date: new Date(clock.now() * 1000).toUTCString(),
    })
    res.end(text)
    options.log?.(`${counted} ${reply.status}${reply.status === 200 ? '' : ` ${String(reply.payload.__type)}`} ${Date.now() - started}ms`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      options.log?.(`request failed: ${(e as Error).stack ?? String(e)}`)
      res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  let closed: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    callCounts: () => ({ ...counts }),
    advanceClock: (seconds) => {
      clock.advance(seconds)
      store.save(clock.state())
    },
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()))
        server.closeAllConnections()
      })),
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Clients send `{}` for an empty input; an empty body is taken the same way. */
function parseBody(body: string): JsonObject {
  if (body.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    throw new ServiceError('SerializationException', 'Failed to parse the request body as JSON.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServiceError('SerializationException', 'The request body must be a JSON object.')
  }
  return value as JsonObject
}

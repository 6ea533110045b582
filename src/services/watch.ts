// `sageform watch [ADDRESS...]` and `apply --wait`: follow jobs by polling Describe until each reaches a terminal status,
// as a stream of snapshots and the events between them (src/watch/model.ts holds the pure part). Polling is gentle: one
// Describe per unfinished job per tick, a few at a time, the interval doubling whenever SageMaker throttles (or a
// Describe fails) and easing back once it stops, and never faster than a few calls a second in all.
import { filterMatches } from '../config/address.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { Diagnostics, type Diagnostic } from '../diagnostics/index.js'
import { isSageMakerError, type SageMakerApi } from '../sagemaker/types.js'
import type { VariableSource } from '../config/variables.js'
import type { ApplyPayload } from './apply.js'
import { loadConfiguration } from './setup/configuration.js'
import { connect, type ConnectionOptions } from './setup/connection.js'
import { openState, readStateFrom } from './setup/state.js'
import type { StateBackend } from '../state/backend.js'
import type { Evaluated } from './apply.js'
import type { WaitEnd, WaitPayload, WaitView } from './wait/follow.js'
import { diffJob, isTerminal, pendingSnapshot, snapshotOf, type Described, type JobSnapshot, type WatchEvent, type WatchSnapshot, type WatchTarget, type WatchUpdate } from '../watch/model.js'
import { jobOps } from '../sagemaker/jobs.js'

export interface PollOptions {
  /** The delay between two ticks while nothing goes wrong. Default 5 s. */
  intervalMs?: number
  /** The longest delay backoff reaches. Default 60 s. */
  maxIntervalMs?: number
  /** Describe calls in flight at once. Default 4. */
  concurrency?: number
  /** Each unfinished job adds this much to the shortest interval, so many jobs never mean many calls a second. Default 200 ms (5 Describe/s). */
  perJobMs?: number
  signal?: AbortSignal
  /** Local clock, epoch ms; tests pin it. */
  now?: () => number
  /** Waits between ticks; tests record the delays instead of waiting. Resolves early when `signal` aborts. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Called with the jobs that reached a terminal status in a tick; the jobs it returns are followed from then on. */
  onEnded?: (ended: JobSnapshot[]) => Promise<WatchTarget[]>
}

/** Error codes by which SageMaker (and AWS generally) says "too many requests". */
const THROTTLING_CODES = new Set(['ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown'])

export function isThrottling(err: unknown): boolean {
  return isSageMakerError(err) && THROTTLING_CODES.has(err.code)
}

async function describe(api: SageMakerApi, target: WatchTarget): Promise<Described> {
  const d = await jobOps(api, target.type).describeRaw(target.name)
  return d.found ? d.job : undefined
}

const abortableWait = (ms: number, signal?: AbortSignal) => sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined)

/**
 * Yields a first update at once (every job Pending), then one per tick until every job is terminal or `signal` aborts.
 * A throttled or failed Describe leaves that job's snapshot as it was (the next tick tries again) and doubles the
 * interval; once throttled, the tick sends no further calls, and the jobs it skipped go first next time. Any other
 * error (no credentials, access denied) ends the watch by throwing.
 */
export async function* watchJobs(api: SageMakerApi, targets: readonly WatchTarget[], options: PollOptions = {}): AsyncGenerator<WatchUpdate, void> {
  const base = Math.max(1, options.intervalMs ?? 5000)
  const max = Math.max(base, options.maxIntervalMs ?? 60_000)
  const concurrency = Math.max(1, options.concurrency ?? 4)
  const perJob = options.perJobMs ?? 200
  const now = options.now ?? Date.now
  const wait = options.wait ?? abortableWait
  const { signal } = options
  const followed = [...targets]
  const jobs: JobSnapshot[] = followed.map(pendingSnapshot)
  let order = jobs.map((_, i) => i)
  let interval = base
  let throttled = false
  const snapshot = (): WatchSnapshot => ({ jobs: jobs.map((j) => ({ ...j })), at: now(), intervalMs: interval, throttled, done: jobs.every(isTerminal) })

  yield { snapshot: snapshot(), events: [] }
  while (!signal?.aborted) {
    const active = order.filter((i) => !isTerminal(jobs[i]!))
    if (active.length === 0) return
    const answers = new Map<number, { described: Described; at: number }>()
    const failures = new Map<number, string>()
    let throttledNow = false
    let next = 0
    const worker = async () => {
      while (next < active.length && !throttledNow && !signal?.aborted) {
        const i = active[next++]!
        try {
          const described = await describe(api, followed[i]!)
          answers.set(i, { described, at: now() })
        } catch (err) {
          if (isThrottling(err)) throttledNow = true
          else if (isSageMakerError(err) && err.retryable) failures.set(i, `${err.code}: ${err.message}`)
          else throw err
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, active.length) }, worker))

    // Events in target order, whatever order the answers came in.
    const at = now()
    const events: WatchEvent[] = []
    const ended: JobSnapshot[] = []
    for (const i of active) {
      const answer = answers.get(i)
      if (answer) {
        const fresh = snapshotOf(followed[i]!, answer.described, answer.at)
        events.push(...diffJob(jobs[i]!, fresh, at))
        if (isTerminal(fresh)) ended.push(fresh)
        jobs[i] = fresh
      }
      const failure = failures.get(i)
      if (failure) events.push({ kind: 'error', address: jobs[i]!.address, name: jobs[i]!.name, message: failure, at })
    }
    // Jobs this tick did not reach go first next time, so throttling cannot starve the ones at the end.
    order = [...active.filter((i) => !answers.has(i) && !failures.has(i)), ...active.filter((i) => answers.has(i) || failures.has(i))]
    throttled = throttledNow || failures.size > 0
    if (throttled) {
      interval = Math.min(interval * 2, max)
      events.push({ kind: 'backoff', reason: throttledNow ? 'throttled' : 'error', intervalMs: interval, at })
    } else interval = Math.max(base, Math.floor(interval / 2))
    // apply --wait: a deferred warm start is created once its parents have ended, and followed like the others.
    for (const target of ended.length > 0 && options.onEnded ? await options.onEnded(ended) : []) {
      followed.push(target)
      jobs.push(pendingSnapshot(target))
      order.push(jobs.length - 1)
    }
    const update = snapshot()
    yield { snapshot: update, events }
    if (update.done) return
    const unfinished = jobs.filter((j) => !isTerminal(j)).length
    await wait(Math.max(interval, unfinished * perJob), signal)
  }
}

export interface WatchOptions extends ConnectionOptions {
  dir: string
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
  /** Addresses, or resource types for all of their resources; empty: every managed job. */
  addresses: string[]
  /** Between two polls while nothing goes wrong (--poll-interval). */
  intervalMs: number
}

export interface PreparedWatch {
  api?: SageMakerApi
  targets: WatchTarget[]
  diagnostics: Diagnostic[]
  /** Where what the watch saw is recorded once it ends (recordWatched). */
  backend?: StateBackend
  /** For the outputs recorded with it; absent when the configuration has errors. */
  configuration?: Evaluated
}

/**
 * For `watch`: the current job of every resource in the state (or of those named), and a connection. The provider
 * block is read for its region, profile and endpoint when the configuration loads; a configuration with errors does
 * not stop a watch, which needs only the state.
 */
async function prepareWatch(options: WatchOptions): Promise<PreparedWatch> {
  const diags = new Diagnostics()
  const { backend, diagnostics: opened } = await openState(options.dir)
  diags.append(opened)
  const { state, diagnostics } = backend ? await readStateFrom(backend) : { state: undefined, diagnostics: [] }
  diags.append(diagnostics)
  if (diags.hasErrors) return { targets: [], diagnostics: diags.items }
  const resources = Object.entries(state?.resources ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  for (const filter of options.addresses) {
    if (!resources.some(([address]) => filterMatches(address, filter))) {
      diags.error('No such resource in the state', { detail: `${filter} matches no resource in the state file.`, hint: 'sageform state list shows the resources it knows.' })
    }
  }
  if (diags.hasErrors) return { targets: [], diagnostics: diags.items }
  const targets = resources
    .filter(([address]) => options.addresses.length === 0 || options.addresses.some((f) => filterMatches(address, f)))
    .flatMap(([address, r]) => (r.current ? [{ address, type: r.type, name: r.current.name }] : []))
  if (targets.length === 0) return { targets, diagnostics: diags.items }
  const loaded = await loadConfiguration({ dir: options.dir, variables: options.variables, env: options.env })
  const api = await connect(options, loaded.config?.provider ?? {}, diags)
  const configuration = loaded.config && loaded.evaluate && !loaded.diagnostics.some((d) => d.severity === 'error') ? { config: loaded.config, evaluate: loaded.evaluate } : undefined
  return { api, targets, diagnostics: diags.items, backend, ...(configuration ? { configuration } : {}) }
}

/** The `watch --json` payload (schemas/watch.json). */
export interface WatchPayload extends WaitPayload {
  diagnostics: Diagnostic[]
}

/**
 * `sageform watch`: follows the current job of every resource in the state (or of those named) until each has ended,
 * then records what it saw. 'nothing' when the state has no current job for them.
 */
export async function watch(options: WatchOptions, view: WaitView): Promise<{ payload: WatchPayload; end: WaitEnd | 'nothing' }> {
  const prepared = await prepareWatch(options)
  const empty: WatchPayload = { all_completed: true, interrupted: false, jobs: [], diagnostics: prepared.diagnostics }
  if (prepared.diagnostics.some((d) => d.severity === 'error')) return { payload: empty, end: 'failed' }
  if (prepared.targets.length === 0) {
    view.nothing()
    return { payload: empty, end: 'nothing' }
  }
  if (!prepared.api) return { payload: empty, end: 'failed' }
  const { followJobs } = await import('./wait/follow.js')
  const followed = await followJobs(prepared.api, prepared.targets, { view, intervalMs: options.intervalMs })
  const diagnostics = [...prepared.diagnostics, ...(followed.error ? [followed.error] : [])]
  if (!followed.error) diagnostics.push(...(await recordWatched(prepared)))
  return { payload: { ...followed.wait, diagnostics }, end: followed.end }
}

/** After `watch`: what it saw, recorded under the lock taken for that one write (services/wait/record.ts). */
async function recordWatched(prepared: PreparedWatch): Promise<Diagnostic[]> {
  if (!prepared.api || !prepared.backend) return []
  const { recordWaited } = await import('./wait/record.js')
  return recordWaited({ api: prepared.api, backend: prepared.backend, jobs: prepared.targets, configuration: prepared.configuration, operation: 'watch', lockWaitMs: 0, parallelism: 4 })
}

/**
 * For `apply --wait`: the jobs the apply created, replaced, updated or adopted. Stopped resources are forgotten by the
 * apply, and a no-op touched nothing, so neither is waited for.
 */
export function appliedTargets(result: Pick<ApplyPayload, 'plan' | 'results'>): WatchTarget[] {
  const types = new Map((result.plan?.changes ?? []).map((c) => [c.address, c.type]))
  return result.results.flatMap((r) => {
    const type = types.get(r.address)
    const touched = r.outcome === 'done' && (r.action === 'create' || r.action === 'replace' || r.action === 'retune' || r.action === 'update' || r.action === 'adopt')
    return touched && r.job && type ? [{ address: r.address, type, name: r.job }] : []
  })
}

// What `apply --wait` and `watch` do with what they saw. Waiting holds no lock (a wait can last days); each write here
// takes the state lock only for itself: creating the deferred warm starts whose parents have just ended, and, once the
// wait is over, recording each job's final status, times, failure reason and best training job with the outputs, so
// that the next plan finds no drift and `output` and `state list` are current.
import type { Diagnostic } from '../../diagnostics/index.js'
import { Diagnostics } from '../../diagnostics/index.js'
import { bestTrainingJobFields } from '../../apply/best.js'
import { executePlan, type ApplyEvent, type ApplyResultEntry } from '../../apply/engine.js'
import { jobOps } from '../../sagemaker/jobs.js'
import { finalFields, patchJob } from '../../apply/records.js'
import type { ResourceChange } from '../../plan/types.js'
import { isSageMakerError, type SageMakerApi } from '../../sagemaker/types.js'
import type { StateBackend } from '../../state/backend.js'
import type { HeldLock } from '../../state/lock.js'
import type { JobRecord, State } from '../../model/state.js'
import { mapLimit } from '../../util/pool.js'
import { outputsOf, requestResolver, type ApplyPayload, type Evaluated, type PreparedApply } from '../apply.js'
import { lockBackend, readStateFrom } from '../setup/state.js'
import type { JobSnapshot, WatchTarget } from '../../watch/model.js'

/** A write after a wait waits this long for the lock at least: another run's write is short. */
const MIN_LOCK_WAIT_MS = 10_000

/** Runs `write` on the latest state under the lock, then releases it; the problems are returned, never thrown. */
async function underLock(backend: StateBackend, operation: string, lockWaitMs: number, write: (state: State, lock: HeldLock) => Promise<void>): Promise<Diagnostic[]> {
  const diags = new Diagnostics()
  const acquired = await lockBackend(backend, { operation, timeoutMs: Math.max(lockWaitMs, MIN_LOCK_WAIT_MS) })
  if (!acquired.ok) return [acquired.diagnostic]
  if (acquired.lock.tookOver) diags.add(acquired.lock.tookOver)
  try {
    const { state, diagnostics } = await readStateFrom(backend)
    diags.append(diagnostics)
    if (state && !diags.hasErrors) await write(state, acquired.lock)
  } catch (error) {
    diags.error('The state could not be updated', { detail: (error as Error).message })
  } finally {
    await acquired.lock.release().catch((error: unknown) => diags.error('The state lock could not be released', { detail: (error as Error).message, hint: `Run: sageform force-unlock ${acquired.lock.info.id}` }))
  }
  return diags.items
}

/** The deferred warm starts of an apply: created by `startDeferred` once every job they wait for has ended. */
export class DeferredStarts {
  private readonly waiting: ResourceChange[]
  private readonly ended = new Set<string>()
  /** What went wrong creating them, for the caller to report once the wait is over. */
  readonly diagnostics: Diagnostic[] = []

  constructor(
    private readonly prepared: PreparedApply,
    private readonly result: ApplyPayload,
    private readonly onEvent: (event: ApplyEvent) => void,
  ) {
    const deferred = new Set(result.results.filter((r) => r.outcome === 'deferred' && !r.deposed).map((r) => r.address))
    this.waiting = (prepared.plan.changes ?? []).filter((c) => c.deferred && deferred.has(c.address))
  }

  /**
   * Parents the deferred changes wait for that this apply did not start (a job already running when it planned): the
   * wait follows them too, so that their children can start.
   */
  parents(followed: readonly WatchTarget[]): WatchTarget[] {
    const seen = new Set(followed.map((t) => t.address))
    const byAddress = new Map(this.prepared.plan.changes.filter((c) => !c.deposed).map((c) => [c.address, c]))
    const out: WatchTarget[] = []
    for (const address of new Set(this.waiting.flatMap((c) => c.deferred?.waiting_for ?? []))) {
      const parent = byAddress.get(address)
      if (seen.has(address) || !parent?.before?.name || parent.deferred) continue
      out.push({ address, type: parent.type, name: parent.before.name })
    }
    return out
  }

  /**
   * Records that `jobs` ended and creates, under the lock, every deferred change whose dependencies have all ended,
   * as the plan describes it (its configuration evaluated in memory: nothing is read from disk). Returns the jobs it
   * created, to be followed too; their outcomes replace the `deferred` entries of the apply's results.
   */
  async startReady(jobs: readonly Pick<JobSnapshot, 'address'>[]): Promise<WatchTarget[]> {
    for (const job of jobs) this.ended.add(job.address)
    const ready = this.waiting.filter((c) => (c.deferred?.waiting_for ?? []).every((d) => this.ended.has(d)))
    if (ready.length === 0) return []
    for (const change of ready) this.waiting.splice(this.waiting.indexOf(change), 1)
    const { prepared } = this
    const api = prepared.api!
    const changes = ready.map(({ deferred: _deferred, ...change }) => change)
    let entries: ApplyResultEntry[] = []
    const problems = await underLock(prepared.backend, prepared.options.operation ?? 'apply', 0, async (state) => {
      const run = await executePlan({
        plan: { ...prepared.plan, changes },
        api,
        state,
        persist: (next) => prepared.backend.write(next),
        parallelism: prepared.options.parallelism,
        resolveRequest: requestResolver(prepared.plan, prepared.configuration),
        onEvent: this.onEvent,
      })
      await prepared.backend.checkpoint()
      entries = run.results
      this.diagnostics.push(...run.errors)
    })
    this.diagnostics.push(...problems)
    for (const entry of entries) this.settle(entry)
    if (entries.length === 0) for (const change of ready) this.settle({ address: change.address, action: change.action, outcome: 'skipped', message: 'not started: the state lock could not be taken' })
    const types = new Map(changes.map((c) => [c.address, c.type]))
    return entries.flatMap((e) => (e.outcome === 'done' && e.job ? [{ address: e.address, type: types.get(e.address)!, name: e.job }] : []))
  }

  private settle(entry: ApplyResultEntry): void {
    const index = this.result.results.findIndex((r) => r.address === entry.address && r.outcome === 'deferred' && !r.deposed)
    if (index >= 0) this.result.results[index] = entry
    const summary = this.result.summary
    summary.deferred = this.result.results.filter((r) => r.outcome === 'deferred').length
    summary.failed = this.result.results.filter((r) => r.outcome === 'failed').length
    if (entry.outcome === 'done' && entry.action === 'create') summary.created += 1
    if (entry.outcome === 'done' && entry.action === 'replace') summary.replaced += 1
  }
}

export interface RecordWaitedOptions {
  api: SageMakerApi
  backend: StateBackend
  /** The jobs followed. */
  jobs: readonly WatchTarget[]
  /** For the outputs; without it they are left as they were. */
  configuration?: Evaluated
  operation: string
  lockWaitMs: number
  parallelism: number
}

/**
 * Describes each job followed once more (outside the lock) and writes what it says into its record, wherever the record
 * is now (current, deposed or history), with a tuning job's best training job and the outputs, in one write under the
 * lock. A job the state no longer holds is left alone. A failure is a warning: the next apply's refresh records it.
 */
export async function recordWaited(options: RecordWaitedOptions): Promise<Diagnostic[]> {
  const now = new Date().toISOString()
  let seen: Array<{ job: WatchTarget; patch: Partial<JobRecord> }>
  try {
    seen = await mapLimit([...options.jobs], options.parallelism, async (job) => {
      const live = await jobOps(options.api, job.type).describe(job.name)
      if (!live) return { job, patch: {} }
      const best = await bestTrainingJobFields(options.api, job.type, job.name, live.status)
      return { job, patch: { ...finalFields(live.status, now, live.ended_at), ...(live.failure_reason ? { failure_reason: live.failure_reason } : {}), ...best } }
    })
  } catch (error) {
    if (!isSageMakerError(error)) throw error
    return [notRecorded(`SageMaker refused Describe: ${error.code}: ${error.message}`)]
  }
  const problems = await underLock(options.backend, options.operation, options.lockWaitMs, async (state) => {
    const next: State = structuredClone(state)
    // A record that already says all this keeps its updated_at: a watch of finished jobs writes nothing.
    const news = (record: JobRecord, patch: Partial<JobRecord>) => Object.entries(patch).some(([key, value]) => key !== 'updated_at' && JSON.stringify(record[key as keyof JobRecord]) !== JSON.stringify(value))
    for (const { job, patch } of seen) patchJob(next, job.address, job.name, (record) => (news(record, patch) ? patch : {}))
    const outputs = options.configuration ? outputsOf(next, options.configuration) : next.outputs
    const changed = JSON.stringify(next.resources) !== JSON.stringify(state.resources) || JSON.stringify(outputs ?? {}) !== JSON.stringify(state.outputs ?? {})
    if (changed) await options.backend.write({ ...next, serial: state.serial + 1, ...(outputs ? { outputs } : {}) })
  })
  return problems.map((d) => (d.severity === 'error' ? notRecorded(`${d.summary}${d.detail ? `: ${d.detail}` : ''}`) : d))
}

function notRecorded(detail: string): Diagnostic {
  return { severity: 'warning', summary: 'What the wait saw was not recorded', detail, hint: 'The next sageform apply (or plan) reads the jobs again and records their final status.' }
}

// Runs a plan: each change once its dependencies are done, at most `parallelism` at a time, every step persisted as it
// happens (see journal.ts). A failed change costs only itself and the changes that depend on it; the rest go on, as in
// Terraform. Deciding what to do is the planner's job; doing it, one step at a time, is actions.ts's.
import type { Diagnostic } from '../diagnostics/index.js'
import type { ResourceChange } from '../plan/types.js'
import { ACTIONS, StepFailed, errorText, type ActionContext } from './actions.js'
import { poller } from './jobs.js'
import { JOB_KINDS } from '../model/kinds.js'
import { PersistFailed, StateJournal } from './journal.js'
import { moveRecords } from './records.js'
import type { ApplyOutcome, ApplyResult, ApplyResultEntry, ExecuteOptions, FailureKind } from './types.js'

export type { ApplyEvent, ApplyOutcome, FailureKind, StopEffect, ApplyResult, ApplyResultEntry, ExecuteOptions, RequestResolver, ResolvedRequest, WaitOptions } from './types.js'

/** What to do with a change not started yet. */
type Gate = { kind: 'run' } | { kind: 'wait' } | { kind: 'settle'; outcome: 'skipped' | 'deferred'; message: string }

export async function executePlan(options: ExecuteOptions): Promise<ApplyResult> {
  const journal = new StateJournal(options.state, options.persist)
  const clock = options.now ?? (() => new Date())
  const ctx: ActionContext = {
    api: options.api,
    journal,
    resolveRequest: options.resolveRequest,
    now: () => clock().toISOString(),
    // Real time, not `now`: a test's frozen clock must not make a wait endless.
    poll: poller(options.wait, undefined, options.signal),
  }
  const changes = options.plan.changes
  const inPlan = new Set(changes.map((c) => c.address))
  const outcomes = new Map<string, ApplyResultEntry>()
  const errors: Diagnostic[] = []
  const unrecorded: ApplyResult['unrecorded'] = []
  /** Why no further change may start. */
  let halted: string | undefined

  const settle = (change: ResourceChange, outcome: ApplyOutcome, message: string, extra: Pick<ApplyResultEntry, 'job' | 'effect' | 'failure'> = {}) => {
    outcomes.set(changeKey(change), { address: change.address, ...(change.deposed ? { deposed: change.deposed } : {}), action: change.action, outcome, message, ...definedOnly(extra) })
    options.onEvent?.({ address: change.address, action: change.action, ...definedOnly({ reason: change.reason, effect: extra.effect }), phase: outcome, message })
  }

  const fail = (change: ResourceChange, failure: Failure) => {
    errors.push({ severity: 'error', summary: failure.summary, detail: failure.detail, address: change.address, ...(failure.hint ? { hint: failure.hint } : {}) })
    settle(change, 'failed', failure.summary, { job: failure.job, failure: failure.kind })
  }

  const gate = (change: ResourceChange): Gate => {
    if (change.deferred) return { kind: 'settle', outcome: 'deferred', message: change.deferred.reason }
    if (halted) return { kind: 'settle', outcome: 'skipped', message: `not started: ${halted}` }
    if (options.signal?.aborted) return { kind: 'settle', outcome: 'skipped', message: 'not started: apply was interrupted' }
    // A no-op changes nothing in SageMaker, so nothing it depends on can make it wrong.
    if (change.action === 'no-op') return { kind: 'run' }
    // Changes of one resource run in plan order (a deposed job's stop after the replace that deposed it; a resource
    // forgotten only after its deposed jobs were looked at), without inheriting each other's failures.
    let waiting = changes.slice(0, changes.indexOf(change)).some((c) => c.address === change.address && !outcomes.has(changeKey(c)))
    for (const dependency of change.depends_on) {
      if (dependency === change.address || !inPlan.has(dependency)) continue
      const done = outcomes.get(dependency)
      if (!done) waiting = true
      else if (done.outcome === 'failed' || done.outcome === 'skipped') {
        return { kind: 'settle', outcome: 'skipped', message: `dependency ${dependency} ${done.outcome === 'failed' ? 'failed' : 'was skipped'}` }
      } else if (done.outcome === 'deferred') {
        return { kind: 'settle', outcome: 'deferred', message: `waits for ${dependency}, which is deferred` }
      }
    }
    return waiting ? { kind: 'wait' } : { kind: 'run' }
  }

  const run = async (change: ResourceChange) => {
    options.onEvent?.({ address: change.address, action: change.action, ...definedOnly({ reason: change.reason }), phase: 'start', message: startMessage(change) })
    try {
      const done = await ACTIONS[change.action](change, ctx)
      settle(change, 'done', done.message, { job: done.job, ...(change.action === 'stop' ? { effect: done.forgotOnly ? 'forgotten' : 'stopped' } : {}) })
    } catch (err) {
      // Without a state file that keeps up, every further job would be one more that nothing records.
      if (err instanceof PersistFailed) halted ??= 'the state file could not be written'
      if (err instanceof PersistFailed && err.job) unrecorded.push({ address: change.address, job: err.job })
      fail(change, explain(err, change))
    }
  }

  // Moved records are at their new addresses before any job is touched: every action below finds them there.
  const moves = changes.filter((c) => c.previous_address !== undefined && !c.deposed)
  if (moves.length > 0) {
    await journal.record(`moving ${moves.map((c) => `${c.previous_address} to ${c.address}`).join(', ')}`, (state) => moveRecords(state, moves)).catch((err: unknown) => {
      halted = 'the state file could not be written'
      const failure = explain(err, moves[0]!)
      errors.push({ severity: 'error', summary: failure.summary, detail: failure.detail, ...(failure.hint ? { hint: failure.hint } : {}) })
    })
  }

  await schedule(changes, Math.max(1, Math.floor(options.parallelism) || 1), gate, run, settle)

  for (const change of changes) {
    if (outcomes.has(changeKey(change))) continue
    // Only a dependency cycle leaves a change neither run nor settled; the planner should have refused the plan.
    const waitingFor = change.depends_on.filter((d) => inPlan.has(d) && !outcomes.has(d))
    fail(change, { kind: 'dependency_cycle', summary: 'Dependency cycle', detail: `${change.address} never became ready: it waits for ${waitingFor.join(', ')}, and these dependencies form a cycle.` })
  }
  return { state: journal.state, results: changes.map((c) => outcomes.get(changeKey(c))!), errors, unrecorded }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** A resource's own change is keyed by its address; deleting an older generation's job also by that job. */
function changeKey(change: ResourceChange): string {
  return change.deposed ? `${change.address} (deposed ${change.deposed})` : change.address
}

/**
 * Starts every change whose gate says run, in plan order, keeping at most `limit` running; settles the ones gated away
 * at once (which may release others, hence the inner loop); and waits for a running one to finish before looking again.
 */
async function schedule(
  changes: readonly ResourceChange[],
  limit: number,
  gate: (change: ResourceChange) => Gate,
  run: (change: ResourceChange) => Promise<void>,
  settle: (change: ResourceChange, outcome: ApplyOutcome, message: string) => void,
): Promise<void> {
  const pending = [...changes]
  const running = new Set<Promise<void>>()
  for (;;) {
    let progressed = true
    while (progressed) {
      progressed = false
      for (const change of [...pending]) {
        if (running.size >= limit) break
        const verdict = gate(change)
        if (verdict.kind === 'wait') continue
        pending.splice(pending.indexOf(change), 1)
        progressed = true
        if (verdict.kind === 'settle') settle(change, verdict.outcome, verdict.message)
        else {
          const task: Promise<void> = run(change).then(() => {
            running.delete(task)
          })
          running.add(task)
        }
      }
    }
    if (running.size === 0) return
    await Promise.race(running)
  }
}

interface Failure {
  kind: FailureKind
  summary: string
  detail: string
  hint?: string
  job?: string
}

function explain(err: unknown, change: ResourceChange): Failure {
  if (err instanceof StepFailed) return { kind: 'step', summary: err.summary, detail: err.detail, ...err.extra }
  if (err instanceof PersistFailed) {
    return {
      kind: 'state_write',
      summary: 'Failed to save the state',
      detail: err.message,
      ...(err.job ? { job: err.job } : {}),
      hint: 'What this change did in SageMaker is not in the state file. Fix the problem and run apply again: a job created under the same name is adopted, not created twice.',
    }
  }
  return { kind: 'unexpected', summary: `Unexpected error applying ${change.address}`, detail: errorText(err) }
}

function startMessage(change: ResourceChange): string {
  const noun = JOB_KINDS[change.type].shortNoun
  const old = change.before?.name
  switch (change.action) {
    case 'create':
      return `creating ${noun}${change.after?.name ? ` ${change.after.name}` : ''}`
    case 'replace':
      return `replacing ${noun} ${old}`
    case 'update':
      return `updating ${noun} ${old}`
    case 'stop':
      if (change.deposed) return `stopping deposed ${noun} ${change.deposed}`
      return change.before?.status === 'InProgress' ? `stopping ${noun} ${old}` : `forgetting ${change.address}`
    case 'adopt':
      return `adopting ${noun} ${old ?? change.after?.name}`
    case 'import':
      return `importing ${noun} ${old}`
    case 'retune':
      return `re-tuning: generation ${change.after?.generation ?? 1} after ${noun} ${old}`
    case 'delete':
      return `deleting ${noun} ${change.deposed ?? old}`
    case 'no-op':
      return change.deposed ? `recording the end of ${change.deposed}` : `refreshing ${change.address}`
  }
}

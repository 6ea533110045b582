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
type Gate = { kind: 'run' } | { kind: 'wait'; for: string } | { kind: 'settle'; outcome: 'skipped' | 'deferred'; message: string }

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
  /** Each change's predecessors of the same resource, in plan order: found once, not by scanning the plan per gate. */
  const earlierOfSameResource = new Map<ResourceChange, ResourceChange[]>()
  const seenOfResource = new Map<string, ResourceChange[]>()
  for (const change of changes) {
    const earlier = seenOfResource.get(change.address) ?? []
    if (earlier.length > 0) earlierOfSameResource.set(change, [...earlier])
    seenOfResource.set(change.address, [...earlier, change])
  }
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
    let waitFor = earlierOfSameResource.get(change)?.map(changeKey).find((key) => !outcomes.has(key))
    for (const dependency of change.depends_on) {
      if (dependency === change.address || !inPlan.has(dependency)) continue
      const done = outcomes.get(dependency)
      if (!done) waitFor ??= dependency
      else if (done.outcome === 'failed' || done.outcome === 'skipped') {
        return { kind: 'settle', outcome: 'skipped', message: `dependency ${dependency} ${done.outcome === 'failed' ? 'failed' : 'was skipped'}` }
      } else if (done.outcome === 'deferred') {
        return { kind: 'settle', outcome: 'deferred', message: `waits for ${dependency}, which is deferred` }
      }
    }
    return waitFor === undefined ? { kind: 'run' } : { kind: 'wait', for: waitFor }
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
 * Starts the changes whose gate says run, earliest in plan order first, keeping at most `limit` running; settles the
 * ones gated away at once. A change gated to wait is parked under the change it waits for and looked at again only when
 * that one has finished, so an apply of N changes gates each a few times, not N times.
 */
async function schedule(
  changes: readonly ResourceChange[],
  limit: number,
  gate: (change: ResourceChange) => Gate,
  run: (change: ResourceChange) => Promise<void>,
  settle: (change: ResourceChange, outcome: ApplyOutcome, message: string) => void,
): Promise<void> {
  const ready = new IndexHeap(changes.length)
  const parked = new Map<string, number[]>()
  const finished = (change: ResourceChange) => {
    const key = changeKey(change)
    for (const index of parked.get(key) ?? []) ready.push(index)
    parked.delete(key)
  }
  const running = new Set<Promise<void>>()
  for (;;) {
    while (running.size < limit && ready.size > 0) {
      const index = ready.pop()
      const change = changes[index]!
      const verdict = gate(change)
      if (verdict.kind === 'wait') {
        const waiters = parked.get(verdict.for)
        if (waiters) waiters.push(index)
        else parked.set(verdict.for, [index])
      } else if (verdict.kind === 'settle') {
        settle(change, verdict.outcome, verdict.message)
        finished(change)
      } else {
        const task: Promise<void> = run(change).then(() => {
          running.delete(task)
          finished(change)
        })
        running.add(task)
      }
    }
    // What is still parked then waits in a cycle: executePlan reports it.
    if (running.size === 0) return
    await Promise.race(running)
  }
}

/** Indices 0..n-1, smallest first: the changes ready to be gated, in plan order. */
class IndexHeap {
  private readonly items: number[]

  constructor(n: number) {
    // 0..n-1 ascending is already a heap.
    this.items = Array.from({ length: n }, (_, i) => i)
  }

  get size(): number {
    return this.items.length
  }

  push(index: number): void {
    const items = this.items
    let at = items.push(index) - 1
    while (at > 0) {
      const parent = (at - 1) >> 1
      if (items[parent]! <= index) break
      items[at] = items[parent]!
      at = parent
    }
    items[at] = index
  }

  pop(): number {
    const items = this.items
    const top = items[0]!
    const last = items.pop()!
    if (items.length > 0) {
      let at = 0
      for (;;) {
        let child = 2 * at + 1
        if (child >= items.length) break
        if (child + 1 < items.length && items[child + 1]! < items[child]!) child++
        if (items[child]! >= last) break
        items[at] = items[child]!
        at = child
      }
      items[at] = last
    }
    return top
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

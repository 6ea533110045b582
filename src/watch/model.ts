// What `watch` and `apply --wait` know about the jobs they follow, and what changed between two looks. Pure: a Describe
// answer becomes a JobSnapshot (snapshotOf), and two snapshots of the same job become the events a log prints
// (diffJob), so the whole of the watch logic short of the network is tested without one.
import type { DescribeHyperParameterTuningJobResponse, DescribeTrainingJobResponse } from '../sagemaker/types.js'
import { jobFamily, type ResourceType } from '../config/module.js'
import { TERMINAL_STATUSES } from '../model/kinds.js'

/** One job to follow: a managed resource's current job. */
export interface WatchTarget {
  address: string
  type: ResourceType
  name: string
}

/** A tuning job's training jobs, from DescribeHyperParameterTuningJob's TrainingJobStatusCounters and ResourceLimits. */
export interface TuningCounters {
  completed: number
  inProgress: number
  /** TrainingJobStatusCounters.Stopped: stopped by early stopping (or by hand). */
  stoppedEarly: number
  /** RetryableError + NonRetryableError. */
  failed: number
  /** MaxNumberOfTrainingJobs; absent when the tuning job sets no maximum. */
  max?: number
}

/**
 * The training job with the best objective so far: OverallBestTrainingJob for a warm start (its own and its parents'
 * training jobs), else BestTrainingJob.
 */
export interface BestJob {
  job: string
  metric: string
  value: number
  goal?: string
  /** When a warm-start parent launched it: that parent tuning job. */
  tuningJob?: string
}

export interface SecondaryTransition {
  status: string
  message?: string
  /** Epoch ms. */
  start: number
}

/**
 * `status` is SageMaker's (TrainingJobStatus or HyperParameterTuningJobStatus), or sageform's own `Pending` (not
 * described yet) and `NotFound` (Describe found no such job).
 */
export interface JobSnapshot extends WatchTarget {
  status: string
  /** Training jobs: SecondaryStatus. */
  secondaryStatus?: string
  /** Training jobs: the StatusMessage of the latest secondary status. */
  message?: string
  failureReason?: string
  /** Training jobs: SecondaryStatusTransitions, oldest first. */
  transitions?: SecondaryTransition[]
  counters?: TuningCounters
  best?: BestJob
  /** Epoch ms (local clock) of the Describe answer this snapshot comes from. */
  observedAt?: number
  /** How long the job had run at `observedAt` (or in all, once it ended), in ms. */
  elapsedMs?: number
}

export interface WatchSnapshot {
  jobs: JobSnapshot[]
  /** Epoch ms (local clock) of the tick that produced it. */
  at: number
  /** The delay before the next tick, after any backoff. */
  intervalMs: number
  /** The last tick backed off (throttling or a failed Describe). */
  throttled: boolean
  /** Every job is in a terminal status: nothing more will change. */
  done: boolean
}

interface EventBase {
  /** Epoch ms (local clock) at which the change was seen. */
  at: number
}

interface JobEventBase extends EventBase {
  address: string
  name: string
}

/** What changed, one event per line of the plain log. */
export type WatchEvent =
  /** The first Describe answer for a job. */
  | (JobEventBase & { kind: 'found'; type: ResourceType; status: string; secondaryStatus?: string; message?: string; counters?: TuningCounters; elapsedMs?: number; failureReason?: string })
  /** A training job's secondary status moved on (from === to: only its message changed). */
  | (JobEventBase & { kind: 'secondary'; from?: string; to: string; message?: string })
  | (JobEventBase & { kind: 'counters'; counters: TuningCounters })
  | (JobEventBase & { kind: 'best'; best: BestJob })
  | (JobEventBase & { kind: 'status'; from: string; to: string; failureReason?: string; elapsedMs?: number })
  | (JobEventBase & { kind: 'missing' })
  /** A Describe failed in a way worth retrying (a server fault, a dropped connection). */
  | (JobEventBase & { kind: 'error'; message: string })
  /** Polling backed off: SageMaker throttled a Describe (or one failed); the next tick comes after `intervalMs`. */
  | (EventBase & { kind: 'backoff'; reason: 'throttled' | 'error'; intervalMs: number })

/** What ends a watch: SageMaker's terminal statuses, a failed delete, or a job SageMaker no longer has. */
const WATCH_ENDED: ReadonlySet<string> = new Set([...TERMINAL_STATUSES, 'DeleteFailed', 'NotFound'])

export function isTerminal(job: Pick<JobSnapshot, 'status'>): boolean {
  return WATCH_ENDED.has(job.status)
}

export function pendingSnapshot(target: WatchTarget): JobSnapshot {
  return { address: target.address, type: target.type, name: target.name, status: 'Pending' }
}

/** A Describe answer; `undefined` when SageMaker has no job of that name. */
export type Described = DescribeTrainingJobResponse | DescribeHyperParameterTuningJobResponse | undefined

const ms = (d: Date | string | number | undefined): number | undefined => (d === undefined ? undefined : new Date(d).getTime())

export function snapshotOf(target: WatchTarget, described: Described, observedAt: number): JobSnapshot {
  const base = { address: target.address, type: target.type, name: target.name, observedAt }
  if (!described) return { ...base, status: 'NotFound' }
  if (jobFamily(target.type) === 'training') return trainingSnapshot(base, described as DescribeTrainingJobResponse)
  return tuningSnapshot(base, described as DescribeHyperParameterTuningJobResponse)
}

type Base = Pick<JobSnapshot, 'address' | 'type' | 'name'> & { observedAt: number }

function trainingSnapshot(base: Base, j: DescribeTrainingJobResponse): JobSnapshot {
  const status = j.TrainingJobStatus ?? 'Unknown'
  const transitions = (j.SecondaryStatusTransitions ?? []).map((t) => ({ status: String(t.Status), ...(t.StatusMessage ? { message: t.StatusMessage } : {}), start: ms(t.StartTime) ?? 0 }))
  const last = transitions.at(-1)
  const created = ms(j.CreationTime)
  const ended = TERMINAL_STATUSES.has(status) ? (ms(j.TrainingEndTime) ?? ms(j.LastModifiedTime)) : undefined
  return {
    ...base,
    status,
    ...(j.SecondaryStatus ? { secondaryStatus: j.SecondaryStatus } : {}),
    ...(last?.message && last.status === (j.SecondaryStatus ?? last.status) ? { message: last.message } : {}),
    ...(j.FailureReason ? { failureReason: j.FailureReason } : {}),
    transitions,
    ...elapsed(created, ended, [base.observedAt, ms(j.LastModifiedTime), last?.start]),
  }
}

function tuningSnapshot(base: Base, j: DescribeHyperParameterTuningJobResponse): JobSnapshot {
  const status = j.HyperParameterTuningJobStatus ?? 'Unknown'
  const c = j.TrainingJobStatusCounters ?? {}
  const max = j.HyperParameterTuningJobConfig?.ResourceLimits?.MaxNumberOfTrainingJobs
  const counters: TuningCounters = {
    completed: c.Completed ?? 0,
    inProgress: c.InProgress ?? 0,
    stoppedEarly: c.Stopped ?? 0,
    failed: (c.RetryableError ?? 0) + (c.NonRetryableError ?? 0),
    ...(max !== undefined ? { max } : {}),
  }
  const summary = j.OverallBestTrainingJob ?? j.BestTrainingJob
  const metric = summary?.FinalHyperParameterTuningJobObjectiveMetric
  const parent = summary?.TuningJobName !== undefined && summary.TuningJobName !== base.name ? { tuningJob: summary.TuningJobName } : {}
  const best: BestJob | undefined =
    summary?.TrainingJobName && metric?.MetricName !== undefined && metric.Value !== undefined
      ? { job: summary.TrainingJobName, metric: metric.MetricName, value: metric.Value, ...(metric.Type ? { goal: metric.Type } : {}), ...parent }
      : undefined
  const created = ms(j.CreationTime)
  const ended = TERMINAL_STATUSES.has(status) ? (ms(j.HyperParameterTuningEndTime) ?? ms(j.LastModifiedTime)) : undefined
  const consumed = j.ConsumedResources?.RuntimeInSeconds
  const runtime = consumed !== undefined && created !== undefined ? created + consumed * 1000 : undefined
  return {
    ...base,
    status,
    ...(j.FailureReason ? { failureReason: j.FailureReason } : {}),
    counters,
    ...(best ? { best } : {}),
    ...elapsed(created, ended, [base.observedAt, ms(j.LastModifiedTime), runtime]),
  }
}

/**
 * A finished job's duration is its own (end − creation). A running job's is the latest moment known to have passed:
 * the local clock, or the service's own later timestamps when its clock runs ahead (as the local endpoint's does).
 */
function elapsed(created: number | undefined, ended: number | undefined, moments: Array<number | undefined>): { elapsedMs?: number } {
  if (created === undefined) return {}
  if (ended !== undefined) return { elapsedMs: Math.max(0, ended - created) }
  const latest = Math.max(...moments.filter((m): m is number => m !== undefined))
  return { elapsedMs: Math.max(0, latest - created) }
}

/** The events between two snapshots of one job, in the order they happened: secondary statuses, counters, best, status. */
export function diffJob(prev: JobSnapshot, next: JobSnapshot, at: number): WatchEvent[] {
  const who = { address: next.address, name: next.name, at }
  if (next.status === 'NotFound') return prev.status === 'NotFound' ? [] : [{ ...who, kind: 'missing' }]
  if (prev.status === 'Pending' || prev.status === 'NotFound') {
    return [
      {
        ...who,
        kind: 'found',
        type: next.type,
        status: next.status,
        ...(next.secondaryStatus ? { secondaryStatus: next.secondaryStatus } : {}),
        ...(next.message ? { message: next.message } : {}),
        ...(next.counters ? { counters: next.counters } : {}),
        ...(next.elapsedMs !== undefined ? { elapsedMs: next.elapsedMs } : {}),
        ...(next.failureReason && isTerminal(next) ? { failureReason: next.failureReason } : {}),
      },
      ...(next.best ? [{ ...who, kind: 'best' as const, best: next.best }] : []),
    ]
  }
  const events: WatchEvent[] = [...secondaryEvents(prev, next, who)]
  if (next.counters && !sameCounters(prev.counters, next.counters)) events.push({ ...who, kind: 'counters', counters: next.counters })
  if (next.best && (prev.best?.job !== next.best.job || prev.best.value !== next.best.value || prev.best.tuningJob !== next.best.tuningJob)) events.push({ ...who, kind: 'best', best: next.best })
  if (prev.status !== next.status) {
    events.push({
      ...who,
      kind: 'status',
      from: prev.status,
      to: next.status,
      ...(next.failureReason && next.status !== 'Completed' ? { failureReason: next.failureReason } : {}),
      ...(next.elapsedMs !== undefined ? { elapsedMs: next.elapsedMs } : {}),
    })
  }
  return events
}

/**
 * Every secondary status the job went through since the previous look, from SecondaryStatusTransitions (so a poll that
 * misses a short phase still reports it), or from SecondaryStatus alone when the answer has no transitions.
 */
function secondaryEvents(prev: JobSnapshot, next: JobSnapshot, who: { address: string; name: string; at: number }): WatchEvent[] {
  const before = prev.transitions ?? []
  const after = next.transitions ?? []
  if (after.length === 0 || after.length < before.length) {
    if (!next.secondaryStatus || (next.secondaryStatus === prev.secondaryStatus && next.message === prev.message)) return []
    return [{ ...who, kind: 'secondary', ...(prev.secondaryStatus ? { from: prev.secondaryStatus } : {}), to: next.secondaryStatus, ...(next.message ? { message: next.message } : {}) }]
  }
  const events: WatchEvent[] = []
  // Transitions are append-only, but the last one seen may since have changed its message (Starting says what it is
  // preparing): that is reported first, as it happened first.
  const lastSeen = before.at(-1)
  const same = lastSeen && after[before.length - 1]
  if (lastSeen && same && same.message && same.message !== lastSeen.message) {
    events.push({ ...who, kind: 'secondary', from: same.status, to: same.status, message: same.message })
  }
  let previous = lastSeen?.status ?? prev.secondaryStatus
  for (const t of after.slice(before.length)) {
    events.push({ ...who, kind: 'secondary', ...(previous ? { from: previous } : {}), to: t.status, ...(t.message ? { message: t.message } : {}) })
    previous = t.status
  }
  return events
}

function sameCounters(a: TuningCounters | undefined, b: TuningCounters): boolean {
  return a !== undefined && a.completed === b.completed && a.inProgress === b.inProgress && a.stoppedEarly === b.stoppedEarly && a.failed === b.failed && a.max === b.max
}

/** Training jobs finished (any terminal status) out of the maximum, for a progress bar; undefined without a maximum. */
export function tuningProgress(counters: TuningCounters): number | undefined {
  if (!counters.max) return undefined
  return Math.min(1, (counters.completed + counters.stoppedEarly + counters.failed) / counters.max)
}

/** How a watch ended: every job Completed, or not. */
export interface WatchOutcome {
  total: number
  completed: number
  /** Jobs that ended otherwise (Failed, Stopped, NotFound) or, when the watch was interrupted, have not ended. */
  others: JobSnapshot[]
  allCompleted: boolean
}

export function watchOutcome(jobs: readonly JobSnapshot[]): WatchOutcome {
  const others = jobs.filter((j) => j.status !== 'Completed')
  return { total: jobs.length, completed: jobs.length - others.length, others, allCompleted: others.length === 0 }
}

/** The `watch --json` job entry (schemas/watch.json), in the state file's snake_case. */
export interface WatchJobJson {
  address: string
  type: ResourceType
  name: string
  status: string
  secondary_status?: string
  failure_reason?: string
  elapsed_seconds?: number
  training_jobs?: { completed: number; in_progress: number; stopped_early: number; failed: number; max?: number }
  best?: { job: string; metric: string; value: number; tuning_job?: string }
}

export function jobJson(job: JobSnapshot): WatchJobJson {
  const c = job.counters
  return {
    address: job.address,
    type: job.type,
    name: job.name,
    status: job.status,
    ...(job.secondaryStatus ? { secondary_status: job.secondaryStatus } : {}),
    ...(job.failureReason ? { failure_reason: job.failureReason } : {}),
    ...(job.elapsedMs !== undefined ? { elapsed_seconds: Math.round(job.elapsedMs / 1000) } : {}),
    ...(c ? { training_jobs: { completed: c.completed, in_progress: c.inProgress, stopped_early: c.stoppedEarly, failed: c.failed, ...(c.max !== undefined ? { max: c.max } : {}) } } : {}),
    ...(job.best ? { best: { job: job.best.job, metric: job.best.metric, value: job.best.value, ...(job.best.tuningJob ? { tuning_job: job.best.tuningJob } : {}) } } : {}),
  }
}

/** One tick: everything known now, and what changed since the previous tick. */
export interface WatchUpdate {
  snapshot: WatchSnapshot
  events: WatchEvent[]
}

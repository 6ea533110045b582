// What `watch` and `apply --wait` share: follow jobs until they end (or Ctrl-C), then how it went. The command chooses
// how the wait is shown (a WaitView from src/ui: a live view on a terminal, plain lines elsewhere, nothing with --json);
// everything else is here: the first Ctrl-C ends the wait (a second one exits at once), a refused Describe ends it as
// a diagnostic, and apply --wait creates the deferred warm starts, streams logs and records what it saw.
import { constants } from 'node:os'
import type { Diagnostic } from '../../diagnostics/index.js'
import type { ApplyEvent } from '../../apply/engine.js'
import { jobFamily } from '../../config/module.js'
import { isSageMakerError, type SageMakerApi } from '../../sagemaker/types.js'
import { jobJson, watchOutcome, type JobSnapshot, type WatchJobJson, type WatchOutcome, type WatchSnapshot, type WatchTarget, type WatchUpdate } from '../../watch/model.js'
import type { ApplyPayload, PreparedApply } from '../apply.js'
import { connectLogs, type ConnectionOptions } from '../setup/connection.js'
import { followLogs } from '../logs.js'
import { appliedTargets, watchJobs } from '../watch.js'
import { DeferredStarts, recordWaited } from './record.js'

/** `watch --json`, and the `wait` member of `apply --wait --json` (schemas/watch.json). */
export interface WaitPayload {
  all_completed: boolean
  /** Ctrl-C ended the watch before every job did. */
  interrupted: boolean
  jobs: WatchJobJson[]
}

/** How a wait ended; the command turns it into its exit status. */
export type WaitEnd = 'completed' | 'not-completed' | 'interrupted' | 'failed'

/** How the command shows a wait (ui/watch.ts makes one); the service decides what happens, the view only shows it. */
export interface WaitView {
  /** Drawn live: lines between its frames would tear it, so apply --wait shows a created job as a row instead. */
  readonly live: boolean
  /** Before the first poll. */
  started(jobs: number, intervalMs: number): void
  /** Shows the updates as they come; returns the last snapshot. */
  present(updates: AsyncIterable<WatchUpdate>, interrupted: () => boolean): Promise<WatchSnapshot | undefined>
  /** Once every job ended, or the wait was interrupted. */
  ended(outcome: WatchOutcome, interrupted: boolean): void
  /** apply --wait: a deferred warm start created (or refused) once its parents ended. */
  event(event: ApplyEvent): void
  /** Problems found along the way, as soon as they are known. */
  diagnostics(diagnostics: Diagnostic[]): void
  /** There was nothing to wait for: the state has no current job for the addresses (watch), the apply started none. */
  nothing(): void
  /** apply --wait --logs: one line of a job's log, or why its log is unavailable. */
  logLine(address: string, text: string): void
  /** apply --wait --logs: a tuning job runs many training jobs, whose logs `sageform logs` shows one by one. */
  tuningLogs(address: string): void
}

export interface Followed {
  wait: WaitPayload
  end: WaitEnd
  /** A Describe failure that ended the watch (no credentials, access denied...). */
  error?: Diagnostic
}

export interface FollowOptions {
  view: WaitView
  intervalMs: number
  /** apply --wait: jobs to follow as well once some have ended (deferred warm starts, created then). */
  onEnded?: (ended: JobSnapshot[]) => Promise<WatchTarget[]>
}

/** A second Ctrl-C leaves at once, with the shell's status for a process SIGINT ended (EXIT.interrupted). */
const INTERRUPTED = 128 + constants.signals.SIGINT

export async function followJobs(api: SageMakerApi, targets: WatchTarget[], options: FollowOptions): Promise<Followed> {
  const { view } = options
  const controller = new AbortController()
  // `on`, not `once`: ink's signal-exit re-raises a signal nobody else listens to any more. A second Ctrl-C leaves at once.
  const interrupt = () => (controller.signal.aborted ? process.exit(INTERRUPTED) : controller.abort())
  process.on('SIGINT', interrupt)
  view.started(targets.length, options.intervalMs)
  let last: WatchSnapshot | undefined
  let error: Diagnostic | undefined
  try {
    const updates = watchJobs(api, targets, { intervalMs: options.intervalMs, signal: controller.signal, ...(options.onEnded ? { onEnded: options.onEnded } : {}) })
    last = await view.present(updates, () => controller.signal.aborted)
  } catch (err) {
    if (!isSageMakerError(err)) throw err
    error = { severity: 'error', summary: 'Cannot follow the jobs', detail: `SageMaker refused Describe: ${err.code}: ${err.message}` }
  } finally {
    process.off('SIGINT', interrupt)
  }
  const jobs = last?.jobs ?? []
  const outcome = watchOutcome(jobs)
  const interrupted = controller.signal.aborted && !(last?.done ?? false)
  const wait: WaitPayload = { all_completed: !error && !interrupted && outcome.allCompleted, interrupted, jobs: jobs.map(jobJson) }
  if (error) return { wait, error, end: 'failed' }
  view.ended(outcome, interrupted)
  return { wait, end: interrupted ? 'interrupted' : outcome.allCompleted ? 'completed' : 'not-completed' }
}

export interface WaitForAppliedOptions {
  view: WaitView
  intervalMs: number
  /** --lock-timeout: how long the write at the end may wait for the lock (at least wait/record.ts's minimum). */
  lockWaitMs: number
  /** --logs: stream the training jobs' logs while waiting, through this connection. */
  logs?: ConnectionOptions
}

export interface WaitedForApplied {
  wait: WaitPayload
  /** 'failed' also when a deferred change could not be created, whatever the jobs waited for did. */
  end: WaitEnd
}

/**
 * apply --wait: follows the jobs the apply created, replaced, updated or adopted, creates each deferred warm start as
 * soon as the jobs it waits for have ended (and follows it too), then records what it saw in the state (see
 * wait/record.ts). What went wrong is added to the apply's diagnostics.
 */
export async function waitForApplied(prepared: PreparedApply, result: ApplyPayload, options: WaitForAppliedOptions): Promise<WaitedForApplied> {
  const { view } = options
  const api = prepared.api!
  const deferred = new DeferredStarts(prepared, result, (event) => view.event(event))
  const applied = appliedTargets(result)
  const parents = deferred.parents(applied)
  const targets = [...applied, ...parents]
  if (targets.length === 0) {
    view.nothing()
    return { wait: { all_completed: true, interrupted: false, jobs: [] }, end: 'completed' }
  }
  const streaming = options.logs ? new AbortController() : undefined
  const logsDone = options.logs && streaming ? streamAppliedLogs(api, applied, { view, connection: options.logs, prepared, intervalMs: options.intervalMs, signal: streaming.signal }) : undefined
  const followed = await followJobs(api, targets, { view, intervalMs: options.intervalMs, onEnded: (ended) => deferred.startReady(ended) })
  // Ended jobs have logged their last lines; after Ctrl-C (or a refused Describe) the logs are not waited for.
  if (followed.end === 'interrupted' || followed.end === 'failed') streaming?.abort()
  const report = (diagnostics: Diagnostic[]) => {
    result.diagnostics.push(...diagnostics)
    if (diagnostics.length > 0) view.diagnostics(diagnostics)
  }
  report(deferred.diagnostics)
  if (followed.error) report([followed.error])
  else {
    const jobs = [...appliedTargets(result), ...parents]
    report(await recordWaited({ api, backend: prepared.backend, jobs, configuration: prepared.configuration, operation: 'apply', lockWaitMs: options.lockWaitMs, parallelism: prepared.options.parallelism }))
  }
  await logsDone
  return { wait: followed.wait, end: deferred.diagnostics.some((d) => d.severity === 'error') ? 'failed' : followed.end }
}

/**
 * apply --wait --logs: the CloudWatch logs of the training jobs the apply started, while the wait runs, each line
 * with its resource address; a tuning job's training jobs are many, so it gets a pointer to `sageform logs`.
 */
async function streamAppliedLogs(api: SageMakerApi, targets: WatchTarget[], options: { view: WaitView; connection: ConnectionOptions; prepared: PreparedApply; intervalMs: number; signal: AbortSignal }): Promise<void> {
  const { view } = options
  for (const t of targets.filter((t) => jobFamily(t.type) === 'tuning')) view.tuningLogs(t.address)
  const training = targets.filter((t) => jobFamily(t.type) === 'training')
  if (training.length === 0) return
  const logs = await connectLogs(options.connection, options.prepared.configuration.config.provider)
  await Promise.all(
    training.map((t) =>
      followLogs({ api, logs, jobName: t.name, signal: options.signal, pollIntervalMs: options.intervalMs, onLine: (line) => view.logLine(t.address, line.text) }).catch((error: Error) => view.logLine(t.address, `logs unavailable: ${error.message}`)),
    ),
  )
}

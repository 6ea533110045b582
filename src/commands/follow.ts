// What `watch` and `apply --wait` share: follow jobs until they end (or Ctrl-C), drawn live on a terminal and as plain
// lines elsewhere, then the closing summary and the exit status. Not a command itself.
import type { Diagnostic } from '../diagnostics/index.js'
import type { ProviderSettings } from '../model/types.js'
import type { SageMakerApi } from '../sagemaker/types.js'
import type { ApplyPayload, PreparedApply } from '../services/apply.js'
import type { JobSnapshot, WatchJobJson, WatchTarget } from '../watch/model.js'
import type { Style } from '../ui/style.js'
import { EXIT } from './base.js'
import { jobFamily } from '../config/module.js'

/** `watch --json`, and the `wait` member of `apply --wait --json` (schemas/watch.json). */
export interface WaitPayload {
  all_completed: boolean
  /** Ctrl-C ended the watch before every job did. */
  interrupted: boolean
  jobs: WatchJobJson[]
}

export interface FollowOptions {
  log: (line: string) => void
  style: Style
  /** --json: draw nothing, print nothing. */
  json: boolean
  /** The user wants colour (and so, on a terminal outside CI, the live view). */
  color: boolean
  intervalMs: number
  /** apply --wait: jobs to follow as well once some have ended (deferred warm starts, created then). */
  onEnded?: (ended: JobSnapshot[]) => Promise<WatchTarget[]>
}

export interface Followed {
  wait: WaitPayload
  /** A Describe failure that ended the watch (no credentials, access denied...). */
  error?: Diagnostic
  /** 0 all Completed, 3 all ended but not all Completed, 130 interrupted, 1 the watch failed. */
  exitCode: number
}

export async function followJobs(api: SageMakerApi, targets: WatchTarget[], options: FollowOptions): Promise<Followed> {
  const { watchJobs } = await import('../services/watch.js')
  const { jobJson, watchOutcome } = await import('../watch/model.js')
  const { presentWatch, renderWatchHeader, renderWatchSummary, wantsLiveView } = await import('../ui/watch.js')
  const controller = new AbortController()
  // `on`, not `once`: ink's signal-exit re-raises a signal nobody else listens to any more. A second Ctrl-C leaves at once.
  const interrupt = () => (controller.signal.aborted ? process.exit(EXIT.interrupted) : controller.abort())
  process.on('SIGINT', interrupt)
  const live = !options.json && wantsLiveView(options.color)
  if (!options.json) options.log(renderWatchHeader(targets.length, options.intervalMs, options.style))
  let last: Awaited<ReturnType<typeof presentWatch>>
  let error: Diagnostic | undefined
  try {
    last = await presentWatch(watchJobs(api, targets, { intervalMs: options.intervalMs, signal: controller.signal, ...(options.onEnded ? { onEnded: options.onEnded } : {}) }), {
      live,
      style: options.style,
      write: options.json ? () => {} : options.log,
      interrupted: () => controller.signal.aborted,
    })
  } catch (err) {
    const { isSageMakerError } = await import('../sagemaker/types.js')
    if (!isSageMakerError(err)) throw err
    error = { severity: 'error', summary: 'Cannot follow the jobs', detail: `SageMaker refused Describe: ${err.code}: ${err.message}` }
  } finally {
    process.off('SIGINT', interrupt)
  }
  const jobs = last?.jobs ?? []
  const outcome = watchOutcome(jobs)
  const interrupted = controller.signal.aborted && !(last?.done ?? false)
  const wait: WaitPayload = { all_completed: !error && !interrupted && outcome.allCompleted, interrupted, jobs: jobs.map(jobJson) }
  if (error) return { wait, error, exitCode: EXIT.error }
  if (!options.json) options.log(`\n${renderWatchSummary(outcome, options.style, interrupted)}`)
  return { wait, exitCode: interrupted ? EXIT.interrupted : outcome.allCompleted ? EXIT.ok : EXIT.notCompleted }
}

/**
 * apply --wait: follows the jobs the apply created, replaced, updated or adopted, creates each deferred warm start as
 * soon as the jobs it waits for have ended (and follows it too), then records what it saw in the state (see
 * services/waited.ts). A failure to follow the jobs is added to the payload's diagnostics; the exit status is the
 * apply's when that failed, else the wait's.
 */
export async function waitForApplied(prepared: PreparedApply, result: ApplyPayload, options: FollowOptions & { lockWaitMs: number }): Promise<WaitPayload> {
  const { appliedTargets } = await import('../services/watch.js')
  const { DeferredStarts, recordWaited } = await import('../services/waited.js')
  const { renderEvent } = await import('../ui/apply.js')
  const { wantsLiveView } = await import('../ui/watch.js')
  const api = prepared.api!
  // Lines between the live view's frames would tear them: the view shows the new job's row instead.
  const quiet = options.json || wantsLiveView(options.color)
  const deferred = new DeferredStarts(prepared, result, (event) => {
    const line = quiet ? undefined : renderEvent(event, options.style)
    if (line) options.log(line)
  })
  const applied = appliedTargets(result)
  const parents = deferred.parents(applied)
  const targets = [...applied, ...parents]
  if (targets.length === 0) {
    if (!options.json) options.log('\nNo jobs to wait for: this apply created, replaced, updated or adopted none.')
    return { all_completed: true, interrupted: false, jobs: [] }
  }
  if (!options.json) options.log('')
  const followed = await followJobs(api, targets, { ...options, onEnded: (ended) => deferred.startReady(ended) })
  const report = async (diagnostics: Diagnostic[]) => {
    result.diagnostics.push(...diagnostics)
    if (!options.json && diagnostics.length > 0) {
      const { renderDiagnostics } = await import('../ui/diagnostics.js')
      options.log(renderDiagnostics(diagnostics, options.style))
    }
  }
  await report(deferred.diagnostics)
  if (followed.error) await report([followed.error])
  else {
    const jobs = [...appliedTargets(result), ...parents]
    await report(await recordWaited({ api, backend: prepared.backend, jobs, configuration: prepared.configuration, operation: 'apply', lockWaitMs: options.lockWaitMs, parallelism: prepared.options.parallelism }))
  }
  // A deferred change that could not be created is an apply error, whatever the jobs waited for did.
  if (deferred.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
  if (process.exitCode === undefined || process.exitCode === EXIT.ok) process.exitCode = followed.exitCode
  return followed.wait
}

/**
 * apply --wait --logs: the CloudWatch logs of the training jobs the apply started, while the wait runs. Each line is
 * prefixed with the resource address; a tuning job's training jobs are many, so it gets a pointer to `sageform logs`.
 */
export async function streamAppliedLogs(api: SageMakerApi, result: ApplyPayload, options: { log: (line: string) => void; connection: { region?: string; profile?: string }; provider: ProviderSettings; intervalMs: number; signal: AbortSignal }): Promise<void> {
  const { appliedTargets } = await import('../services/watch.js')
  const { followLogs } = await import('../services/logs.js')
  const { connectLogs } = await import('../services/setup/connection.js')
  const { renderAppliedLogLine } = await import('../ui/logs.js')
  const targets = appliedTargets(result)
  for (const t of targets.filter((t) => jobFamily(t.type) === 'tuning')) options.log(`${t.address}: a tuning job runs many training jobs; see one with: sageform logs ${t.address}`)
  const training = targets.filter((t) => jobFamily(t.type) === 'training')
  if (training.length === 0) return
  const logs = await connectLogs(options.connection, options.provider)
  await Promise.all(
    training.map((t) =>
      followLogs({ api, logs, jobName: t.name, signal: options.signal, pollIntervalMs: options.intervalMs, onLine: (line) => options.log(renderAppliedLogLine(t.address, line.text)) }).catch((error: Error) =>
        options.log(renderAppliedLogLine(t.address, `logs unavailable: ${error.message}`)),
      ),
    ),
  )
}

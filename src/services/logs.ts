// `sageform logs ADDRESS [--follow]`: a job's CloudWatch logs. SageMaker writes each training job's logs to the group
// /aws/sagemaker/TrainingJobs, one stream per instance (`<job>/algo-<n>-<epoch>`); they are listed with
// DescribeLogStreams (prefix `<job>/`) and read with GetLogEvents from the head, following nextForwardToken. For a tuning
// job the logs are those of its best training job, or of the child named with --training-job.
//
// followLogs() is the reusable part (apply --wait --logs streams through it): it polls until the job reaches a terminal
// status, then reads once more so nothing written before the end is missed, and returns.
import { normalizeAddress } from '../config/address.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { Diagnostics, didYouMean, type Diagnostic } from '../diagnostics/index.js'
import type { VariableSource } from '../config/variables.js'
import { TRAINING_JOB_LOG_GROUP, type LogStream, type LogsApi } from '../sagemaker/logs.js'
import { isResourceNotFound, isSageMakerError, type DescribeTrainingJobResponse, type SageMakerApi } from '../sagemaker/types.js'
import { loadConfiguration } from './setup/configuration.js'
import { connect, connectLogs, type ConnectionOptions } from './setup/connection.js'
import { loadState, notInState } from './setup/state.js'
import { jobFamily } from '../config/module.js'
import { TERMINAL_STATUSES } from '../model/kinds.js'

export const DEFAULT_POLL_INTERVAL_MS = 5000

export interface LogLine {
  /** The training job. */
  job: string
  /** The instance, `algo-1`. */
  host: string
  stream: string
  /** Epoch milliseconds. */
  timestamp: number
  message: string
  /** What to print: the message, after `[algo-1] ` when the job runs on more than one instance. */
  text: string
}

export interface FollowLogsOptions {
  api: SageMakerApi
  logs: LogsApi
  /** A training job's name. */
  jobName: string
  onLine: (line: LogLine) => void
  /** Ends following after the current read; the result then says `aborted`. */
  signal?: AbortSignal
  /** Default true: keep polling until the job ends. False: read what exists now and return. */
  follow?: boolean
  /** Between polls; default 5 s. */
  pollIntervalMs?: number
}

export interface FollowLogsResult {
  jobName: string
  /** The job's status at the last poll; absent when SageMaker has no such job. */
  status?: string
  secondaryStatus?: string
  failureReason?: string
  /** Whether the job reached TrainingStartTime, when its instances start writing logs. */
  started: boolean
  lines: number
  /** Log streams read. */
  streams: number
  /** The log group did not exist at the last poll. */
  missingGroup: boolean
  aborted: boolean
}

/**
 * Streams a training job's log lines to `onLine`, oldest first within each poll (lines of several instances are
 * interleaved by timestamp). With `follow` it returns once the job has reached a terminal status and the logs written
 * until then have been read, or when `signal` aborts; without it, after one read. SageMakerError is thrown for
 * failures other than a log group or stream that does not exist yet.
 */
export async function followLogs(options: FollowLogsOptions): Promise<FollowLogsResult> {
  const { api, logs, jobName, onLine, signal } = options
  const follow = options.follow ?? true
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS
  const readers = new Map<string, { host: string; token?: string }>()
  const result: FollowLogsResult = { jobName, started: false, lines: 0, streams: 0, missingGroup: false, aborted: false }
  let hosts = 1
  for (;;) {
    // The status first: when it is terminal, the read below sees everything the job wrote.
    const described = await api.describeTrainingJob(jobName)
    const job = described.found ? described.job : undefined
    const ended = job === undefined || TERMINAL_STATUSES.has(job.TrainingJobStatus ?? '')
    Object.assign(result, statusOf(job))
    hosts = Math.max(hosts, instanceCount(job))
    // Listing streams is rate-limited account-wide: once every instance's stream is known, only the last read lists again.
    if (readers.size < hosts || ended) {
      const listed = await listStreams(logs, jobName)
      result.missingGroup = listed === undefined
      for (const stream of listed ?? []) if (!readers.has(stream.name)) readers.set(stream.name, { host: hostOf(jobName, stream.name) })
    }
    const prefixed = hosts > 1 || new Set([...readers.values()].map((r) => r.host)).size > 1
    const batch: LogLine[] = []
    for (const [stream, reader] of readers) {
      for (;;) {
        let page
        try {
          page = await logs.getLogEvents(TRAINING_JOB_LOG_GROUP, stream, reader.token)
        } catch (err) {
          if (isResourceNotFound(err)) break
          throw err
        }
        for (const e of page.events) {
          batch.push({ job: jobName, host: reader.host, stream, timestamp: e.timestamp, message: e.message, text: prefixed ? `[${reader.host}] ${e.message}` : e.message })
        }
        const unchanged = page.nextForwardToken === undefined || page.nextForwardToken === reader.token
        if (page.nextForwardToken !== undefined) reader.token = page.nextForwardToken
        if (unchanged || page.events.length === 0 || signal?.aborted) break
      }
    }
    // A stable sort: one stream's lines keep their order.
    batch.sort((a, b) => a.timestamp - b.timestamp)
    for (const line of batch) onLine(line)
    result.lines += batch.length
    result.streams = readers.size
    if (signal?.aborted) return { ...result, aborted: true }
    if (!follow || ended) return result
    try {
      await sleep(interval, undefined, { signal })
    } catch {
      return { ...result, aborted: true }
    }
  }
}

function statusOf(job: DescribeTrainingJobResponse | undefined): Partial<FollowLogsResult> {
  if (!job) return { status: undefined, secondaryStatus: undefined, failureReason: undefined }
  return { status: job.TrainingJobStatus, secondaryStatus: job.SecondaryStatus, failureReason: job.FailureReason, started: job.TrainingStartTime !== undefined }
}

/** Undefined when the log group does not exist (yet: SageMaker creates it when a first job starts). */
async function listStreams(logs: LogsApi, jobName: string): Promise<LogStream[] | undefined> {
  try {
    return await logs.describeLogStreams(TRAINING_JOB_LOG_GROUP, `${jobName}/`)
  } catch (err) {
    if (isResourceNotFound(err)) return undefined
    throw err
  }
}

function instanceCount(job: DescribeTrainingJobResponse | undefined): number {
  const resources = job?.ResourceConfig
  if (!resources) return 1
  if (resources.InstanceGroups?.length) return resources.InstanceGroups.reduce((n, g) => n + (g.InstanceCount ?? 0), 0)
  return resources.InstanceCount ?? 1
}

/** `<job>/algo-2-1700000000` → `algo-2`. */
export function hostOf(jobName: string, stream: string): string {
  const rest = stream.startsWith(`${jobName}/`) ? stream.slice(jobName.length + 1) : stream
  return rest.replace(/-\d+$/, '')
}

export interface LogsOptions extends ConnectionOptions {
  dir: string
  address: string
  /** For a tuning job: the child training job to read instead of the best one. */
  trainingJob?: string
  follow: boolean
  pollIntervalMs?: number
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
  signal?: AbortSignal
}

export interface LogsResult {
  address: string
  /** The training job whose logs were read. */
  training_job?: string
  /** The tuning job, when the resource is one. */
  tuning_job?: string
  /** The training job's status when reading ended. */
  status?: string
  failure_reason?: string
  lines: number
  diagnostics: Diagnostic[]
}

export interface LogsClients {
  api: SageMakerApi
  logs: LogsApi
}

export async function logs(given: LogsOptions, onLine: (line: LogLine) => void, clients?: LogsClients): Promise<LogsResult> {
  const options = { ...given, address: normalizeAddress(given.address) }
  const diags = new Diagnostics()
  const result: LogsResult = { address: options.address, lines: 0, diagnostics: diags.items }
  const done = () => ({ ...result, diagnostics: diags.items })
  const loaded = await loadState(options.dir)
  diags.append(loaded.diagnostics)
  if (diags.hasErrors) return done()
  const resource = loaded.state?.resources[options.address]
  if (!resource) {
    diags.append([notInState(options.address, Object.keys(loaded.state?.resources ?? {}), loaded.state !== undefined)])
    return done()
  }
  const current = resource.current
  if (!current) {
    diags.error('No current job', { address: options.address, detail: `${options.address} has no current job: it was destroyed or stopped and forgotten.`, hint: resource.history.length > 0 ? `Its earlier jobs: ${resource.history.map((j) => j.name).join(', ')}.` : undefined })
    return done()
  }
  const tuning = jobFamily(resource.type) === 'tuning'
  if (!tuning && options.trainingJob !== undefined) {
    diags.error('--training-job applies to tuning jobs only', { address: options.address, detail: `${options.address} is a training job (${current.name}); its logs are read without --training-job.` })
    return done()
  }
  let api = clients?.api
  let logsApi = clients?.logs
  if (!api || !logsApi) {
    const provider = (await loadConfiguration({ dir: options.dir, variables: options.variables, env: options.env }).catch(() => undefined))?.config?.provider ?? {}
    api ??= await connect(options, provider, diags)
    if (!api) return done()
    logsApi ??= await connectLogs(options, provider, options.env)
  }
  try {
    let jobName = current.name
    if (tuning) {
      result.tuning_job = current.name
      const child = await tuningChild(api, current.name, options.trainingJob, diags)
      if (!child) return done()
      jobName = child
    }
    result.training_job = jobName
    const read = await followLogs({ api, logs: logsApi, jobName, onLine, signal: options.signal, follow: options.follow, pollIntervalMs: options.pollIntervalMs })
    result.lines = read.lines
    if (read.status !== undefined) result.status = read.status
    if (read.failureReason !== undefined) result.failure_reason = read.failureReason
    explain(read, options.follow, diags)
  } catch (err) {
    if (isSageMakerError(err) && (err.code === 'CredentialsError' || err.code === 'ConfigError')) diags.error(err.message)
    else diags.error('Cannot read the logs', { detail: (err as Error).message })
  }
  return done()
}

/** The training job to read for a tuning job: the named child, or the best one. */
async function tuningChild(api: SageMakerApi, tuningJob: string, named: string | undefined, diags: Diagnostics): Promise<string | undefined> {
  const described = await api.describeTuningJob(tuningJob)
  if (!described.found) {
    diags.error('No such tuning job', { detail: `SageMaker has no hyperparameter tuning job named "${tuningJob}".` })
    return undefined
  }
  const best = described.job.BestTrainingJob?.TrainingJobName
  if (named === undefined && best !== undefined) return best
  const children = (await api.listTrainingJobsForTuningJob(tuningJob)).map((c) => c.TrainingJobName ?? '').filter(Boolean)
  if (named !== undefined) {
    if (children.includes(named)) return named
    const suggestion = didYouMean(named, children)
    diags.error('Not a training job of this tuning job', {
      detail: `Tuning job ${tuningJob} launched no training job named "${named}".`,
      hint: suggestion ? `Did you mean ${suggestion}?` : children.length > 0 ? `Its training jobs: ${listSome(children)}.` : 'It has launched no training job yet.',
    })
    return undefined
  }
  diags.error('No best training job yet', {
    detail: `Tuning job ${tuningJob} has no completed training job with an objective value yet.`,
    hint: children.length > 0 ? `Name one of its training jobs with --training-job: ${listSome(children)}.` : 'It has launched no training job yet; try again in a minute.',
  })
  return undefined
}

function listSome(names: string[]): string {
  const shown = names.slice(0, 5).join(', ')
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown
}

/** When nothing was printed, one sentence on why. */
function explain(read: FollowLogsResult, follow: boolean, diags: Diagnostics): void {
  if (read.status === undefined) {
    if (read.lines === 0) diags.error(`SageMaker has no training job named "${read.jobName}".`)
    else diags.warning(`SageMaker no longer has training job ${read.jobName}; these are the logs it left.`)
    return
  }
  if (read.lines > 0 || read.aborted) return
  if (!read.started) {
    if (!follow) diags.warning(`Training job ${read.jobName} has not started yet (${read.status}, ${read.secondaryStatus ?? 'Starting'}), so it has no logs yet; --follow waits for them.`)
    return
  }
  if (read.missingGroup) {
    diags.error(`CloudWatch Logs has no log group ${TRAINING_JOB_LOG_GROUP} in this region, so training job ${read.jobName} left no logs there; check the region, and that the job's role may write to CloudWatch Logs.`)
  } else if (read.streams === 0) {
    diags.warning(`Training job ${read.jobName} has written no logs${TERMINAL_STATUSES.has(read.status) ? '' : ' yet'}.`)
  }
}

// The CloudWatch Logs a simulated training job writes: log group /aws/sagemaker/TrainingJobs, one stream per instance
// named `<job>/algo-<n>-<epoch seconds of TrainingStartTime>`, as SageMaker names them.
//
// Each stream is a script fixed by the job's plan and spec: a few startup lines when the container starts
// (TrainingStartTime), the input channels while Downloading, one line per epoch across the Training phase carrying
// the metric values in the form the job's MetricDefinitions match (see metric-lines.ts), and a closing line for how
// the job ended (success, the algorithm error, or the stop). The number of epochs comes from the hyperparameters
// (num_round, epochs, ...; 10 otherwise). An event is visible once the simulated clock has passed its timestamp, so a
// reader polling a running job sees lines appear as it trains. Messages depend only on the job's name and spec; every
// timestamp lies within TrainingStartTime..TrainingEndTime. Deleting a training job deletes its streams here (the
// real service keeps them).
import { roundTime } from './model.js'
import { jsRegex, sampleFor, yields } from './metric-lines.js'
import { hashInt } from './random.js'
import type { TrainingJobRecord } from './store.js'
import { metricNames, metricValueAt, runFacts, type RunFacts } from './training.js'
import type { JsonObject } from './types.js'

export const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs'

const EPOCH_KEYS = ['num_round', 'num_boost_round', 'epochs', 'num_epochs', 'n_epochs', 'epoch', 'max_epochs', 'num_iterations', 'iterations', 'n_estimators', 'max_iter']
const DEFAULT_EPOCHS = 10
const MAX_EPOCHS = 500

export interface LogEvent {
  /** Epoch milliseconds. */
  timestamp: number
  message: string
}

export interface StreamScript {
  name: string
  job: TrainingJobRecord
  /** Epoch milliseconds: the container's start, when the stream is created. */
  creationTime: number
  /** Every event the stream will hold as things stand, oldest first; those after the current time are not yet visible. */
  events: LogEvent[]
}

const cache = new WeakMap<TrainingJobRecord, { stop: number | undefined; streams: StreamScript[] }>()

/** The job's streams, future events included; none before its instances are ready. */
export function streamsOf(job: TrainingJobRecord): StreamScript[] {
  const cached = cache.get(job)
  if (cached && cached.stop === job.stopRequestedAt) return cached.streams
  const streams = buildStreams(job)
  cache.set(job, { stop: job.stopRequestedAt, streams })
  return streams
}

export function toMillis(seconds: number): number {
  return Math.round(seconds * 1000)
}

function instanceCount(spec: JsonObject): number {
  const resources = spec.ResourceConfig as JsonObject | undefined
  const groups = resources?.InstanceGroups as JsonObject[] | undefined
  const count = groups ? groups.reduce((n, g) => n + Number(g.InstanceCount ?? 0), 0) : Number(resources?.InstanceCount ?? 1)
  return Math.max(1, Math.min(count || 1, 64))
}

function buildStreams(job: TrainingJobRecord): StreamScript[] {
  const facts = runFacts(job)
  if (facts.trainingStart === undefined) return []
  const hosts = instanceCount(job.spec)
  const epochSeconds = Math.floor(facts.trainingStart)
  const metrics = metricFormat(job)
  return Array.from({ length: hosts }, (_, i) => {
    const host = i + 1
    // Hosts start a few hundred milliseconds apart, as real clusters do; the first one at TrainingStartTime.
    const offset = host === 1 ? 0 : hashInt('host-offset', job.name, host) % 400
    const events = script(job, facts, host, hosts, metrics).map(({ at, message }) => ({ timestamp: Math.min(toMillis(at) + offset, toMillis(facts.end)), message }))
    for (let k = 1; k < events.length; k++) events[k]!.timestamp = Math.max(events[k]!.timestamp, events[k - 1]!.timestamp)
    return { name: `${job.name}/algo-${host}-${epochSeconds}`, job, creationTime: toMillis(facts.trainingStart as number) + offset, events }
  })
}

function epochsOf(job: TrainingJobRecord): number {
  const hp = job.spec.HyperParameters ?? {}
  const lower = Object.fromEntries(Object.entries(hp).map(([k, v]) => [k.toLowerCase(), v]))
  for (const key of EPOCH_KEYS) {
    const n = Number(lower[key])
    if (Number.isInteger(n) && n > 0) return Math.min(n, MAX_EPOCHS)
  }
  return DEFAULT_EPOCHS
}

interface ScriptLine {
  at: number
  message: string
}

function script(job: TrainingJobRecord, facts: RunFacts, host: number, hosts: number, metrics: (epoch: number, trained: number) => string[]): ScriptLine[] {
  const start = facts.trainingStart as number
  const lines: ScriptLine[] = []
  // Lines at or before the moment the algorithm stopped are kept; a stop request never rewrites what was visible.
  const cut = facts.stoppedAt
  const add = (at: number, message: string) => {
    const rounded = roundTime(at)
    if (rounded <= cut) lines.push({ at: rounded, message })
  }
  const resources = job.spec.ResourceConfig as JsonObject | undefined
  const instanceType = String(resources?.InstanceType ?? (resources?.InstanceGroups as JsonObject[] | undefined)?.[0]?.InstanceType ?? 'ml.m5.large')
  const image = job.spec.AlgorithmSpecification?.TrainingImage ?? job.spec.AlgorithmSpecification?.AlgorithmName ?? 'algorithm'
  add(start, `INFO - Starting training job ${job.name} on algo-${host} (${instanceType}, host ${host} of ${hosts})`)
  add(start + 0.2, `INFO - Training image: ${image}`)
  add(start + 0.4, `INFO - Hosts: ${JSON.stringify(Array.from({ length: hosts }, (_, i) => `algo-${i + 1}`))}, current host: algo-${host}`)
  add(start + 0.6, `INFO - Hyperparameters: ${JSON.stringify(Object.fromEntries(Object.entries(job.spec.HyperParameters ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))))}`)
  const channels = job.spec.InputDataConfig ?? []
  const phase = facts.trainingPhaseStart
  const downloadEnd = phase ?? facts.end
  channels.forEach((channel, i) => {
    const uri = channel.DataSource.S3DataSource?.S3Uri ?? '(not S3)'
    add(start + 0.8 + ((downloadEnd - start - 0.8) * i) / Math.max(1, channels.length), `INFO - Channel ${channel.ChannelName}: ${uri} (${channel.InputMode ?? job.spec.AlgorithmSpecification?.TrainingInputMode ?? 'File'} mode)`)
  })
  const epochs = epochsOf(job)
  let lastEpoch = -1
  if (phase !== undefined) {
    add(phase, `INFO - Training for ${epochs} epoch${epochs === 1 ? '' : 's'}`)
    for (let k = 0; k < epochs; k++) {
      const trained = (k + 1) / epochs
      const at = roundTime(phase + trained * facts.trainingSeconds)
      if (at > cut) break
      for (const message of metrics(k, trained)) add(at, message)
      lastEpoch = k
    }
  }
  const done = `${lastEpoch + 1} of ${epochs} epoch${epochs === 1 ? '' : 's'}`
  const trainingEnd = phase === undefined ? Infinity : roundTime(phase + facts.trainingSeconds)
  if (trainingEnd <= cut) {
    add(trainingEnd, 'INFO - Training complete; model saved to /opt/ml/model')
    add(trainingEnd, 'INFO - Reporting training SUCCESS')
    // A stop or time limit during Uploading finds the algorithm already gone: nothing more to say.
    return lines
  }
  switch (facts.outcome) {
    case 'Failed': {
      const reason = (facts.failureReason ?? 'AlgorithmError').replace(/^AlgorithmError: /, '')
      add(cut, `ERROR - ${reason}`)
      add(cut, `ERROR - Reporting training FAILURE after ${done}`)
      break
    }
    case 'MaxRuntimeExceeded':
    case 'MaxWaitTimeExceeded':
      add(cut, `WARNING - Received SIGTERM: ${facts.outcome === 'MaxRuntimeExceeded' ? 'MaxRuntimeInSeconds' : 'MaxWaitTimeInSeconds'} reached after ${done}`)
      break
    default:
      add(cut, `WARNING - Received SIGTERM: ${/early/.test(facts.outcomeMessage) ? 'stopped early by the hyperparameter tuning job' : 'the training job was stopped'} after ${done}`)
  }
  return lines
}

/**
 * How a job prints its metrics each epoch: the line or lines for epoch `epoch` after training the share `trained`.
 * XGBoost's form when every metric is `<channel>:<metric>` and every regex reads it; otherwise one line holding a
 * sample for each regex, or one line per metric when their samples do not combine.
 */
function metricFormat(job: TrainingJobRecord): (epoch: number, trained: number) => string[] {
  const definitions = new Map((job.spec.AlgorithmSpecification?.MetricDefinitions ?? []).map((d) => [d.Name, d.Regex]))
  let names = metricNames(job)
  if (names.length === 0) names = defaultMetrics(job)
  const value = (name: string, trained: number) => String(metricValueAt(job, name, trained))
  const regexFor = (name: string) => {
    const source = definitions.get(name)
    return source === undefined ? undefined : jsRegex(source)
  }
  const reads = (line: string, trained: number) =>
    names.every((name) => {
      const regex = regexFor(name)
      return regex === undefined || yields(regex, line, value(name, trained))
    })

  const channelMetrics = names.map((name) => /^([\w.-]+):([\w.@-]+)$/.exec(name))
  if (channelMetrics.every((m) => m !== null)) {
    const channels = unique(['train', ...(job.spec.InputDataConfig ?? []).map((c) => c.ChannelName), ...channelMetrics.map((m) => m![1]!)])
    const suffixes = unique(channelMetrics.map((m) => m![2]!))
    const xgboost = (epoch: number, trained: number) =>
      `[${epoch}]` + channels.flatMap((ch) => suffixes.map((metric) => `#011${ch}-${metric}:${value(`${ch}:${metric}`, trained)}`)).join('')
    if (reads(xgboost(0, 1), 1)) return (epoch, trained) => [xgboost(epoch, trained)]
  }

  const fragment = (name: string, trained: number) => {
    const source = definitions.get(name)
    return (source === undefined ? undefined : sampleFor(source, value(name, trained))) ?? `${name}=${value(name, trained)}`
  }
  const combined = (epoch: number, trained: number) => `Epoch ${epoch + 1}: ${names.map((name) => fragment(name, trained)).join(', ')}`
  if (reads(combined(0, 1), 1)) return (epoch, trained) => [combined(epoch, trained)]
  const bare = (_epoch: number, trained: number) => names.map((name) => fragment(name, trained)).join(', ')
  if (reads(bare(0, 1), 1)) return (epoch, trained) => [bare(epoch, trained)]
  return (_epoch, trained) => names.map((name) => fragment(name, trained))
}

/** What a built-in algorithm reports when nobody named a metric: its evaluation metric on train and validation. */
function defaultMetrics(job: TrainingJobRecord): string[] {
  const hp = job.spec.HyperParameters ?? {}
  const objective = hp.objective ?? ''
  const metric = (hp.eval_metric ?? '').split(',')[0]?.trim() || (objective.startsWith('binary:') ? 'logloss' : objective.startsWith('multi:') ? 'mlogloss' : objective.startsWith('reg:') ? 'rmse' : 'loss')
  const channels = (job.spec.InputDataConfig ?? []).map((c) => c.ChannelName).filter((c) => c === 'train' || c === 'validation')
  return (channels.length > 0 ? channels : ['train']).map((c) => `${c}:${metric}`)
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}

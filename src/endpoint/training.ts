// Training jobs: creation with the service's defaults, the simulated lifecycle, and the training job operations.
//
// Lifecycle: a job's phases and their simulated durations are fixed at creation from a hash of its name and spec
// (about 4 to 10 simulated minutes in all). Its status at any moment is computed from those durations and the few
// later facts (a stop request, a tuning job's early stopping), never stored and never driven by timers, so reads at
// any rate and restarts all see the same history. Secondary statuses follow the current documentation: Starting
// (whose message moves through "Launching requested ML instances" and "Preparing the instances for training"; the
// LaunchingMLInstances and PreparingTrainingStack statuses are documented as no longer used), Downloading (only with
// input channels), Training, Uploading, then Completed. A stop gives Stopping, then Stopped; the runtime limit,
// counted from TrainingStartTime, gives MaxRuntimeExceeded; the spot wait limit, counted from creation, gives
// MaxWaitTimeExceeded.
//
// To simulate an algorithm error, set the environment variable SAGEFORM_SIMULATE_FAILURE in the job's Environment
// (the job fails part way through training with FailureReason "AlgorithmError: <its value>"), or start the endpoint
// with failTrainingJobs (`local-endpoint --fail-training-jobs GLOB`), which fails every training job whose name
// matches, tuning jobs' own included.
import { checkTrainingJobQuotas } from './quotas.js'
import { trainingJobNotFound, resourceInUse, validationError } from './errors.js'
import { matchesListFilters, pageRequest, paginate } from './listing.js'
import { pickMembers, roundTime } from './model.js'
import { hashInt, hashUnit } from './random.js'
import { canonical, directionOf, metricValue, objectiveValue } from './strategies.js'
import { trainingJobArn, type Context, type TrainingJobRecord, type TrainingPlan, type TuningLink } from './store.js'
import type { Channel, Json, JsonObject, StoppingCondition, Tag, TrainingSpec } from './types.js'
import { validationErrors } from './validation.js'

const FAILURE_VARIABLE = 'SAGEFORM_SIMULATE_FAILURE'
const STOPPING_SECONDS = 30
/** StoppingCondition.MaxRuntimeInSeconds: "The default value is 1 day." */
const DEFAULT_MAX_RUNTIME_SECONDS = 86400
/** Managed spot training bills a fraction of the training time; the documentation's example saves 80%, this 70%. */
const SPOT_BILLED_SHARE = 0.3

/**
 * The values DescribeTrainingJob shows for members the request left out, where the service documents a default:
 * - EnableNetworkIsolation, EnableInterContainerTrafficEncryption, EnableManagedSpotTraining: false (Describe always
 *   returns all three booleans).
 * - StoppingCondition.MaxRuntimeInSeconds: 86400 ("The default value is 1 day"); StoppingCondition is required in the
 *   Describe response although the request may omit it.
 * - Each channel: CompressionType "None" ("The default value is None"), RecordWrapperType "None" (File mode expects it
 *   unset or None), and S3DataSource.S3DataDistributionType "FullyReplicated" ("Defaults to FullyReplicated").
 * - OutputDataConfig.CompressionType "GZIP" ("Defaults to gzip").
 * Left absent because no default is documented: ResourceConfig.VolumeSizeInGB (the service sizes some volumes itself,
 * e.g. for NVMe instance storage and serverless jobs), OutputDataConfig.KmsKeyId and ResourceConfig.VolumeKmsKeyId
 * (the service then uses the account's default key without naming it).
 */
function withServerDefaults(spec: TrainingSpec): TrainingSpec {
  const out: TrainingSpec = structuredClone(spec)
  out.EnableNetworkIsolation ??= false
  out.EnableInterContainerTrafficEncryption ??= false
  out.EnableManagedSpotTraining ??= false
  out.StoppingCondition = { MaxRuntimeInSeconds: DEFAULT_MAX_RUNTIME_SECONDS, ...out.StoppingCondition }
  out.OutputDataConfig = { ...out.OutputDataConfig, CompressionType: out.OutputDataConfig.CompressionType ?? 'GZIP' }
  out.InputDataConfig = out.InputDataConfig?.map((channel): Channel => {
    const s3 = channel.DataSource.S3DataSource
    return {
      ...channel,
      CompressionType: channel.CompressionType ?? 'None',
      RecordWrapperType: channel.RecordWrapperType ?? 'None',
      DataSource: s3 ? { ...channel.DataSource, S3DataSource: { ...s3, S3DataDistributionType: s3.S3DataDistributionType ?? 'FullyReplicated' } } : channel.DataSource,
    }
  })
  return out
}

/**
 * Documented rules the API model cannot express, shared with tuning job definitions: AlgorithmName and TrainingImage
 * are mutually exclusive and one is needed; managed spot training needs MaxWaitTimeInSeconds, which "must be equal
 * to or greater than MaxRuntimeInSeconds".
 */
export function checkAlgorithmAndStopping(algorithm: { TrainingImage?: string; AlgorithmName?: string } | undefined, spot: boolean | undefined, stopping: StoppingCondition | undefined): void {
  if (algorithm && (algorithm.TrainingImage === undefined) === (algorithm.AlgorithmName === undefined)) {
    throw validationError('You must specify either AlgorithmName or TrainingImage in AlgorithmSpecification, but not both.')
  }
  const wait = stopping?.MaxWaitTimeInSeconds
  const runtime = stopping?.MaxRuntimeInSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS
  if (spot === true && wait === undefined) throw validationError('MaxWaitTimeInSeconds is required when EnableManagedSpotTraining is true.')
  if (wait !== undefined && wait < runtime) {
    throw validationError(`MaxWaitTimeInSeconds (${wait}) must be greater than or equal to MaxRuntimeInSeconds (${runtime}).`)
  }
}

function checkTrainingSpec(spec: TrainingSpec): void {
  // Since the model stopped requiring these, only serverless jobs may leave them out.
  if (spec.ServerlessJobConfig === undefined) {
    const missing: string[] = []
    if (spec.AlgorithmSpecification === undefined) missing.push('algorithmSpecification')
    const resources = spec.ResourceConfig
    if (resources === undefined) missing.push('resourceConfig')
    else if (resources.InstanceGroups === undefined) {
      if (resources.InstanceType === undefined) missing.push('resourceConfig.instanceType')
      if (resources.InstanceCount === undefined) missing.push('resourceConfig.instanceCount')
    }
    if (missing.length > 0) throw validationErrors(missing.map((at) => `Value null at '${at}' failed to satisfy constraint: Member must not be null`))
  }
  checkAlgorithmAndStopping(spec.AlgorithmSpecification, spec.EnableManagedSpotTraining, spec.StoppingCondition)
  const names = new Set<string>()
  for (const channel of spec.InputDataConfig ?? []) {
    if (names.has(channel.ChannelName)) throw validationError(`Channel names must be unique. Channel name ${channel.ChannelName} is used more than once.`)
    names.add(channel.ChannelName)
  }
}

/** `key` names the job for hashing; tuning jobs pass one without the random part of the child's name. */
export function planFor(key: string, spec: TrainingSpec): TrainingPlan {
  const h = hashInt(key, canonical(spec.HyperParameters), JSON.stringify(spec.AlgorithmSpecification ?? null))
  const channels = spec.InputDataConfig?.length ?? 0
  const fileMode = (spec.AlgorithmSpecification?.TrainingInputMode ?? 'File') === 'File'
  const plan: TrainingPlan = {
    starting: 60 + (h % 60),
    downloading: channels === 0 ? 0 : fileMode ? 15 + 10 * channels + ((h >>> 6) % 20) : 5,
    training: 150 + ((h >>> 12) % 240),
    uploading: 10 + ((h >>> 20) % 20),
  }
  const failure = spec.Environment?.[FAILURE_VARIABLE]
  return failure === undefined ? plan : failingPartWay(plan, failure)
}

/** The job fails 40% of the way through training, with an AlgorithmError. */
function failingPartWay(plan: TrainingPlan, reason: string): TrainingPlan {
  return { ...plan, failAfter: Math.round(plan.training * 0.4), failureReason: `AlgorithmError: ${reason}` }
}

/** A name glob: `*` any run of characters, `?` one; the whole name must match, in any case (names are). */
function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${body}$`, 'i')
}

/** Stores a new training job; CreateTrainingJob and tuning jobs both come through here. */
export function insertTrainingJob(ctx: Context, name: string, spec: TrainingSpec, tags: Tag[], at: number, tuning?: TuningLink, planned = planFor(name, spec)): TrainingJobRecord {
  const glob = planned.failureReason === undefined ? ctx.failTrainingJobs?.find((g) => globRegExp(g).test(name)) : undefined
  const plan = glob === undefined ? planned : failingPartWay(planned, `simulated failure (--fail-training-jobs ${glob})`)
  const job: TrainingJobRecord = { name, arn: trainingJobArn(ctx, name), spec: withServerDefaults(spec), tags, creationTime: at, plan, ...(tuning ? { tuning } : {}) }
  ctx.store.trainingJobs.set(name.toLowerCase(), job)
  ctx.store.dirty = true
  return job
}

interface Transition {
  Status: string
  StartTime: number
  EndTime?: number
  StatusMessage: string
}

type Primary = 'Completed' | 'Stopped' | 'Failed'

/** The whole history of a job, future included, as fixed by its plan and stop request. */
interface Timeline {
  transitions: Transition[]
  primary: Primary
  end: number
  /** When the instances were ready (end of Starting), if the job got that far. */
  trainingStart?: number
  /** Fraction of the Training phase that ran. */
  trained: number
  failureReason?: string
}

const timelines = new WeakMap<TrainingJobRecord, { stop: number | undefined; timeline: Timeline }>()

function timelineOf(job: TrainingJobRecord): Timeline {
  const cached = timelines.get(job)
  if (cached && cached.stop === job.stopRequestedAt) return cached.timeline
  const timeline = computeTimeline(job)
  timelines.set(job, { stop: job.stopRequestedAt, timeline })
  return timeline
}

/** When the job ends or will end, as things stand. */
export function endOf(job: TrainingJobRecord): number {
  return timelineOf(job).end
}

function computeTimeline(job: TrainingJobRecord): Timeline {
  const { plan, spec } = job
  const phases: Transition[] = []
  let t = job.creationTime
  const phase = (Status: string, seconds: number, StatusMessage: string) => {
    if (seconds <= 0) return
    const end = roundTime(t + seconds)
    phases.push({ Status, StartTime: t, EndTime: end, StatusMessage })
    t = end
  }
  phase('Starting', plan.starting, 'Preparing the instances for training')
  const trainingStart = t
  phase('Downloading', plan.downloading, 'Downloading input data')
  const trainingPhaseStart = t
  phase('Training', plan.training, 'Training image download completed. Training in progress.')
  phase('Uploading', plan.uploading, 'Uploading generated training model')
  const naturalEnd = t

  const cuts: Array<{ at: number; kind: string }> = []
  const addCut = (from: number, seconds: number | undefined, kind: string) => {
    if (seconds !== undefined) cuts.push({ at: roundTime(from + seconds), kind })
  }
  addCut(trainingPhaseStart, plan.failAfter, 'Failed')
  addCut(trainingPhaseStart, plan.earlyStopAfter, 'EarlyStop')
  addCut(trainingStart, spec.StoppingCondition?.MaxRuntimeInSeconds, 'MaxRuntimeExceeded')
  if (spec.EnableManagedSpotTraining) addCut(job.creationTime, spec.StoppingCondition?.MaxWaitTimeInSeconds, 'MaxWaitTimeExceeded')
  if (job.stopRequestedAt !== undefined) cuts.push({ at: job.stopRequestedAt, kind: 'Stop' })
  const first = cuts.filter((c) => c.at < naturalEnd).sort((a, b) => a.at - b.at)[0]

  const trained = (at: number) => Math.min(1, Math.max(0, (at - trainingPhaseStart) / plan.training))
  const reachedTraining = (at: number) => (at > trainingStart ? { trainingStart } : {})
  if (!first) {
    return { transitions: [...phases, terminal('Completed', naturalEnd, 'Training job completed')], primary: 'Completed', end: naturalEnd, trainingStart, trained: 1 }
  }
  const before = phases.filter((p) => p.StartTime < first.at).map((p) => ({ ...p, EndTime: Math.min(p.EndTime as number, first.at) }))
  switch (first.kind) {
    case 'Failed':
      return {
        transitions: [...before, terminal('Failed', first.at, `Training job failed. ${plan.failureReason}`)],
        primary: 'Failed',
        end: first.at,
        ...reachedTraining(first.at),
        trained: trained(first.at),
        failureReason: plan.failureReason as string,
      }
    case 'MaxRuntimeExceeded':
    case 'MaxWaitTimeExceeded':
      return {
        transitions: [...before, terminal(first.kind, first.at, `Training job stopped because it exceeded ${first.kind === 'MaxRuntimeExceeded' ? 'MaxRuntimeInSeconds' : 'MaxWaitTimeInSeconds'}`)],
        primary: 'Stopped',
        end: first.at,
        ...reachedTraining(first.at),
        trained: trained(first.at),
      }
    default: {
      const end = roundTime(first.at + STOPPING_SECONDS)
      const message = first.kind === 'EarlyStop' ? 'Training job stopped early by the hyperparameter tuning job' : 'Training job stopped'
      return {
        transitions: [...before, { Status: 'Stopping', StartTime: first.at, EndTime: end, StatusMessage: 'Stopping the training job' }, terminal('Stopped', end, message)],
        primary: 'Stopped',
        end,
        ...reachedTraining(first.at),
        trained: trained(first.at),
      }
    }
  }
}

function terminal(Status: string, at: number, StatusMessage: string): Transition {
  return { Status, StartTime: at, EndTime: at, StatusMessage }
}

export interface TrainingState {
  status: 'InProgress' | 'Stopping' | Primary
  secondary: string
  transitions: Transition[]
  trainingStart?: number
  /** The terminal time, once reached. */
  end?: number
  lastModified: number
  failureReason?: string
  metrics?: Array<{ MetricName: string; Value: number; Timestamp: number }>
  /** The tuning objective's final value, for tuning jobs' children that produced one. */
  objectiveValue?: number
}

const STARTING_MESSAGES = ['Starting the training job', 'Launching requested ML instances', 'Preparing the instances for training']

export function trainingState(job: TrainingJobRecord, at: number): TrainingState {
  const timeline = timelineOf(job)
  const transitions = timeline.transitions
    .filter((tr) => tr.StartTime <= at)
    .map((tr): Transition => {
      if (tr.EndTime !== undefined && tr.EndTime <= at) return tr
      const open: Transition = { Status: tr.Status, StartTime: tr.StartTime, StatusMessage: tr.StatusMessage }
      if (tr.Status === 'Starting') {
        const share = (at - tr.StartTime) / ((tr.EndTime as number) - tr.StartTime)
        open.StatusMessage = STARTING_MESSAGES[Math.min(2, Math.floor(share * 3))] as string
      }
      return open
    })
  const current = transitions.at(-1) as Transition
  const ended = timeline.end <= at
  const status = ended ? timeline.primary : current.Status === 'Stopping' ? 'Stopping' : 'InProgress'
  const lastModified = Math.max(current.StartTime, job.updatedAt ?? -Infinity, job.stopRequestedAt !== undefined && job.stopRequestedAt <= at ? job.stopRequestedAt : -Infinity)
  const state: TrainingState = { status, secondary: current.Status, transitions, lastModified }
  if (timeline.trainingStart !== undefined && timeline.trainingStart <= at) state.trainingStart = timeline.trainingStart
  if (!ended) return state
  state.end = timeline.end
  if (timeline.failureReason !== undefined) state.failureReason = timeline.failureReason
  if (timeline.primary !== 'Failed' && timeline.trained > 0) {
    const link = job.tuning
    state.metrics = metricNames(job).map((MetricName) => ({ MetricName, Value: metricValueAt(job, MetricName, timeline.trained), Timestamp: timeline.end }))
    if (link) state.objectiveValue = metricValueAt(job, link.objective.MetricName, timeline.trained)
  }
  return state
}

/** The metrics a job reports: its MetricDefinitions, with a tuning job's objective first when they lack it. */
export function metricNames(job: TrainingJobRecord): string[] {
  const link = job.tuning
  const names = (job.spec.AlgorithmSpecification?.MetricDefinitions ?? []).map((d) => d.Name)
  if (link && !names.includes(link.objective.MetricName)) names.unshift(link.objective.MetricName)
  return names
}

/**
 * A metric's value once the job has run the share `trained` (0..1) of its Training phase: FinalMetricDataList holds
 * the value at the point the job ended, and the logs the values along the way. A partly trained model is a worse model.
 */
export function metricValueAt(job: TrainingJobRecord, name: string, trained: number): number {
  const progress = 0.6 + 0.4 * trained
  const link = job.tuning
  const hyperParameters = canonical(job.spec.HyperParameters)
  return link && name === link.objective.MetricName
    ? objectiveValue(link.objective.Type, link.fit * progress, link.definitionName, link.tuned)
    : metricValue(directionOf(name), hashUnit(name, hyperParameters) * progress, `${name}${hyperParameters}`)
}

/** What a job's logs are made of: when its container ran, how it ended. Fixed as things stand (a stop changes it). */
export interface RunFacts {
  /** TrainingStartTime, when the container starts; absent when the job ended before its instances were ready. */
  trainingStart?: number
  /** When the Training secondary status began, if the job got that far. */
  trainingPhaseStart?: number
  /** The planned length of the Training phase. */
  trainingSeconds: number
  /** When the job ends (TrainingEndTime). */
  end: number
  /** The last secondary status: Completed, Failed, Stopped, MaxRuntimeExceeded or MaxWaitTimeExceeded. */
  outcome: string
  /** Its status message, which tells a stop request from a tuning job's early stopping. */
  outcomeMessage: string
  /** When the algorithm stopped running: the end of the Training phase, or the moment a failure or stop cut it. */
  stoppedAt: number
  failureReason?: string
}

export function runFacts(job: TrainingJobRecord): RunFacts {
  const timeline = timelineOf(job)
  const last = timeline.transitions.at(-1) as Transition
  const training = timeline.transitions.find((tr) => tr.Status === 'Training')
  const stopping = timeline.transitions.find((tr) => tr.Status === 'Stopping')
  return {
    ...(timeline.trainingStart === undefined ? {} : { trainingStart: timeline.trainingStart }),
    ...(training ? { trainingPhaseStart: training.StartTime } : {}),
    trainingSeconds: job.plan.training,
    end: timeline.end,
    outcome: last.Status,
    outcomeMessage: last.StatusMessage,
    stoppedAt: stopping?.StartTime ?? (last.Status === 'Completed' ? (training?.EndTime ?? timeline.end) : timeline.end),
    ...(timeline.failureReason === undefined ? {} : { failureReason: timeline.failureReason }),
  }
}

/** Whether SageMaker uploaded a model: after a completed run, or a stopped one that had started training. */
function modelArtifacts(job: TrainingJobRecord, state: TrainingState): JsonObject | undefined {
  if (state.end === undefined || state.status === 'Failed' || timelineOf(job).trained === 0) return undefined
  const base = job.spec.OutputDataConfig.S3OutputPath.replace(/\/+$/, '')
  const compressed = job.spec.OutputDataConfig.CompressionType !== 'NONE'
  return { S3ModelArtifacts: `${base}/${job.name}/output/${compressed ? 'model.tar.gz' : 'model/'}` }
}

/** Everything Describe and Search show about a job, before it is cut down to the output shape. */
function trainingView(job: TrainingJobRecord, at: number): JsonObject {
  const state = trainingState(job, at)
  const view: JsonObject = {
    ...job.spec,
    TrainingJobName: job.name,
    TrainingJobArn: job.arn,
    TuningJobArn: job.tuning?.arn,
    ModelArtifacts: modelArtifacts(job, state),
    TrainingJobStatus: state.status,
    SecondaryStatus: state.secondary,
    FailureReason: state.failureReason,
    CreationTime: roundTime(job.creationTime),
    TrainingStartTime: state.trainingStart === undefined ? undefined : roundTime(state.trainingStart),
    LastModifiedTime: roundTime(state.lastModified),
    SecondaryStatusTransitions: state.transitions.map((tr) => ({
      ...tr,
      StartTime: roundTime(tr.StartTime),
      ...(tr.EndTime === undefined ? {} : { EndTime: roundTime(tr.EndTime) }),
    })),
    FinalMetricDataList: state.metrics,
    ProfilingStatus: job.spec.ProfilerConfig === undefined ? undefined : (job.spec.ProfilerConfig as JsonObject).DisableProfiler === true ? 'Disabled' : 'Enabled',
  }
  if (state.end !== undefined && state.trainingStart !== undefined) {
    const seconds = Math.max(1, Math.round(state.end - state.trainingStart))
    view.TrainingEndTime = roundTime(state.end)
    view.TrainingTimeInSeconds = seconds
    view.BillableTimeInSeconds = job.spec.EnableManagedSpotTraining ? Math.max(1, Math.round(seconds * SPOT_BILLED_SHARE)) : seconds
  }
  return view
}

/** SearchRecord.TrainingJob: the description plus the job's tags. */
export function trainingSearchEntity(job: TrainingJobRecord, at: number): JsonObject {
  return pickMembers('TrainingJob', { ...trainingView(job, at), Tags: job.tags as unknown as Json })
}

function existing(ctx: Context, input: JsonObject): TrainingJobRecord {
  const job = ctx.store.trainingJob(String(input.TrainingJobName))
  if (!job) throw trainingJobNotFound()
  return job
}

/** Asks a job to stop at `at`; only an InProgress job can be stopped. */
export function requestStop(job: TrainingJobRecord, at: number): void {
  const { status } = trainingState(job, at)
  if (status !== 'InProgress') throw validationError(`The request was rejected because the training job is in status ${status}.`)
  job.stopRequestedAt = at
}

export function createTrainingJob(ctx: Context, input: JsonObject): JsonObject {
  const { TrainingJobName, Tags, ...spec } = input
  const name = String(TrainingJobName)
  checkTrainingSpec(spec as TrainingSpec)
  const clash = ctx.store.trainingJob(name)
  if (clash) {
    throw resourceInUse(`Training job names must be unique within an AWS account and region, and a training job with this name already exists (${clash.arn})`)
  }
  checkTrainingJobQuotas(ctx, spec as TrainingSpec)
  const job = insertTrainingJob(ctx, name, spec as TrainingSpec, (Tags ?? []) as unknown as Tag[], ctx.now)
  return { TrainingJobArn: job.arn }
}

export function describeTrainingJob(ctx: Context, input: JsonObject): JsonObject {
  return pickMembers('DescribeTrainingJobResponse', trainingView(existing(ctx, input), ctx.now))
}

export function stopTrainingJob(ctx: Context, input: JsonObject): JsonObject {
  requestStop(existing(ctx, input), ctx.now)
  ctx.store.dirty = true
  return {}
}

export function deleteTrainingJob(ctx: Context, input: JsonObject, keepSummary: (job: TrainingJobRecord) => void): JsonObject {
  const job = existing(ctx, input)
  const { status } = trainingState(job, ctx.now)
  if (status === 'InProgress' || status === 'Stopping') {
    throw resourceInUse(`Training job ${job.name} is in status ${status}. You can delete only training jobs that are in a terminal state (Stopped, Failed, or Completed).`)
  }
  keepSummary(job)
  ctx.store.trainingJobs.delete(job.name.toLowerCase())
  ctx.store.dirty = true
  return {}
}

/** Only the profiler, its rules, warm pool retention and remote debugging can change after creation. */
export function updateTrainingJob(ctx: Context, input: JsonObject): JsonObject {
  const job = existing(ctx, input)
  const { status } = trainingState(job, ctx.now)
  const profiling = input.ProfilerConfig !== undefined || input.ProfilerRuleConfigurations !== undefined || input.RemoteDebugConfig !== undefined
  if (profiling && status !== 'InProgress') {
    throw validationError(`The profiler and remote debug configuration of training job ${job.name} can be updated only while it is InProgress, and it is ${status}.`)
  }
  const spec = job.spec
  if (input.ProfilerConfig !== undefined) spec.ProfilerConfig = { ...(spec.ProfilerConfig as JsonObject | undefined), ...(input.ProfilerConfig as JsonObject) }
  if (input.ProfilerRuleConfigurations !== undefined) {
    const rules = new Map<string, JsonObject>()
    for (const rule of [...((spec.ProfilerRuleConfigurations ?? []) as JsonObject[]), ...(input.ProfilerRuleConfigurations as JsonObject[])]) rules.set(String(rule.RuleConfigurationName), rule)
    spec.ProfilerRuleConfigurations = [...rules.values()]
  }
  if (input.ResourceConfig !== undefined) spec.ResourceConfig = { ...spec.ResourceConfig, ...(input.ResourceConfig as JsonObject) }
  if (input.RemoteDebugConfig !== undefined) spec.RemoteDebugConfig = { ...(spec.RemoteDebugConfig as JsonObject | undefined), ...(input.RemoteDebugConfig as JsonObject) }
  job.updatedAt = ctx.now
  ctx.store.dirty = true
  return { TrainingJobArn: job.arn }
}

export function listTrainingJobs(ctx: Context, input: JsonObject): JsonObject {
  const rows = [...ctx.store.trainingJobs.values()]
    .map((job) => ({ job, state: trainingState(job, ctx.now) }))
    .filter(({ job, state }) => matchesListFilters(input, { name: job.name, status: state.status, creationTime: job.creationTime, lastModifiedTime: state.lastModified }))
    // No simulated job keeps a warm pool, and training plans are matched on the job's ResourceConfig.
    .filter(({ job }) => input.WarmPoolStatusEquals === undefined && (input.TrainingPlanArnEquals === undefined || job.spec.ResourceConfig?.TrainingPlanArn === input.TrainingPlanArnEquals))
  const sortBy = input.SortBy ?? 'CreationTime'
  const page = paginate(
    rows,
    ({ job, state }) => (sortBy === 'Name' ? job.name : sortBy === 'Status' ? state.status : job.creationTime),
    ({ job }) => job.name,
    pageRequest(input, 'ListTrainingJobs'),
  )
  return {
    TrainingJobSummaries: page.items.map(({ job, state }) =>
      pickMembers('TrainingJobSummary', {
        TrainingJobName: job.name,
        TrainingJobArn: job.arn,
        CreationTime: roundTime(job.creationTime),
        TrainingEndTime: state.end === undefined || state.trainingStart === undefined ? undefined : roundTime(state.end),
        LastModifiedTime: roundTime(state.lastModified),
        TrainingJobStatus: state.status,
        SecondaryStatus: state.secondary,
        TrainingPlanArn: job.spec.ResourceConfig?.TrainingPlanArn,
      }),
    ),
    NextToken: page.nextToken,
  }
}

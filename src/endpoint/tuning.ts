// Hyperparameter tuning jobs: validation, launching training jobs per strategy, bookkeeping and the operations.
//
// Launch decisions are replayed lazily: before each request, every unfinished tuning job is advanced event by event
// (a child ending frees a slot) up to the current simulated time, launching children with the creation time of the
// event that freed their slot. Strategies only use results known at that moment, so the outcome does not depend on
// how often clients poll. Children are named `<tuning job>-<3-digit index>-<8 hex>` like the service's, carry the
// tuning job's tags, TunedHyperParameters and the `_tuning_objective_metric` hyperparameter the service adds.
//
// Strategies: Random draws from a generator seeded with RandomSeed (or the job name); Bayesian draws randomly until
// three results are in, then samples around the best configuration so far; Grid walks every combination of the
// categorical ranges (the only kind it accepts) and infers the number of jobs from them; Hyperband samples like
// Random and stops a job early when, at launch, its result would be worse than the median so far (early stopping
// Auto does the same for the other strategies).
//
// Ending: the tuning job completes when every launched job has ended and no more may be launched, or as soon as a
// completion criterion holds (TargetObjectiveMetricValue reached, BestObjectiveNotImproving) or
// ResourceLimits.MaxRuntimeInSeconds has passed; jobs still running then are stopped, and the tuning job reports
// Completed once they have. It reports Failed when every training job failed, and Stopping/Stopped after
// StopHyperParameterTuningJob, which stops its running jobs.
import { checkTuningJobQuotas } from './quotas.js'
import { resourceInUse, tuningJobNotFound, validationError } from './errors.js'
import { matchesListFilters, pageRequest, paginate } from './listing.js'
import { pickMembers, roundTime } from './model.js'
import { hashHex, hashInt, seededRandom } from './random.js'
import { fitOf, gridPoint, gridSize, isBetter, objectiveValue, parseRanges, sampleNear, sampleRandom, type Range } from './strategies.js'
import { tuningJobArn, type ChildRef, type Context, type TrainingJobRecord, type TuningJobRecord } from './store.js'
import { checkAlgorithmAndStopping, endOf, insertTrainingJob, planFor, requestStop, trainingState } from './training.js'
import type { Json, JsonObject, Objective, ObjectiveType, Tag, TrainingJobDefinition, TrainingSpec, TuningSpec } from './types.js'

/** The service takes a little while to launch the first training jobs. */
const LAUNCH_DELAY_SECONDS = 20
/** MaxNumberOfTrainingJobs when left out: the default quota "Maximum number of training jobs that each hyperparameter tuning job can create". */
const MAX_JOBS_PER_TUNING_JOB = 750
/** Keys HyperbandStrategyConfig reads MaxResource from when it is not given. */
const EPOCH_KEYS = ['epochs', 'numepochs', 'n-epochs', 'n_epochs', 'num_epochs']
const MAX_HYPERBAND_RESOURCE = 20000
/** Share of training an early-stopped job runs when Hyperband's resources do not say otherwise. */
const EARLY_STOP_SHARE = 0.3

interface Definition {
  definition: TrainingJobDefinition
  name?: string
  objective: Objective
  ranges: Range[]
}

interface Setup {
  definitions: Definition[]
  maxJobs: number
  /** For Grid: which definition and combination each child gets, in launch order. */
  grid?: Array<{ definition: Definition; point: number }>
  earlyStopShare?: number
}

function definitionsOf(spec: TuningSpec): Definition[] {
  const config = spec.HyperParameterTuningJobConfig
  const list = spec.TrainingJobDefinitions ?? (spec.TrainingJobDefinition ? [spec.TrainingJobDefinition] : [])
  const names = new Set<string>()
  return list.map((definition) => {
    checkAlgorithmAndStopping(definition.AlgorithmSpecification, definition.EnableManagedSpotTraining, definition.StoppingCondition)
    if ((definition.ResourceConfig === undefined) === (definition.HyperParameterTuningResourceConfig === undefined)) {
      throw validationError('You must specify either ResourceConfig or HyperParameterTuningResourceConfig in a training job definition, but not both.')
    }
    if (spec.TrainingJobDefinitions !== undefined) {
      if (definition.DefinitionName === undefined) throw validationError('DefinitionName is required for each training job definition in TrainingJobDefinitions.')
      if (names.has(definition.DefinitionName)) throw validationError(`Training job definition names must be unique. ${definition.DefinitionName} is used more than once.`)
      names.add(definition.DefinitionName)
    }
    const objective = definition.TuningObjective ?? config.HyperParameterTuningJobObjective
    if (!objective) throw validationError('You must specify the objective metric: HyperParameterTuningJobObjective in HyperParameterTuningJobConfig, or TuningObjective in each training job definition.')
    const rangeSpec = definition.HyperParameterRanges ?? config.ParameterRanges
    if (!rangeSpec && spec.Autotune === undefined) {
      throw validationError('You must specify the hyperparameter ranges: ParameterRanges in HyperParameterTuningJobConfig, or HyperParameterRanges in each training job definition.')
    }
    const ranges = parseRanges(rangeSpec ?? {})
    for (const range of ranges) {
      if (definition.StaticHyperParameters?.[range.name] !== undefined) {
        throw validationError(`Hyperparameter ${range.name} cannot be both a static hyperparameter and a tunable hyperparameter.`)
      }
    }
    return { definition, ...(definition.DefinitionName === undefined ? {} : { name: definition.DefinitionName }), objective, ranges }
  })
}

function setupOf(spec: TuningSpec): Setup {
  const config = spec.HyperParameterTuningJobConfig
  const definitions = definitionsOf(spec)
  const limit = config.ResourceLimits.MaxNumberOfTrainingJobs
  if (config.StrategyConfig !== undefined && config.Strategy !== 'Hyperband') throw validationError('StrategyConfig can be specified only for the Hyperband strategy.')
  if (config.Strategy === 'Grid') {
    if (definitions.some((d) => d.ranges.some((r) => r.kind !== 'Categorical'))) {
      throw validationError('The Grid strategy supports only categorical hyperparameter ranges.')
    }
    const grid = definitions.flatMap((definition) => Array.from({ length: gridSize(definition.ranges) }, (_, point) => ({ definition, point })))
    if (limit !== undefined && limit !== grid.length) {
      throw validationError(`For the Grid strategy, MaxNumberOfTrainingJobs (${limit}) must equal the number of distinct categorical combinations (${grid.length}).`)
    }
    return { definitions, maxJobs: grid.length, grid }
  }
  if (config.Strategy === 'Hyperband') {
    if (config.TrainingJobEarlyStoppingType === 'Auto') throw validationError('TrainingJobEarlyStoppingType must be OFF to use the Hyperband strategy.')
    const hyperband = config.StrategyConfig?.HyperbandStrategyConfig
    const statics = definitions[0]?.definition.StaticHyperParameters ?? {}
    const inferred = EPOCH_KEYS.map((key) => Number(statics[key])).find((n) => Number.isInteger(n) && n > 0)
    const maxResource = hyperband?.MaxResource ?? inferred
    if (maxResource === undefined) {
      throw validationError(`HyperbandStrategyConfig.MaxResource was not specified and could not be inferred from the StaticHyperParameters (${EPOCH_KEYS.join(', ')}).`)
    }
    if (maxResource > MAX_HYPERBAND_RESOURCE) throw validationError(`MaxResource (${maxResource}) must not exceed ${MAX_HYPERBAND_RESOURCE}.`)
    const minResource = hyperband?.MinResource ?? 1
    if (minResource > maxResource) throw validationError(`MinResource (${minResource}) must be less than or equal to MaxResource (${maxResource}).`)
    return { definitions, maxJobs: limit ?? MAX_JOBS_PER_TUNING_JOB, earlyStopShare: Math.max(minResource / maxResource, 0.1) }
  }
  return { definitions, maxJobs: limit ?? MAX_JOBS_PER_TUNING_JOB, ...(config.TrainingJobEarlyStoppingType === 'Auto' ? { earlyStopShare: EARLY_STOP_SHARE } : {}) }
}

export function createTuningJob(ctx: Context, input: JsonObject): JsonObject {
  const { HyperParameterTuningJobName, Tags, ...rest } = input
  const name = String(HyperParameterTuningJobName)
  const spec = structuredClone(rest) as TuningSpec
  const config = spec.HyperParameterTuningJobConfig
  if ((spec.TrainingJobDefinition === undefined) === (spec.TrainingJobDefinitions === undefined)) {
    throw validationError('You must specify either TrainingJobDefinition or TrainingJobDefinitions, but not both.')
  }
  const limits = config.ResourceLimits
  if (limits.MaxNumberOfTrainingJobs !== undefined && limits.MaxParallelTrainingJobs > limits.MaxNumberOfTrainingJobs) {
    throw validationError(`MaxParallelTrainingJobs (${limits.MaxParallelTrainingJobs}) must be less than or equal to MaxNumberOfTrainingJobs (${limits.MaxNumberOfTrainingJobs}).`)
  }
  const setup = setupOf(spec)
  for (const parent of spec.WarmStartConfig?.ParentHyperParameterTuningJobs ?? []) {
    const parentName = String(parent.HyperParameterTuningJobName)
    if (!ctx.store.tuningJob(parentName)) throw validationError(`The parent hyperparameter tuning job ${parentName} does not exist.`)
  }
  const clash = ctx.store.tuningJob(name)
  if (clash) {
    throw resourceInUse(`Hyperparameter tuning job names must be unique within an AWS account and region, and a hyperparameter tuning job with this name already exists (${clash.arn})`)
  }
  const running = [...ctx.store.tuningJobs.values()].filter((tj) => tuningStatus(ctx, tj, ctx.now) === 'InProgress').length
  checkTuningJobQuotas(ctx, { strategy: config.Strategy, maxJobs: setup.maxJobs, parallel: limits.MaxParallelTrainingJobs, runningTuningJobs: running, definitions: spec.TrainingJobDefinitions ?? (spec.TrainingJobDefinition ? [spec.TrainingJobDefinition] : []) })
  // TrainingJobEarlyStoppingType: "the default value is OFF"; Describe shows it.
  config.TrainingJobEarlyStoppingType ??= 'Off'
  const arn = tuningJobArn(ctx, name)
  const job: TuningJobRecord = {
    name,
    arn,
    spec,
    tags: (Tags ?? []) as unknown as Tag[],
    creationTime: ctx.now,
    seed: config.RandomSeed ?? hashInt('seed', name),
    maxJobs: setup.maxJobs,
    children: [],
    advancedTo: ctx.now + LAUNCH_DELAY_SECONDS,
  }
  ctx.store.tuningJobs.set(name.toLowerCase(), job)
  ctx.store.dirty = true
  return { HyperParameterTuningJobArn: arn }
}

interface ChildInfo {
  name: string
  creationTime: number
  /** Terminal time, possibly still ahead. */
  end: number
  ended: boolean
  status: string
  definitionName?: string
  tuned: Record<string, string>
  type: ObjectiveType
  objectiveValue?: number
  summary: JsonObject
}

function liveChild(ctx: Context, ref: ChildRef): TrainingJobRecord | undefined {
  return ref.final ? undefined : ctx.store.trainingJob(ref.name)
}

function endOfChild(ctx: Context, ref: ChildRef): number {
  const job = liveChild(ctx, ref)
  return job ? endOf(job) : (ref.final as { end: number }).end
}

function childInfo(ctx: Context, tj: TuningJobRecord, ref: ChildRef, at: number): ChildInfo {
  const job = liveChild(ctx, ref)
  if (!job) {
    const { end, summary } = ref.final as { end: number; summary: JsonObject }
    const metric = summary.FinalHyperParameterTuningJobObjectiveMetric as { Value: number; Type: ObjectiveType } | undefined
    return {
      name: ref.name,
      creationTime: summary.CreationTime as number,
      end,
      ended: true,
      status: String(summary.TrainingJobStatus),
      ...(summary.TrainingJobDefinitionName === undefined ? {} : { definitionName: String(summary.TrainingJobDefinitionName) }),
      tuned: summary.TunedHyperParameters as Record<string, string>,
      type: metric?.Type ?? 'Maximize',
      ...(metric ? { objectiveValue: metric.Value } : {}),
      summary,
    }
  }
  const link = job.tuning as NonNullable<TrainingJobRecord['tuning']>
  const state = trainingState(job, at)
  const ended = state.end !== undefined
  const summary = pickMembers('HyperParameterTrainingJobSummary', {
    TrainingJobDefinitionName: link.definitionName,
    TrainingJobName: job.name,
    TrainingJobArn: job.arn,
    TuningJobName: tj.name,
    CreationTime: roundTime(job.creationTime),
    TrainingStartTime: state.trainingStart === undefined ? undefined : roundTime(state.trainingStart),
    TrainingEndTime: ended && state.trainingStart !== undefined ? roundTime(state.end as number) : undefined,
    TrainingJobStatus: state.status,
    TunedHyperParameters: link.tuned,
    FailureReason: state.failureReason,
    FinalHyperParameterTuningJobObjectiveMetric:
      state.objectiveValue === undefined ? undefined : { Type: link.objective.Type, MetricName: link.objective.MetricName, Value: state.objectiveValue },
    ObjectiveStatus: !ended ? 'Pending' : state.objectiveValue === undefined ? 'Failed' : 'Succeeded',
  })
  return {
    name: job.name,
    creationTime: job.creationTime,
    end: endOf(job),
    ended,
    status: state.status,
    ...(link.definitionName === undefined ? {} : { definitionName: link.definitionName }),
    tuned: link.tuned,
    type: link.objective.Type,
    ...(state.objectiveValue === undefined ? {} : { objectiveValue: state.objectiveValue }),
    summary,
  }
}

function bestOf(children: ChildInfo[]): ChildInfo | undefined {
  let best: ChildInfo | undefined
  for (const child of children) {
    if (child.objectiveValue === undefined || !child.ended) continue
    if (!best || isBetter(child.type, child.objectiveValue, best.objectiveValue as number)) best = child
  }
  return best
}

/** Completed children with a result, in the order they ended. */
function results(children: ChildInfo[]): ChildInfo[] {
  return children.filter((c) => c.ended && c.objectiveValue !== undefined).sort((a, b) => a.end - b.end || a.creationTime - b.creationTime)
}

function jobsSinceBest(children: ChildInfo[]): number {
  const done = results(children)
  const best = bestOf(done)
  return best ? done.length - 1 - done.indexOf(best) : 0
}

function completionCriteriaMet(tj: TuningJobRecord, done: ChildInfo[]): boolean {
  const criteria = tj.spec.HyperParameterTuningJobConfig.TuningJobCompletionCriteria
  if (!criteria) return false
  const target = criteria.TargetObjectiveMetricValue
  if (target !== undefined && done.some((c) => c.objectiveValue !== undefined && !isBetter(c.type, target, c.objectiveValue))) return true
  const patience = criteria.BestObjectiveNotImproving?.MaxNumberOfTrainingJobsNotImproving
  return patience !== undefined && jobsSinceBest(done) >= patience
}

/** Decides to finish at `at`: stops what still runs and records when the last child will have ended. */
function finish(ctx: Context, tj: TuningJobRecord, at: number): void {
  let end = at
  for (const ref of tj.children) {
    const job = liveChild(ctx, ref)
    if (!job) continue
    if (trainingState(job, at).status === 'InProgress') requestStop(job, at)
    end = Math.max(end, endOf(job))
  }
  tj.endedAt = end
  ctx.store.dirty = true
}

function launch(ctx: Context, tj: TuningJobRecord, setup: Setup, done: ChildInfo[], at: number): void {
  const index = tj.children.length
  const config = tj.spec.HyperParameterTuningJobConfig
  const rng = seededRandom(hashInt('launch', tj.seed, index))
  const slot = setup.grid?.[index]
  const definition = slot?.definition ?? (setup.definitions[index % setup.definitions.length] as Definition)
  const known = done.filter((c) => c.definitionName === definition.name && c.objectiveValue !== undefined)
  const best = bestOf(known)
  const tuned = slot
    ? gridPoint(definition.ranges, slot.point)
    : config.Strategy === 'Bayesian' && best && known.length >= 3
      ? sampleNear(definition.ranges, best.tuned, rng)
      : sampleRandom(definition.ranges, rng)
  // The random part keeps names unique when a tuning job is recreated; durations must not depend on it, or the same
  // request would not give the same tuning history.
  const prefix = `${tj.name}-${String(index + 1).padStart(3, '0')}`
  const name = `${prefix}-${hashHex(8, tj.arn, tj.creationTime, index)}`
  const spec = childSpec(definition, tuned)
  const plan = planFor(prefix, spec)
  const fit = fitOf(definition.ranges, tuned)
  if (setup.earlyStopShare !== undefined && known.length >= 3) {
    const values = known.map((c) => c.objectiveValue as number).sort((a, b) => a - b)
    const median = values[Math.floor(values.length / 2)] as number
    if (isBetter(definition.objective.Type, median, objectiveValue(definition.objective.Type, fit, definition.name, tuned))) {
      plan.earlyStopAfter = Math.round(plan.training * setup.earlyStopShare)
    }
  }
  const link = { arn: tj.arn, name: tj.name, ...(definition.name === undefined ? {} : { definitionName: definition.name }), tuned, objective: definition.objective, fit }
  insertTrainingJob(ctx, name, spec, structuredClone(tj.tags), at, link, plan)
  tj.children.push({ name })
}

/** The CreateTrainingJob request the tuning job makes for one child. */
function childSpec(definition: Definition, tuned: Record<string, string>): TrainingSpec {
  const d = definition.definition
  const tuningResources = d.HyperParameterTuningResourceConfig
  const instance = tuningResources?.InstanceConfigs?.[0] ?? tuningResources
  const spec: JsonObject = {
    RoleArn: d.RoleArn,
    AlgorithmSpecification: d.AlgorithmSpecification,
    HyperParameters: { ...d.StaticHyperParameters, ...tuned, _tuning_objective_metric: definition.objective.MetricName },
    InputDataConfig: d.InputDataConfig,
    VpcConfig: d.VpcConfig,
    OutputDataConfig: d.OutputDataConfig,
    ResourceConfig:
      d.ResourceConfig ??
      (instance && { InstanceType: instance.InstanceType, InstanceCount: instance.InstanceCount, VolumeSizeInGB: instance.VolumeSizeInGB, VolumeKmsKeyId: tuningResources?.VolumeKmsKeyId }),
    StoppingCondition: d.StoppingCondition,
    EnableNetworkIsolation: d.EnableNetworkIsolation,
    EnableInterContainerTrafficEncryption: d.EnableInterContainerTrafficEncryption,
    EnableManagedSpotTraining: d.EnableManagedSpotTraining,
    CheckpointConfig: d.CheckpointConfig,
    RetryStrategy: d.RetryStrategy,
    Environment: d.Environment,
  }
  return JSON.parse(JSON.stringify(spec)) as TrainingSpec
}

/** Replays launch decisions from where they stopped up to `now`. */
function advance(ctx: Context, tj: TuningJobRecord, now: number): void {
  if (tj.endedAt !== undefined || tj.advancedTo > now) return
  const setup = setupOf(tj.spec)
  const limits = tj.spec.HyperParameterTuningJobConfig.ResourceLimits
  const deadline = limits.MaxRuntimeInSeconds === undefined ? Infinity : tj.creationTime + limits.MaxRuntimeInSeconds
  let t = tj.advancedTo
  for (;;) {
    const children = tj.children.map((ref) => childInfo(ctx, tj, ref, t))
    const done = children.filter((c) => c.ended)
    if (t >= deadline || completionCriteriaMet(tj, done)) return finish(ctx, tj, t)
    for (let running = children.length - done.length; running < limits.MaxParallelTrainingJobs && tj.children.length < setup.maxJobs; running++) {
      launch(ctx, tj, setup, done, t)
    }
    const ends = tj.children.map((ref) => endOfChild(ctx, ref)).filter((end) => end > t)
    if (ends.length === 0) return finish(ctx, tj, t)
    if (tj.advancedTo !== t) {
      tj.advancedTo = t
      ctx.store.dirty = true
    }
    const next = Math.min(deadline, ...ends)
    if (next > now) return
    t = next
  }
}

export function advanceTuningJobs(ctx: Context): void {
  for (const tj of ctx.store.tuningJobs.values()) advance(ctx, tj, ctx.now)
}

function tuningStatus(ctx: Context, tj: TuningJobRecord, at: number, children?: ChildInfo[]): string {
  const ended = tj.endedAt !== undefined && tj.endedAt <= at
  if (tj.stopRequestedAt !== undefined) return ended ? 'Stopped' : 'Stopping'
  if (!ended) return 'InProgress'
  const all = children ?? tj.children.map((ref) => childInfo(ctx, tj, ref, at))
  return all.length > 0 && all.every((c) => c.status === 'Failed') ? 'Failed' : 'Completed'
}

function count<T>(items: T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length
}

/** Everything Describe, List and Search show about a tuning job, before it is cut down to the output shape. */
function tuningView(ctx: Context, tj: TuningJobRecord, at: number): JsonObject {
  const children = tj.children.map((ref) => childInfo(ctx, tj, ref, at))
  const status = tuningStatus(ctx, tj, at, children)
  const ended = status !== 'InProgress' && status !== 'Stopping'
  const events = children.flatMap((c) => [c.creationTime, ...(c.ended ? [c.end] : [])])
  const best = bestOf(children)
  const view: JsonObject = {
    ...tj.spec,
    HyperParameterTuningJobName: tj.name,
    HyperParameterTuningJobArn: tj.arn,
    HyperParameterTuningJobStatus: status,
    Strategy: tj.spec.HyperParameterTuningJobConfig.Strategy,
    ResourceLimits: tj.spec.HyperParameterTuningJobConfig.ResourceLimits,
    CreationTime: roundTime(tj.creationTime),
    HyperParameterTuningEndTime: ended ? roundTime(tj.endedAt as number) : undefined,
    LastModifiedTime: roundTime(Math.max(tj.creationTime, ...events, ended ? (tj.endedAt as number) : -Infinity, tj.stopRequestedAt ?? -Infinity)),
    TrainingJobStatusCounters: {
      Completed: count(children, (c) => c.status === 'Completed'),
      InProgress: count(children, (c) => !c.ended),
      RetryableError: 0,
      NonRetryableError: count(children, (c) => c.status === 'Failed'),
      Stopped: count(children, (c) => c.status === 'Stopped'),
    },
    ObjectiveStatusCounters: {
      Succeeded: count(children, (c) => c.ended && c.objectiveValue !== undefined),
      Pending: count(children, (c) => !c.ended),
      Failed: count(children, (c) => c.ended && c.objectiveValue === undefined),
    },
    BestTrainingJob: best?.summary,
    // Documented for IdenticalDataAndAlgorithm warm starts only: a TransferLearning job's objective is not comparable.
    OverallBestTrainingJob: tj.spec.WarmStartConfig?.WarmStartType === 'IdenticalDataAndAlgorithm' ? overallBest(ctx, tj, best, at)?.summary : undefined,
    FailureReason: status === 'Failed' ? 'All training jobs failed.' : undefined,
    TuningJobCompletionDetails: { NumberOfTrainingJobsObjectiveNotImproving: jobsSinceBest(children) },
    ConsumedResources: { RuntimeInSeconds: Math.round((ended ? (tj.endedAt as number) : at) - tj.creationTime) },
  }
  return view
}

/** With warm start, the best job among the training jobs this tuning job and its parents launched. */
function overallBest(ctx: Context, tj: TuningJobRecord, own: ChildInfo | undefined, at: number): ChildInfo | undefined {
  const candidates = own ? [own] : []
  for (const parent of tj.spec.WarmStartConfig?.ParentHyperParameterTuningJobs ?? []) {
    const parentJob = ctx.store.tuningJob(String(parent.HyperParameterTuningJobName))
    const parentBest = parentJob && bestOf(parentJob.children.map((ref) => childInfo(ctx, parentJob, ref, at)))
    if (parentBest) candidates.push(parentBest)
  }
  return bestOf(candidates)
}

function existing(ctx: Context, input: JsonObject): TuningJobRecord {
  const name = String(input.HyperParameterTuningJobName)
  const job = ctx.store.tuningJob(name)
  if (!job) throw tuningJobNotFound(name)
  return job
}

export function describeTuningJob(ctx: Context, input: JsonObject): JsonObject {
  return pickMembers('DescribeHyperParameterTuningJobResponse', tuningView(ctx, existing(ctx, input), ctx.now))
}

/** SearchRecord.HyperParameterTuningJob: the description plus the job's tags. */
export function tuningSearchEntity(ctx: Context, tj: TuningJobRecord): JsonObject {
  return pickMembers('HyperParameterTuningJobSearchEntity', { ...tuningView(ctx, tj, ctx.now), Tags: tj.tags as unknown as Json })
}

export function stopTuningJob(ctx: Context, input: JsonObject): JsonObject {
  const tj = existing(ctx, input)
  const status = tuningStatus(ctx, tj, ctx.now)
  if (status !== 'InProgress') throw validationError(`The request was rejected because the hyperparameter tuning job is in status ${status}.`)
  tj.stopRequestedAt = ctx.now
  finish(ctx, tj, ctx.now)
  return {}
}

export function deleteTuningJob(ctx: Context, input: JsonObject): JsonObject {
  const tj = existing(ctx, input)
  const status = tuningStatus(ctx, tj, ctx.now)
  if (status === 'InProgress' || status === 'Stopping') {
    throw validationError(`Hyperparameter tuning job ${tj.name} is in status ${status}. You can delete only tuning jobs that are in a terminal state (Completed, Stopped or Failed).`)
  }
  ctx.store.tuningJobs.delete(tj.name.toLowerCase())
  ctx.store.dirty = true
  return {}
}

/** Called before a child training job is deleted, so its tuning job still accounts for it. */
export function keepChildSummary(ctx: Context, job: TrainingJobRecord): void {
  const tj = job.tuning && ctx.store.tuningJob(job.tuning.name)
  const ref = tj?.arn === job.tuning?.arn ? tj?.children.find((c) => c.name === job.name && !c.final) : undefined
  if (!tj || !ref) return
  const info = childInfo(ctx, tj, ref, ctx.now)
  ref.final = { end: info.end, summary: info.summary }
}

export function listTuningJobs(ctx: Context, input: JsonObject): JsonObject {
  const rows = [...ctx.store.tuningJobs.values()]
    .map((tj) => tuningView(ctx, tj, ctx.now))
    .filter((view) =>
      matchesListFilters(input, {
        name: String(view.HyperParameterTuningJobName),
        status: String(view.HyperParameterTuningJobStatus),
        creationTime: view.CreationTime as number,
        lastModifiedTime: view.LastModifiedTime as number,
      }),
    )
  const sortBy = input.SortBy ?? 'Name'
  const page = paginate(
    rows,
    (view) => (sortBy === 'Status' ? String(view.HyperParameterTuningJobStatus) : sortBy === 'CreationTime' ? (view.CreationTime as number) : String(view.HyperParameterTuningJobName)),
    (view) => String(view.HyperParameterTuningJobName),
    pageRequest(input, 'ListHyperParameterTuningJobs'),
  )
  // The service lower-cases the ARN here alone (boto/boto3#4606): Create, Describe and Search keep the name's case, and
  // ListTags refuses the lower-cased one.
  const summary = (view: JsonObject) => pickMembers('HyperParameterTuningJobSummary', { ...view, HyperParameterTuningJobArn: String(view.HyperParameterTuningJobArn).toLowerCase() })
  return { HyperParameterTuningJobSummaries: page.items.map(summary), NextToken: page.nextToken }
}

export function listTuningJobChildren(ctx: Context, input: JsonObject): JsonObject {
  const tj = existing(ctx, input)
  const sortBy = input.SortBy ?? 'Name'
  const children = tj.children
    .map((ref) => childInfo(ctx, tj, ref, ctx.now))
    .filter((c) => input.StatusEquals === undefined || c.status === input.StatusEquals)
    // "If the value of this field is FinalObjectiveMetricValue, any training jobs that did not return an objective metric are not listed."
    .filter((c) => sortBy !== 'FinalObjectiveMetricValue' || c.objectiveValue !== undefined)
  const page = paginate(
    children,
    (c) => (sortBy === 'CreationTime' ? c.creationTime : sortBy === 'Status' ? c.status : sortBy === 'FinalObjectiveMetricValue' ? c.objectiveValue : c.name),
    (c) => c.name,
    pageRequest(input, `ListTrainingJobsForHyperParameterTuningJob:${tj.arn}`),
  )
  return { TrainingJobSummaries: page.items.map((c) => c.summary), NextToken: page.nextToken }
}

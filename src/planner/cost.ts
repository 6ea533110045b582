// The most a plan's new jobs can cost: pure arithmetic on the Create requests (instance count × MaxRuntimeInSeconds,
// in instance-hours per instance type) and, where an hourly price is known, dollars. No I/O: the prices come in.
//
// Assumptions, each an upper bound on what SageMaker can bill:
// - A training job is billed for at most StoppingCondition.MaxRuntimeInSeconds per instance; without it SageMaker
//   applies its default of 86400 s (one day). ResourceConfig.InstanceGroups (heterogeneous clusters) sum their counts
//   per instance type. Warm-pool keep-alive time (KeepAlivePeriodInSeconds) and storage volumes are not counted.
// - A tuning job launches at most ResourceLimits.MaxNumberOfTrainingJobs training jobs. Without it: for the Grid
//   strategy the number of categorical combinations (SageMaker runs each once); otherwise the default service quota
//   "Number of training jobs per hyperparameter tuning job", 750.
// - Its training jobs are sized by HyperParameterTuningResourceConfig when the definition has one (each of its
//   InstanceConfigs is an alternative SageMaker may pick), else by ResourceConfig. With several TrainingJobDefinitions
//   (or InstanceConfigs) any of them may run every job, so the bound is the largest: in dollars when every price is
//   known, else in instance-hours.
// - At most MaxParallelTrainingJobs run at once, so the wall time is at most ceil(jobs / parallel) × the longest
//   training job, capped by ResourceLimits.MaxRuntimeInSeconds; that cap also bounds billed time to
//   parallel × MaxRuntimeInSeconds per instance when it is the smaller figure.
// - Managed spot training is billed for training time only, at up to 90% less than on-demand; the bound stays at
//   on-demand prices (spot prices vary), and a spot job's wall time is MaxWaitTimeInSeconds when set.
import type { InstanceHours, JobCost, JobCostUnknown, PlanCost, PriceSource, TrainingJobsBasis } from '../plan/cost.js'
import { startsJob, type Plan, type ResourceChange } from '../plan/types.js'
import type { JsonValue } from '../model/state.js'
import { jobFamily } from '../config/module.js'

/** StoppingCondition.MaxRuntimeInSeconds when left out: "The default value is 1 day." */
export const DEFAULT_MAX_RUNTIME_SECONDS = 86400
/** Default quota "Number of training jobs per hyperparameter tuning job" (Resource Limits for Automatic Model Tuning). */
export const DEFAULT_MAX_TRAINING_JOBS = 750

export interface PriceQuote {
  usd_per_hour: number
  source: PriceSource
}

/** Hourly prices by instance type, and for the types without one, why (shown as "price unknown (why)"). */
export interface PriceBook {
  quotes: Readonly<Record<string, PriceQuote>>
  unknown?: Readonly<Record<string, string>>
}

interface Candidate {
  /** `definition "xgboost"`, `instance config 2`: set when there is more than one alternative. */
  label?: string
  instances: Array<{ instance_type: string; count: number }>
  runtime: number
  runtimeDefaulted: boolean
  spot: boolean
  /** The wall time of one training job at most. */
  wall: number
}

/** A job's size before prices: the alternatives it may run as, and for a tuning job its limits. */
export interface JobSize {
  kind: 'training' | 'tuning'
  candidates: Candidate[]
  jobs?: { count: number; basis: TrainingJobsBasis }
  parallel?: number
  /** ResourceLimits.MaxRuntimeInSeconds of a tuning job. */
  tuningRuntime?: number
}

class NotKnown extends Error {}

type JsonObject = { [key: string]: JsonValue }

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !('$unknown' in v)
}

/** A leaf: undefined when absent; throws NotKnown for a value known only after apply. */
function leaf(obj: JsonValue | undefined, key: string, path: string): JsonValue | undefined {
  if (!isObject(obj)) return undefined
  const v = obj[key]
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && '$unknown' in v) throw new NotKnown(`${path} depends on ${String(v.$unknown)}`)
  return v
}

function num(obj: JsonValue | undefined, key: string, path: string): number | undefined {
  const v = leaf(obj, key, path)
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

function str(obj: JsonValue | undefined, key: string, path: string): string | undefined {
  const v = leaf(obj, key, path)
  return typeof v === 'string' ? v : undefined
}

function list(obj: JsonValue | undefined, key: string, path: string): JsonValue[] | undefined {
  const v = leaf(obj, key, path)
  return Array.isArray(v) ? v : undefined
}

/** Counts per instance type, in first-seen order. */
function merge(instances: Array<{ instance_type: string; count: number }>): Array<{ instance_type: string; count: number }> {
  const out = new Map<string, number>()
  for (const { instance_type, count } of instances) out.set(instance_type, (out.get(instance_type) ?? 0) + count)
  return [...out].map(([instance_type, count]) => ({ instance_type, count }))
}

/** The instance sets one training job of this definition may run on: one, or one per InstanceConfigs entry. */
function instanceSets(def: JsonValue, base: string, tuning: boolean): Array<Array<{ instance_type: string; count: number }>> {
  const hrc = tuning ? leaf(def, 'HyperParameterTuningResourceConfig', base) : undefined
  if (isObject(hrc)) {
    const path = `${base}.HyperParameterTuningResourceConfig`
    const configs = list(hrc, 'InstanceConfigs', path)
    if (configs && configs.length > 0) {
      return configs.map((c, i) => {
        const type = str(c, 'InstanceType', `${path}.InstanceConfigs.${i}.InstanceType`)
        if (!type) throw new NotKnown(`${path}.InstanceConfigs.${i}.InstanceType is not set`)
        return [{ instance_type: type, count: num(c, 'InstanceCount', `${path}.InstanceConfigs.${i}.InstanceCount`) ?? 1 }]
      })
    }
    const type = str(hrc, 'InstanceType', `${path}.InstanceType`)
    if (type) return [[{ instance_type: type, count: num(hrc, 'InstanceCount', `${path}.InstanceCount`) ?? 1 }]]
  }
  const path = base ? `${base}.ResourceConfig` : 'ResourceConfig'
  const rc = leaf(def, 'ResourceConfig', path)
  const groups = list(rc, 'InstanceGroups', `${path}.InstanceGroups`)
  if (groups && groups.length > 0) {
    return [
      merge(
        groups.map((g, i) => {
          const type = str(g, 'InstanceType', `${path}.InstanceGroups.${i}.InstanceType`)
          if (!type) throw new NotKnown(`${path}.InstanceGroups.${i}.InstanceType is not set`)
          return { instance_type: type, count: num(g, 'InstanceCount', `${path}.InstanceGroups.${i}.InstanceCount`) ?? 1 }
        }),
      ),
    ]
  }
  const type = str(rc, 'InstanceType', `${path}.InstanceType`)
  if (!type) throw new NotKnown(`${path}.InstanceType is not set`)
  return [[{ instance_type: type, count: num(rc, 'InstanceCount', `${path}.InstanceCount`) ?? 1 }]]
}

function candidatesOf(def: JsonValue, base: string, tuning: boolean, definitionLabel?: string): Candidate[] {
  const sc = leaf(def, 'StoppingCondition', base ? `${base}.StoppingCondition` : 'StoppingCondition')
  const scPath = base ? `${base}.StoppingCondition` : 'StoppingCondition'
  const explicit = num(sc, 'MaxRuntimeInSeconds', `${scPath}.MaxRuntimeInSeconds`)
  const runtime = explicit ?? DEFAULT_MAX_RUNTIME_SECONDS
  const spot = leaf(def, 'EnableManagedSpotTraining', base ? `${base}.EnableManagedSpotTraining` : 'EnableManagedSpotTraining') === true
  const maxWait = spot ? num(sc, 'MaxWaitTimeInSeconds', `${scPath}.MaxWaitTimeInSeconds`) : undefined
  const sets = instanceSets(def, base, tuning)
  return sets.map((instances, i) => ({
    label: [definitionLabel, sets.length > 1 ? `instance config ${i + 1}` : undefined].filter(Boolean).join(', ') || undefined,
    instances,
    runtime,
    runtimeDefaulted: explicit === undefined,
    spot,
    wall: Math.max(runtime, maxWait ?? 0),
  }))
}

/** Grid search runs every categorical combination once: the sum over definitions of the products of value counts. */
function gridSize(request: JsonValue, definitions: Array<{ def: JsonValue; base: string }>): number | undefined {
  const shared = leaf(leaf(request, 'HyperParameterTuningJobConfig', 'HyperParameterTuningJobConfig'), 'ParameterRanges', 'HyperParameterTuningJobConfig.ParameterRanges')
  let total = 0
  for (const { def, base } of definitions) {
    const ranges = leaf(def, 'HyperParameterRanges', `${base}.HyperParameterRanges`) ?? shared
    const categorical = list(ranges, 'CategoricalParameterRanges', 'ParameterRanges.CategoricalParameterRanges')
    if (!categorical || categorical.length === 0) return undefined
    let product = 1
    for (const [i, range] of categorical.entries()) {
      const values = list(range, 'Values', `ParameterRanges.CategoricalParameterRanges.${i}.Values`)
      if (!values) return undefined
      product *= values.length
    }
    total += product
  }
  return total
}

/** The size of the job a change would create, or why it is known only after apply. */
export function jobSize(type: ResourceChange['type'], request: JsonValue): JobSize | JobCostUnknown {
  try {
    if (jobFamily(type) === 'training') return { kind: 'training', candidates: candidatesOf(request, '', false) }
    const config = leaf(request, 'HyperParameterTuningJobConfig', 'HyperParameterTuningJobConfig')
    const limitsPath = 'HyperParameterTuningJobConfig.ResourceLimits'
    const limits = leaf(config, 'ResourceLimits', limitsPath)
    const single = leaf(request, 'TrainingJobDefinition', 'TrainingJobDefinition')
    const many = list(request, 'TrainingJobDefinitions', 'TrainingJobDefinitions') ?? []
    const definitions = isObject(single) ? [{ def: single as JsonValue, base: 'TrainingJobDefinition' }] : many.map((def, i) => ({ def, base: `TrainingJobDefinitions.${i}` }))
    if (definitions.length === 0) return { unknown: 'no training job definition' }
    const candidates = definitions.flatMap(({ def, base }, i) => {
      const name = str(def, 'DefinitionName', `${base}.DefinitionName`)
      return candidatesOf(def, base, true, definitions.length > 1 ? `definition ${name ? JSON.stringify(name) : `${i + 1}`}` : undefined)
    })
    const max = num(limits, 'MaxNumberOfTrainingJobs', `${limitsPath}.MaxNumberOfTrainingJobs`)
    let jobs: JobSize['jobs']
    if (max !== undefined) jobs = { count: max, basis: 'manifest' }
    else {
      const grid = str(config, 'Strategy', 'HyperParameterTuningJobConfig.Strategy') === 'Grid' ? gridSize(request, definitions) : undefined
      jobs = grid !== undefined ? { count: grid, basis: 'grid' } : { count: DEFAULT_MAX_TRAINING_JOBS, basis: 'default-quota' }
    }
    // MaxParallelTrainingJobs is required; without it the safe bound runs the jobs one after another.
    const parallel = Math.max(1, Math.min(num(limits, 'MaxParallelTrainingJobs', `${limitsPath}.MaxParallelTrainingJobs`) ?? 1, jobs.count))
    const tuningRuntime = num(limits, 'MaxRuntimeInSeconds', `${limitsPath}.MaxRuntimeInSeconds`)
    return { kind: 'tuning', candidates, jobs, parallel, ...(tuningRuntime !== undefined ? { tuningRuntime } : {}) }
  } catch (error) {
    if (error instanceof NotKnown) return { unknown: error.message }
    throw error
  }
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

function priced(instance_type: string, hours: number, book: PriceBook): InstanceHours {
  const quote = book.quotes[instance_type]
  if (!quote) return { instance_type, hours: round(hours), usd_per_hour: null, price_source: null, usd: null, price_unknown_reason: book.unknown?.[instance_type] ?? 'no price' }
  return { instance_type, hours: round(hours), usd_per_hour: quote.usd_per_hour, price_source: quote.source, usd: round(hours * quote.usd_per_hour) }
}

function sumUsd(items: readonly InstanceHours[]): number | null {
  return items.some((i) => i.usd === null) ? null : round(items.reduce((s, i) => s + (i.usd ?? 0), 0))
}

/** The bound for a sized job at the given prices. */
export function jobCost(size: JobSize, book: PriceBook): JobCost {
  const jobs = size.jobs?.count ?? 1
  const parallel = size.parallel ?? 1
  const evaluated = size.candidates.map((c) => {
    // Billed seconds per instance: one job's runtime, or for a tuning job every job's, unless the tuning job's own
    // runtime limit (at most `parallel` jobs at a time) stops them sooner.
    const uncapped = jobs * c.runtime
    const cap = size.tuningRuntime !== undefined ? parallel * size.tuningRuntime : Infinity
    const seconds = Math.min(uncapped, cap)
    const instance_hours = c.instances.map((i) => priced(i.instance_type, (i.count * seconds) / 3600, book))
    return { c, capped: cap < uncapped, instance_hours, usd: sumUsd(instance_hours), hours: instance_hours.reduce((s, i) => s + i.hours, 0) }
  })
  const allPriced = evaluated.every((e) => e.usd !== null)
  const chosen = evaluated.reduce((best, e) => ((allPriced ? e.usd! > best.usd! : e.hours > best.hours) ? e : best))
  const longest = Math.max(...size.candidates.map((c) => c.wall))
  const wall = size.kind === 'training' ? chosen.c.wall : Math.min(Math.ceil(jobs / parallel) * longest, size.tuningRuntime ?? Infinity)
  return {
    instances: chosen.c.instances,
    max_runtime_seconds: chosen.c.runtime,
    max_runtime_defaulted: chosen.c.runtimeDefaulted,
    ...(size.kind === 'tuning' ? { training_jobs: jobs, training_jobs_basis: size.jobs!.basis, max_parallel_training_jobs: parallel } : {}),
    ...(size.tuningRuntime !== undefined ? { tuning_max_runtime_seconds: size.tuningRuntime } : {}),
    ...(size.candidates.length > 1 ? { definition: chosen.c.label, candidates: size.candidates.length } : {}),
    ...(chosen.capped ? { capped_by_tuning_runtime: true } : {}),
    wall_time_seconds: wall,
    managed_spot: chosen.c.spot,
    instance_hours: chosen.instance_hours,
    usd: chosen.usd,
  }
}

/** The changes that would create a job: only their cost is counted. */
export function costedChanges(plan: Pick<Plan, 'changes'>): ResourceChange[] {
  return plan.changes.filter((c) => startsJob(c) && c.after !== undefined)
}

/** Every instance type the plan's new jobs may run on, sorted: the prices to look up. */
export function instanceTypes(plan: Pick<Plan, 'changes'>): string[] {
  const types = new Set<string>()
  for (const change of costedChanges(plan)) {
    const size = jobSize(change.type, change.after!.request)
    if ('unknown' in size) continue
    for (const c of size.candidates) for (const i of c.instances) types.add(i.instance_type)
  }
  return [...types].sort()
}

/**
 * The plan with `cost` on each change that creates a job and a total on the plan; the plan unchanged when it creates
 * no job. `prices_as_of` dates the `aws` prices.
 */
export function withCost(plan: Plan, book: PriceBook, meta: { region: string | null; prices_as_of: string | null }): Plan {
  const costed = new Set(costedChanges(plan))
  if (costed.size === 0) return plan
  const byType = new Map<string, number>()
  const notCounted: string[] = []
  let spot = false
  const changes = plan.changes.map((change) => {
    if (!costed.has(change)) return change
    const size = jobSize(change.type, change.after!.request)
    if ('unknown' in size) {
      notCounted.push(change.address)
      return { ...change, cost: size }
    }
    const cost = jobCost(size, book)
    spot ||= cost.managed_spot
    for (const i of cost.instance_hours) byType.set(i.instance_type, (byType.get(i.instance_type) ?? 0) + i.hours)
    return { ...change, cost }
  })
  const instance_hours = [...byType].sort(([a], [b]) => (a < b ? -1 : 1)).map(([type, hours]) => priced(type, hours, book))
  const usedAws = instance_hours.some((i) => i.price_source === 'aws')
  const total: PlanCost = {
    region: meta.region,
    instance_hours,
    hours: round(instance_hours.reduce((s, i) => s + i.hours, 0)),
    usd: sumUsd(instance_hours),
    prices_as_of: usedAws ? meta.prices_as_of : null,
    managed_spot: spot,
    not_counted: notCounted,
  }
  return { ...plan, changes, cost: total }
}

// Warm-start compatibility, checked at plan time so the plan names the field that breaks it instead of SageMaker
// rejecting the job at apply. The rules are SageMaker's ("Run a Warm Start Hyperparameter Tuning Job"): the objective
// metric and the total number of static plus tunable hyperparameters stay the same, no hyperparameter changes its range
// type, at most 10 tunable-to-static or static-value changes, and with IdenticalDataAndAlgorithm the training image and
// the input data stay the same too.
import type { Diagnostics } from '../diagnostics/index.js'
import type { JobResource, WarmStartType } from '../model/types.js'
import { manifestPath } from '../model/validate.js'
import { digJson, hasUnknownJson, startsJob, type ResourceChange } from '../plan/types.js'
import type { JsonValue, State } from '../model/state.js'
import { canonicalJson, toJson } from './identity.js'

/** SageMaker's limit on tunable-to-static changes plus changed static values between a parent and its child. */
const MAX_HYPERPARAMETER_CHANGES = 10

const RANGE_KINDS = ['IntegerParameterRanges', 'ContinuousParameterRanges', 'CategoricalParameterRanges'] as const

export interface WarmStartParent {
  name: string
  /** The parent's Create request, when sageform knows it (from state or from this plan). */
  request?: JsonValue
}

interface Problem {
  /** API path of the field that breaks compatibility, for its manifest spelling and source location. */
  path: Array<string | number>
  detail: string
}

type Json = Record<string, JsonValue>

/** One error per parent the desired request cannot warm-start from; parents whose request is unknown are not checked. */
export function reportIncompatibleParents(resource: JobResource, type: WarmStartType, parents: readonly WarmStartParent[], diags: Diagnostics): void {
  const child = toJson(resource.request) as Json
  for (const parent of parents) {
    if (!isObject(parent.request)) continue
    for (const problem of incompatibilities(child, parent.request, type)) {
      const path = problem.path.join('.')
      const source = resource.sources.get(path) ?? resource.sources.get(problem.path.slice(0, -1).join('.'))
      diags.error('Warm start parent is incompatible', {
        detail: `${resource.address} cannot warm-start from ${parent.name} (${type}): ${problem.detail}`,
        address: resource.address,
        attribute: manifestPath(resource.kind.requestShape, problem.path, resource.kind.spelling),
        range: source?.range ?? resource.range,
        hint: type === 'IdenticalDataAndAlgorithm' && /image|input data/.test(problem.detail)
          ? 'Keep it as the parent had it, or use warm_start_type = "TransferLearning", which allows new data and a new image.'
          : 'Keep it as the parent had it, or start without warm start.',
      })
    }
  }
}

/**
 * Explicitly named parents (`warm_start_config { parent_hyper_parameter_tuning_jobs { ... } }`) are checked against the
 * request sageform knows for them: planned in this plan, or recorded in state for any resource.
 */
export function checkWarmStartParents(resource: JobResource, change: ResourceChange, state: State | undefined, planned: ReadonlyMap<string, ResourceChange>, diags: Diagnostics): void {
  if (!startsJob(change)) return
  const config = (toJson(resource.request) as Json).WarmStartConfig
  if (!isObject(config) || !Array.isArray(config.ParentHyperParameterTuningJobs) || typeof config.WarmStartType !== 'string') return
  const parents = config.ParentHyperParameterTuningJobs.flatMap((p) => (isObject(p) && typeof p.HyperParameterTuningJobName === 'string' ? [p.HyperParameterTuningJobName] : []))
  const known = knownRequests(state, planned)
  reportIncompatibleParents(resource, config.WarmStartType as WarmStartType, parents.map((name) => ({ name, request: known.get(name.toLowerCase()) })), diags)
}

function knownRequests(state: State | undefined, planned: ReadonlyMap<string, ResourceChange>): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>()
  for (const entry of Object.values(state?.resources ?? {})) {
    for (const record of [...entry.history, ...(entry.current ? [entry.current] : [])]) if (record.request) out.set(record.name.toLowerCase(), record.request)
  }
  for (const change of planned.values()) if (change.after?.name) out.set(change.after.name.toLowerCase(), change.after.request)
  return out
}

export function incompatibilities(child: Json, parent: Json, type: WarmStartType): Problem[] {
  const problems: Problem[] = []
  const objective = ['HyperParameterTuningJobConfig', 'HyperParameterTuningJobObjective']
  const childObjective = digJson(child, objective)
  const parentObjective = digJson(parent, objective)
  if (comparable(childObjective, parentObjective) && canonicalJson(childObjective) !== canonicalJson(parentObjective)) {
    problems.push({ path: [...objective, 'MetricName'], detail: `the objective metric changed from ${describeObjective(parentObjective)} to ${describeObjective(childObjective)}; it must stay the same.` })
  }
  const definition = ['TrainingJobDefinition']
  const c = hyperparameters(child)
  const p = hyperparameters(parent)
  if (c && p) {
    const childTotal = c.static.size + c.tuned.size
    const parentTotal = p.static.size + p.tuned.size
    if (childTotal !== parentTotal) {
      problems.push({ path: [...definition, 'StaticHyperParameters'], detail: `it has ${childTotal} static plus tuned hyperparameters and the parent ${parentTotal}; the total must stay the same (add a hyperparameter as static in the first generation if a later one may tune it).` })
    }
    for (const [name, kind] of c.tuned) {
      const before = p.tuned.get(name)
      if (before && before !== kind) problems.push({ path: ['HyperParameterTuningJobConfig', 'ParameterRanges', kind], detail: `hyperparameter ${name} changed from ${rangeNoun(before)} to ${rangeNoun(kind)}; a hyperparameter keeps its type.` })
    }
    const madeStatic = [...c.static.keys()].filter((name) => p.tuned.has(name)).length
    const changedValues = [...c.static].filter(([name, value]) => p.static.has(name) && p.static.get(name) !== value).length
    if (madeStatic + changedValues > MAX_HYPERPARAMETER_CHANGES) {
      problems.push({ path: [...definition, 'StaticHyperParameters'], detail: `${madeStatic} tuned hyperparameters became static and ${changedValues} static values changed; SageMaker allows at most ${MAX_HYPERPARAMETER_CHANGES} such changes.` })
    }
  }
  if (type === 'IdenticalDataAndAlgorithm') {
    for (const member of ['TrainingImage', 'AlgorithmName']) {
      const path = [...definition, 'AlgorithmSpecification', member]
      const now = digJson(child, path)
      const then = digJson(parent, path)
      if (comparable(now, then) && canonicalJson(now ?? null) !== canonicalJson(then ?? null)) {
        problems.push({ path, detail: `the training ${member === 'TrainingImage' ? 'image' : 'algorithm'} changed from ${String(then ?? '(none)')} to ${String(now ?? '(none)')}; IdenticalDataAndAlgorithm needs the parent's image and input data.` })
      }
    }
    const data = [...definition, 'InputDataConfig']
    const channels = digJson(child, data)
    const parentChannels = digJson(parent, data)
    if (comparable(channels, parentChannels) && canonicalJson(channels ?? null) !== canonicalJson(parentChannels ?? null)) {
      problems.push({ path: data, detail: `the input data channels differ from the parent's (${channelSummary(parentChannels)} → ${channelSummary(channels)}); IdenticalDataAndAlgorithm needs the parent's image and input data.` })
    }
  }
  return problems
}

/** Static hyperparameter values and tuned hyperparameters' range kinds of a single-definition tuning request. */
function hyperparameters(request: Json): { static: Map<string, string>; tuned: Map<string, string> } | undefined {
  const definition = request.TrainingJobDefinition
  if (!isObject(definition)) return undefined
  const statics = isObject(definition.StaticHyperParameters) ? definition.StaticHyperParameters : {}
  const ranges = digJson(request, ['HyperParameterTuningJobConfig', 'ParameterRanges'])
  const tuned = new Map<string, string>()
  for (const kind of RANGE_KINDS) {
    const list = isObject(ranges) ? ranges[kind] : undefined
    if (Array.isArray(list)) for (const range of list) if (isObject(range) && typeof range.Name === 'string') tuned.set(range.Name, kind)
  }
  if (hasUnknownJson(statics) || hasUnknownJson(ranges ?? null)) return undefined
  return { static: new Map(Object.entries(statics).map(([k, v]) => [k, String(v)])), tuned }
}

function rangeNoun(kind: string): string {
  return kind.replace('ParameterRanges', '').toLowerCase()
}

function describeObjective(objective: JsonValue | undefined): string {
  return isObject(objective) ? `${String(objective.Type)} ${String(objective.MetricName)}` : '(none)'
}

function channelSummary(channels: JsonValue | undefined): string {
  if (!Array.isArray(channels)) return 'none'
  return channels.map((c) => (isObject(c) ? String(c.ChannelName) : '?')).join(', ') || 'none'
}

/** Both sides known: a value still unknown until apply (or a parent recorded without it) is not compared. */
function comparable(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return !hasUnknownJson(a ?? null) && !hasUnknownJson(b ?? null) && (a !== undefined || b !== undefined)
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

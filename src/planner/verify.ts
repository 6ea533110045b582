// A saved plan is a file anyone could have edited between review and apply. Before anything is sent, every change is
// derived again from the configuration snapshot the plan carries and the state it was made against: what a job would
// be created with must be exactly what that configuration gives for its address, and a stop, update or delete must
// name a job the state holds for that address. The policy's limits are checked again on the plan as it stands.
import type { Configuration, JobResource } from '../model/types.js'
import { digJson, startsJob, type Plan, type ResourceChange } from '../plan/types.js'
import type { JobRecord, JsonValue, State } from '../model/state.js'
import { canonicalJson, jobName, specHash, toJson } from './identity.js'
import { resolveMoves } from './moves.js'
import { desiredIdentity, pendingJobs } from './planner.js'
import { policyViolations } from './policy.js'

/** One line per way the plan departs from its configuration and state; empty when it holds. */
export function savedPlanProblems(plan: Plan, recorded: State | undefined, config: Configuration): string[] {
  // Records as the plan saw them: moved blocks move them before anything else.
  const state = resolveMoves(config, recorded).state
  const resources = new Map(config.resources.map((r) => [r.address, r]))
  const problems: string[] = []
  const seen = new Set<string>()
  for (const change of plan.changes) {
    const key = `${change.address}\0${change.deposed ?? ''}`
    if (seen.has(key)) problems.push(`${change.address}: more than one change${change.deposed ? ` for job ${change.deposed}` : ''}`)
    seen.add(key)
    const problem = change.action === 'import' ? importProblem(change, resources.get(change.address), state, config) : changeProblem(change, resources.get(change.address), state)
    if (problem) problems.push(`${change.address}: ${problem}`)
  }
  for (const d of policyViolations(config.policy, plan, { costEstimated: false })) if (d.severity === 'error') problems.push(`${d.summary}: ${d.detail ?? ''}`)
  return problems
}

/** An import must be one an import block of the configuration declares, for a resource that has no job yet. */
function importProblem(change: ResourceChange, resource: JobResource | undefined, state: State | undefined, config: Configuration): string | undefined {
  if (!resource) return 'it is not in the configuration'
  if (!config.imports.some((t) => t.address === change.address && t.id === change.before?.name)) return `no import block imports job ${change.before?.name ?? '(none)'} to it`
  const current = state?.resources[change.address]?.current
  return current ? `the state already records job ${current.name} for it` : undefined
}

function changeProblem(change: ResourceChange, resource: JobResource | undefined, state: State | undefined): string | undefined {
  const entry = state?.resources[change.address]
  if (entry && entry.type !== change.type) return `the state holds a ${entry.type}, not a ${change.type}`
  if (resource && resource.kind.type !== change.type) return `the configuration declares a ${resource.kind.type}, not a ${change.type}`
  const records = entry ? [...entry.history, ...(entry.deposed ?? []), ...(entry.current ? [entry.current] : [])] : []
  const current = entry?.current
  const namesCurrent = () => (change.before?.name === current?.name ? undefined : `the state's current job is ${current?.name ?? 'none'}, not ${change.before?.name ?? 'none'}`)
  if (change.deposed && (change.action === 'stop' || change.action === 'no-op')) {
    if (change.before && change.deposed !== change.before.name) return `it names job ${change.before.name} but acts on ${change.deposed}`
    return pendingJobs(entry).some((r) => r.name === change.deposed) ? undefined : `the state holds no deposed job ${change.deposed} for it`
  }
  switch (change.action) {
    case 'stop': {
      if (!change.before) return entry ? undefined : 'the state holds no such resource'
      if (current?.name !== change.before.name) return `the state holds no job ${change.before.name} for it`
      if (resource) return 'it is in the configuration, so its job is not stopped'
      return undefined
    }
    case 'delete': {
      const job = change.deposed ?? change.before?.name
      const record = records.find((r) => r.name === job)
      if (!record) return `the state holds no job ${job ?? '(none)'} for it`
      return record.deleted_at ? `job ${job} was already deleted` : undefined
    }
    case 'update':
      if (!resource) return 'it is not in the configuration'
      return namesCurrent() ?? updateProblem(change, resource)
    case 'no-op':
      return change.before ? namesCurrent() : undefined
    case 'adopt':
    case 'create':
    case 'replace':
    case 'retune':
      if (!resource) return 'it is not in the configuration'
      if (!change.after) return 'it has no planned job'
      if ((change.action === 'replace' || change.action === 'retune') && change.before) return namesCurrent() ?? plannedJobProblem(change, resource, state, records)
      return plannedJobProblem(change, resource, state, records)
  }
}

/**
 * The planned job must be what the configuration gives: the same generation, spec hash, name, request and tags. A
 * warm_start_from_previous tuning job's parents are the planner's choice: they must be earlier jobs of this resource.
 */
function plannedJobProblem(change: ResourceChange, resource: JobResource, state: State | undefined, records: JobRecord[]): string | undefined {
  const after = change.after!
  const identity = desiredIdentity(resource, state?.resources[change.address], change.action === 'replace' || change.action === 'retune')
  if (startsJob(change) && after.generation !== identity.generation) return `it plans generation ${after.generation}, but the state gives generation ${identity.generation}`
  const hash = specHash(resource, after.generation)
  const expectedHash = typeof hash === 'string' ? hash : null
  if (after.spec_hash !== expectedHash) return `its spec hash ${after.spec_hash ?? 'null'} is not the configuration's (${expectedHash ?? 'known after apply'})`
  const name = jobName(resource, hash)
  if (after.name !== (typeof name === 'string' ? name : null)) return `its job name ${after.name ?? 'null'} is not the configuration's (${typeof name === 'string' ? name : 'known after apply'})`
  if (change.action === 'adopt') return change.before && change.before.name !== after.name ? `it adopts ${change.before.name}, not the configuration's job ${after.name}` : undefined
  const planned = after.request as Record<string, JsonValue>
  const desired = toJson(resource.request) as Record<string, JsonValue>
  if (resource.warmStartFromPrevious && planned && typeof planned === 'object' && 'WarmStartConfig' in planned) {
    const parents = (digJson(planned, ['WarmStartConfig', 'ParentHyperParameterTuningJobs']) ?? []) as Array<{ HyperParameterTuningJobName?: string }>
    const foreign = parents.map((p) => p.HyperParameterTuningJobName).filter((n) => !records.some((r) => r.name === n))
    if (foreign.length > 0) return `it warm-starts from ${foreign.join(', ')}, which ${foreign.length === 1 ? 'is not an earlier job' : 'are not earlier jobs'} of this resource`
    const { WarmStartConfig: _parents, ...rest } = planned
    const { WarmStartConfig: _type, ...desiredRest } = desired
    if (canonicalJson(rest) !== canonicalJson(desiredRest)) return 'its request is not the one its configuration gives'
  } else if (canonicalJson(planned) !== canonicalJson(desired)) return 'its request is not the one its configuration gives'
  if (canonicalJson(after.tags) !== canonicalJson(toJson(resource.tags as never))) return 'its tags are not the ones its configuration gives'
  return undefined
}

function updateProblem(change: ResourceChange, resource: JobResource): string | undefined {
  const desiredTags = toJson(resource.tags as never) as Record<string, JsonValue>
  for (const [key, value] of Object.entries(change.tag_changes?.set ?? {})) {
    if (desiredTags[key] !== value) return `it sets tag ${key} to a value its configuration does not give`
  }
  for (const key of change.tag_changes?.remove ?? []) if (key in desiredTags) return `it removes tag ${key}, which its configuration sets`
  const desired = toJson(resource.request) as Record<string, JsonValue>
  for (const [member, value] of Object.entries(change.training_job_update ?? {})) {
    const wanted = desired[member]
    const fits = value !== null && typeof value === 'object' && !Array.isArray(value) && wanted !== null && typeof wanted === 'object' && !Array.isArray(wanted)
      ? Object.entries(value).every(([inner, v]) => canonicalJson(v) === canonicalJson(digJson(wanted, [inner])))
      : canonicalJson(value) === canonicalJson(wanted)
    if (!fits) return `it updates ${member} to a value its configuration does not give`
  }
  return undefined
}

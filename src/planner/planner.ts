// The planner: a pure function of (desired model, state, remote snapshot) → plan. No I/O, so every action is covered
// by table-driven tests without a network.
import { Diagnostics } from '../diagnostics/index.js'
import { Unknown, findUnknown, isObject, toStringValue, unmarkDeep, type Value } from '../config/value.js'
import { jobFamily, type ResourceType } from '../config/module.js'
import { withDefaults } from '../model/defaults.js'
import { apiPathKey, isSensitivePath, type ApiObject, type ApiValue, type Configuration, type ImportTarget, type JobResource } from '../model/types.js'
import { manifestPath } from '../model/validate.js'
import { SENSITIVE_TEXT, digJson, startsJob, summarize, type AttributeChange, type Drift, type JobRef, type Plan, type PlannedJob, type ResourceChange, PLAN_FORMAT_VERSION } from '../plan/types.js'
import type { JobRecord, JsonValue, ResourceState, State } from '../model/state.js'
import { canonicalJson, identitySpec, jobName, specHash, toJson, UPDATABLE } from './identity.js'

export { toJson }
import { MAX_WARM_START_PARENTS } from '../model/api.js'
import { RUNNING_STATUSES, TERMINAL_STATUSES, TAG, userTags, type RemoteJob } from '../model/kinds.js'
import { checkWarmStartParents, reportIncompatibleParents } from './warm-start.js'
import { resolveMoves } from './moves.js'
import { targetChanges } from './target.js'
import { importsByAddress, sameRequest, tuningChildRefusal } from './imports.js'
import { addressFromTag, addressTag, normalizeAddress, resourceOf } from '../config/address.js'
import { shellWord } from '../util/shell.js'

/** What SageMaker said about the jobs the plan cares about, keyed by `remoteKey(type, name)`. */
export interface RemoteSnapshot {
  jobs: Map<string, RemoteJob>
}

export function remoteKey(type: ResourceType, name: string): string {
  // Names are unique per account and region without regard to case in practice; compare them that way.
  // A job is the same job whichever spelling of its resource type found it.
  return `${jobFamily(type)}:${name.toLowerCase()}`
}

export interface DesiredIdentity {
  generation: number
  hash: string | Unknown
  name: string | Unknown
}

/**
 * Generation 1 for a resource's first job; the current generation while the spec is unchanged; one more for a changed
 * spec or a forced replacement, so every job of a resource has its own deterministic name.
 */
export function desiredIdentity(resource: JobResource, state: ResourceState | undefined, forceReplace: boolean): DesiredIdentity {
  const current = state?.current
  const last = current ?? state?.history[state.history.length - 1]
  const currentGeneration = current?.generation ?? 1
  if (current && !forceReplace) {
    const hash = specHash(resource, currentGeneration)
    if (hash === current.spec_hash) return { generation: currentGeneration, hash, name: jobName(resource, hash) }
    // The hash rules can change between sageform versions (a newly known server default, a new ignore_changes entry):
    // a recorded request that is the same spec under today's rules is still the same job, under its recorded name.
    if (current.request && sameIdentity(resource, current.request)) return { generation: currentGeneration, hash: current.spec_hash, name: current.name }
  }
  const generation = last ? (last.generation ?? 1) + 1 : 1
  const hash = specHash(resource, generation)
  return { generation, hash, name: jobName(resource, hash) }
}

function sameIdentity(resource: JobResource, recorded: JsonValue): boolean {
  if (findUnknown(resource.request as never)) return false
  return canonicalJson(identitySpec(resource)) === canonicalJson(identitySpec(resource, recorded as unknown as ApiObject))
}

export interface PlannerInput {
  config: Configuration
  state: State | undefined
  /** Absent with --refresh=false: the plan trusts the state file. */
  remote: RemoteSnapshot | undefined
  replace: ReadonlySet<string>
  configHash: string
  /** Now, on SageMaker's clock (its responses' Date header): when a re-tune is due is judged against it. */
  now: Date
  /** sageform destroy: every resource in state is stopped and forgotten (the configuration's resources are ignored). */
  destroy?: boolean
  /** destroy --delete: instead, every job record is deleted from SageMaker (stopped first if it runs), then forgotten. */
  deleteJobs?: boolean
  /** -target: only these addresses (resources or instances), with their dependencies (destroy: their dependents). */
  targets?: readonly string[]
  /** -refresh-only: no job is created, stopped or updated; apply records what SageMaker says in the state. */
  refreshOnly?: boolean
}

export function plan(given: PlannerInput): Plan {
  const diags = new Diagnostics()
  // moved blocks are done first: everything below plans against the records at their new addresses.
  const moves = resolveMoves(given.config, given.state, diags)
  const input = { ...given, state: moves.state }
  const changes: ResourceChange[] = []
  const drift: Drift[] = []
  const byAddress = new Map<string, ResourceChange>()
  const imports = importsByAddress(input.config.imports, input.config.resources, input.state, diags)
  const desiredAddresses = new Set(input.config.resources.map((r) => r.address))
  for (const address of input.replace) {
    if (desiredAddresses.has(address)) continue
    const instances = [...desiredAddresses].filter((a) => resourceOf(a) === address)
    if (instances.length > 0) diags.error('Invalid --replace address', { detail: `${address} has instances (count or for_each): ${instances.join(', ')}.`, hint: `Name one instance, like --replace='${instances[0]}'.` })
    else diags.error('Invalid --replace address', { detail: `${address} is not a resource in the configuration.`, hint: 'Use an address such as sagemaker_training_job.name (see sageform state list).' })
  }
  for (const resource of input.destroy ? [] : input.config.resources) {
    const target = imports.get(resource.address)
    const change = target ? planImport(resource, target, input, diags) : planResource(resource, input, drift, diags)
    const deletions = planGenerations(resource, change, input)
    if (resource.warmStartFromPrevious) warmStartFromPrevious(resource, change, input, new Set(deletions.map((d) => d.deposed!)), diags)
    else checkWarmStartParents(resource, change, input.state, byAddress, diags)
    applyDeferral(change, resource, byAddress)
    byAddress.set(change.address, change)
    changes.push(change, ...deletions, ...planDeposed(resource.address, input.state?.resources[resource.address], input.remote))
  }
  for (const [address, resourceState] of Object.entries(input.state?.resources ?? {})) {
    if (input.destroy) changes.push(...planDestroy(address, resourceState, input, drift))
    else if (!desiredAddresses.has(address)) {
      // Deposed jobs first: the resource is forgotten only after they were stopped or recorded as ended.
      changes.push(...planDeposed(address, resourceState, input.remote))
      if (resourceState.current) changes.push(planRemoved(address, resourceState, input.remote, drift, false))
    }
  }
  // Refresh only: the records as they are in the file (no moves), each one recorded as SageMaker has it now.
  const planned = input.refreshOnly ? refreshOnlyChanges(given.state, input.remote) : changes
  const targeted = input.targets?.length ? targetChanges(planned, { targets: input.targets, dependencies: new Map(input.config.resources.map((r) => [r.address, r.dependsOn])), destroy: Boolean(input.destroy) }, diags) : planned
  for (const change of input.refreshOnly ? [] : targeted) {
    const previous = moves.previous.get(change.address)
    if (previous && !change.deposed) change.previous_address = previous
    retagAddress(change, previous, input.remote)
  }
  markSensitive(targeted, sensitiveTexts(input.config))
  return {
    format_version: PLAN_FORMAT_VERSION,
    config_hash: input.configHash,
    state: { lineage: input.state?.lineage ?? null, serial: input.state?.serial ?? 0 },
    refreshed: input.remote !== undefined,
    planned_at: input.now.toISOString(),
    changes: targeted,
    drift: !input.targets?.length ? drift : drift.filter((d) => targeted.some((c) => c.address === d.address)),
    summary: summarize(targeted),
    ...(input.targets?.length ? { targets: input.targets.map(normalizeAddress) } : {}),
    ...(input.refreshOnly ? { refresh_only: true } : {}),
    diagnostics: diags.items,
  }
}

function refreshed(record: JobRecord, type: ResourceType, remote: RemoteSnapshot | undefined): { job?: RemoteJob; missing: boolean } {
  if (!remote) return { missing: false }
  const job = remote.jobs.get(remoteKey(type, record.name))
  return { job, missing: job === undefined }
}

function jobRef(record: JobRecord, live: RemoteJob | undefined): JobRef {
  return { name: record.name, arn: live?.arn ?? record.arn, status: live?.status ?? record.status, spec_hash: record.spec_hash, generation: record.generation ?? 1 }
}

function planResource(resource: JobResource, input: PlannerInput, drift: Drift[], diags: Diagnostics): ResourceChange {
  const state = input.state?.resources[resource.address]
  const current = state?.current
  const forced = input.replace.has(resource.address)
  const identity = desiredIdentity(resource, state, forced)
  const after = plannedJob(resource, identity)
  const base = { address: resource.address, type: resource.kind.type, attribute_changes: [], depends_on: resource.dependsOn, after } satisfies Partial<ResourceChange>

  if (!current) {
    const existing = typeof identity.name === 'string' ? input.remote?.jobs.get(remoteKey(resource.kind.type, identity.name)) : undefined
    if (existing?.tags && existing.tags[TAG.address] === addressTag(resource.address) && existing.tags[TAG.lineage] === input.state?.lineage) {
      // A previous apply created this job and died before writing state: take it over instead of creating a twin.
      return { ...base, action: 'adopt', reason: 'job_exists', before: { name: existing.name, arn: existing.arn, status: existing.status } }
    }
    return { ...base, action: 'create', ...(state?.history.length ? { reason: 'no_current_job' as const } : {}), attribute_changes: attributeChanges(resource, undefined) }
  }

  const { job: live, missing } = refreshed(current, resource.kind.type, input.remote)
  const before = jobRef(current, live)
  recordDrift(resource.address, current, live, missing, drift)
  if (missing) {
    return { ...base, action: 'create', reason: 'job_missing', before, attribute_changes: attributeChanges(resource, undefined) }
  }
  const sameJob = !forced && identity.hash === current.spec_hash
  if (!sameJob) {
    if (resource.lifecycle.preventDestroy) {
      diags.error('Resource has lifecycle.prevent_destroy set', {
        detail: `${resource.address} would be replaced (${forced ? 'forced by --replace' : 'its spec changed'}), which would ${before.status && RUNNING_STATUSES.has(before.status) ? 'stop' : 'retire'} job ${current.name}.`,
        address: resource.address,
        range: resource.range,
        hint: 'Remove prevent_destroy, or undo the change.',
      })
    }
    return {
      ...base,
      action: 'replace',
      reason: forced ? 'replace_forced' : identity.hash instanceof Unknown ? 'spec_unknown' : 'spec_changed',
      ...(!forced && identity.hash instanceof Unknown ? { reason_args: { origin: identity.hash.origin } } : {}),
      delete_before_create: resource.name.kind === 'exact' && resource.name.value === current.name,
      before,
      attribute_changes: attributeChanges(resource, current),
    }
  }
  const retune = retuneSchedule(resource.lifecycle.retuneEverySeconds, current, live)
  if (retune && retune.runsFrom <= input.now) {
    const next = desiredIdentity(resource, state, true)
    return {
      ...base,
      action: 'retune',
      reason: 'retune_due',
      reason_args: { started_ago_seconds: Math.floor((input.now.getTime() - retune.startedAt.getTime()) / 1000), retune_every_seconds: resource.lifecycle.retuneEverySeconds! },
      retune_due_at: retune.dueAt.toISOString(),
      before,
      after: plannedJob(resource, next),
    }
  }
  const due = retune ? { retune_due_at: retune.dueAt.toISOString() } : {}
  const tagChanges = diffTags(resource, current, live)
  const update = trainingUpdate(resource, current, before.status, diags)
  if (tagChanges || update) {
    return { ...base, ...due, action: 'update', reason: tagChanges && update ? 'tags_and_settings_changed' : tagChanges ? 'tags_changed' : 'settings_changed', before, tag_changes: tagChanges, training_job_update: update, attribute_changes: attributeChanges(resource, current).filter((c) => !c.forces_replacement) }
  }
  const ended = before.status === 'Failed' || before.status === 'Stopped' ? { replace_command: `sageform apply --replace ${shellWord(resource.address)}` } : {}
  return { ...base, ...due, ...ended, action: 'no-op', before }
}

/**
 * An import block's job for a resource that has none. The plan shows how the job differs from the configuration
 * (as Terraform shows an import with changes); apply only records it, and the next plan replaces a job that differs.
 */
function planImport(resource: JobResource, target: ImportTarget, input: PlannerInput, diags: Diagnostics): ResourceChange {
  const id = target.id
  const after = plannedJob(resource, desiredIdentity(resource, undefined, false))
  const live = input.remote?.jobs.get(remoteKey(resource.kind.type, id))
  if (input.remote && !live) {
    diags.error('Cannot import non-existent remote object', {
      detail: `While attempting to import an existing object to ${resource.address}, sageform found no ${resource.kind.noun} named "${id}". Only pre-existing jobs can be imported.`,
      address: resource.address,
      range: target.range,
      hint: "Check the import block's id and the provider's region, or remove the block to create a new job for this resource.",
    })
  }
  if (live?.tuning_job_arn) {
    const { summary, ...refusal } = tuningChildRefusal(id, live.tuning_job_arn)
    diags.error(summary, { ...refusal, address: resource.address, range: target.range })
  }
  const differs = live?.request !== undefined && !sameRequest(resource.kind.requestShape, after.request, live.request)
  return {
    address: resource.address,
    type: resource.kind.type,
    action: 'import',
    ...(differs ? { reason: 'import_differs' as const } : {}),
    before: { name: live?.name ?? id, ...(live ? { arn: live.arn, status: live.status } : {}) },
    after,
    attribute_changes: differs ? attributeChanges(resource, { request: live.request }) : [],
    depends_on: resource.dependsOn,
  }
}

/**
 * How early a run may come and still count as on time for a re-tune: a tenth of retune_every, at most an hour. A timer
 * with the same period as retune_every fires a little late or early (cron's minute, systemd's RandomizedDelaySec, a
 * wait for the lock) and the job it starts is created some time after the run began; without this slack a run that
 * came a minute earlier, relative to the previous generation's start, than the one before it would find nothing due
 * and the schedule would skip a whole period.
 */
export function retuneToleranceSeconds(everySeconds: number): number {
  return Math.min(Math.floor(everySeconds / 10), 3600)
}

/**
 * When the current job is due for a new generation: retune_every after it *started* (SageMaker's CreationTime), so a
 * timer of the same period re-tunes on every run however long each generation takes; a run up to the tolerance early
 * counts. A run late by several periods starts one generation, whose own start is the next one's reference. A job that
 * has not completed (running, failed or stopped) is never due: a re-tune repeats a success on fresh data, it does not
 * retry a failure.
 */
export function retuneSchedule(everySeconds: number | undefined, current: Pick<JobRecord, 'status' | 'created_at'>, live: Pick<RemoteJob, 'status' | 'created_at'> | undefined): { startedAt: Date; dueAt: Date; runsFrom: Date } | undefined {
  if (everySeconds === undefined || (live?.status ?? current.status) !== 'Completed') return undefined
  const started = live?.created_at ?? current.created_at
  if (!started) return undefined
  const startedAt = new Date(started)
  const dueAt = new Date(startedAt.getTime() + everySeconds * 1000)
  return { startedAt, dueAt, runsFrom: new Date(dueAt.getTime() - retuneToleranceSeconds(everySeconds) * 1000) }
}

/** Every job a resource has had, newest generation first, each with its live status when the refresh saw it. */
function generations(address: string, type: ResourceType, input: PlannerInput): Array<{ record: JobRecord; live?: RemoteJob; status: string }> {
  const entry = input.state?.resources[address]
  if (!entry) return []
  const records = [...entry.history, ...(entry.current ? [entry.current] : [])]
  return records
    .map((record, order) => ({ record, order, live: input.remote?.jobs.get(remoteKey(type, record.name)) }))
    .sort((a, b) => (b.record.generation ?? 1) - (a.record.generation ?? 1) || b.order - a.order)
    .map(({ record, live }) => ({ record, live, status: live?.status ?? record.status }))
}

/**
 * lifecycle.keep_generations = N: once this plan is applied, the newest N generations stay (a job this plan starts is
 * the newest); every finished job older than them is deleted, as a `delete` change of its own. A job still running is
 * left for a later plan, and a job deleted before keeps its record (history holds every generation).
 */
function planGenerations(resource: JobResource, change: ResourceChange, input: PlannerInput): ResourceChange[] {
  const keep = resource.lifecycle.keepGenerations
  if (keep === undefined) return []
  const older = generations(resource.address, resource.kind.type, input).slice(startsJob(change) ? keep - 1 : keep)
  return older
    .filter(({ record, status }) => !record.deleted_at && TERMINAL_STATUSES.has(status))
    .map(({ record, live }) => ({
      address: resource.address,
      deposed: record.name,
      type: resource.kind.type,
      action: 'delete' as const,
      reason: 'old_generation' as const,
      reason_args: { keep },
      before: jobRef(record, live),
      attribute_changes: [],
      depends_on: [],
    }))
}

/**
 * warm_start_from_previous: a job this plan starts warm-starts from the resource's previous generations that finished
 * with training jobs to learn from (Completed or Stopped), newest first, at most the API's 5, and only among the
 * generations keep_generations keeps (a parent must outlive its child's start).
 */
function warmStartFromPrevious(resource: JobResource, change: ResourceChange, input: PlannerInput, deleted: ReadonlySet<string>, diags: Diagnostics): void {
  if (!startsJob(change) || !change.after) return
  const keep = resource.lifecycle.keepGenerations
  const previous = generations(resource.address, resource.kind.type, input).slice(0, keep === undefined ? undefined : keep - 1)
  const parents = previous
    .filter(({ record, status }) => !record.deleted_at && !deleted.has(record.name) && (status === 'Completed' || status === 'Stopped'))
    .slice(0, MAX_WARM_START_PARENTS)
    .map(({ record }) => record)
  if (parents.length === 0) {
    if (keep === 1 && generations(resource.address, resource.kind.type, input).length > 0) {
      diags.warning('No generation to warm-start from', { detail: `${resource.address} keeps only its newest generation (keep_generations = 1), so a new generation has no previous one to warm-start from.`, address: resource.address, range: resource.range, hint: 'Set keep_generations to 2 or more.' })
    }
    return
  }
  const type = resource.warmStartFromPrevious!.type
  const request = change.after.request as Record<string, JsonValue>
  change.after.request = { ...request, WarmStartConfig: { ParentHyperParameterTuningJobs: parents.map((p) => ({ HyperParameterTuningJobName: p.name })), WarmStartType: type } }
  reportIncompatibleParents(resource, type, parents.map((p) => ({ name: p.name, request: p.request })), diags)
}

function plannedJob(resource: JobResource, identity: DesiredIdentity): PlannedJob {
  return {
    name: identity.name instanceof Unknown ? null : identity.name,
    spec_hash: identity.hash instanceof Unknown ? null : identity.hash,
    generation: identity.generation,
    request: toJson(resource.request),
    tags: Object.fromEntries(Object.entries(resource.tags).map(([k, v]) => [k, v instanceof Unknown ? { $unknown: v.origin } : v])),
    ...(resource.sensitivePaths.size > 0 ? { sensitive_paths: [...resource.sensitivePaths].sort() } : {}),
  }
}

function recordDrift(address: string, record: JobRecord, live: RemoteJob | undefined, missing: boolean, drift: Drift[]): void {
  if (missing) {
    drift.push({ address, kind: 'missing', detail: `job ${record.name} was deleted outside sageform` })
    return
  }
  if (!live) return
  // A job finishing on its own is news, not drift; a job stopped or failed while state says it runs is drift.
  if (RUNNING_STATUSES.has(record.status) && (live.status === 'Stopped' || live.status === 'Failed')) {
    drift.push({ address, kind: 'status', detail: `job ${record.name} is ${live.status}${live.failure_reason ? ` (${live.failure_reason})` : ''}, outside sageform` })
  }
  const recorded = record.tags ?? {}
  if (record.tags && live.tags && !sameRecord(recorded, userTags(live.tags))) {
    drift.push({ address, kind: 'tags', detail: `tags of job ${record.name} were changed outside sageform` })
  }
}

/**
 * A record that moved (a moved block now, or state mv before) keeps a job whose sageform:address tag names its old
 * address; the tag is updated in place with the move, so a lost state's recovery (import --lineage) finds the job
 * under the address that now declares it. Without the live tags (--refresh=false) a move planned now is assumed to
 * leave the old address on the job.
 */
function retagAddress(change: ResourceChange, previous: string | undefined, remote: RemoteSnapshot | undefined): void {
  if (change.deposed || !change.before || (change.action !== 'no-op' && change.action !== 'update')) return
  const tags = remote?.jobs.get(remoteKey(change.type, change.before.name))?.tags
  const tagged = tags ? tags[TAG.address] : previous === undefined ? undefined : addressTag(previous)
  const wanted = addressTag(change.address)
  if (tagged === undefined || tagged === wanted) return
  const tagChanges = change.tag_changes ?? { set: {}, remove: [], before: {} }
  change.tag_changes = { ...tagChanges, set: { ...tagChanges.set, [TAG.address]: wanted }, before: { ...tagChanges.before, [TAG.address]: tagged } }
  if (change.action === 'no-op') Object.assign(change, { action: 'update', reason: 'address_moved', reason_args: { tagged: addressFromTag(tagged) } })
}


function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k])
}

function diffTags(resource: JobResource, record: JobRecord, live: RemoteJob | undefined): ResourceChange['tag_changes'] {
  if (resource.lifecycle.ignoreChanges.includes('tags') || resource.lifecycle.ignoreChanges.includes('all')) return undefined
  const actual = live?.tags ? userTags(live.tags) : (record.tags ?? {})
  const desired = Object.fromEntries(Object.entries(resource.tags).filter(([, v]) => typeof v === 'string')) as Record<string, string>
  const set = Object.fromEntries(Object.entries(desired).filter(([k, v]) => actual[k] !== v))
  const remove = Object.keys(actual).filter((k) => !(k in desired))
  const before = Object.fromEntries([...Object.keys(set), ...remove].filter((k) => k in actual).map((k) => [k, actual[k]!]))
  if (!Object.keys(set).length && !remove.length) return undefined
  // A key is hidden when its new value is marked, or its recorded value was.
  const recordedMarks = new Set(record.sensitive_paths ?? [])
  const sensitive = [...Object.keys(set), ...remove].filter((k) => isSensitivePath(['Tags', k], resource.sensitivePaths) || isSensitivePath(['Tags', k], recordedMarks))
  return { set, remove, before, ...(sensitive.length > 0 ? { sensitive } : {}) }
}

/** UpdateTrainingJob members whose desired value differs from the job's; only a running job can take them. */
function trainingUpdate(resource: JobResource, record: JobRecord, status: string | undefined, diags: Diagnostics): Record<string, JsonValue> | undefined {
  if (resource.kind.family !== 'training' || !record.request) return undefined
  const recorded = record.request as Record<string, JsonValue>
  const update: Record<string, JsonValue> = {}
  for (const path of UPDATABLE) {
    const d = desiredAt(resource.request, path)
    if (canonicalJson(d) === canonicalJson(digJson(recorded, path))) continue
    if (d === undefined) continue
    const [member, inner] = path as [string, string | undefined]
    update[member] = inner ? { ...((update[member] as Record<string, JsonValue>) ?? {}), [inner]: d } : d
  }
  if (Object.keys(update).length === 0) return undefined
  if (!status || !RUNNING_STATUSES.has(status)) {
    diags.warning('Setting cannot be changed on a finished job', {
      detail: `${Object.keys(update).join(', ')} changed, but UpdateTrainingJob only applies to a running job and ${record.name} is ${status ?? 'finished'}. The change takes effect with the next job of ${resource.address}.`,
      address: resource.address,
      range: resource.range,
      hint: `Force a new job with --replace=${resource.address} if it matters now.`,
    })
    return undefined
  }
  return update
}

/**
 * digJson(toJson(request), path) without converting the whole request: only the member found is. A value unknown until
 * apply has no members, as its JSON form `{"$unknown": ...}` has none of the API's.
 */
function desiredAt(request: ApiObject, path: readonly string[]): JsonValue | undefined {
  let current: ApiValue | undefined = request
  for (const step of path) {
    if (current === undefined || current instanceof Unknown || typeof current !== 'object') return undefined
    current = (current as Record<string, ApiValue | undefined>)[step]
  }
  return current === undefined ? undefined : toJson(current)
}

/**
 * Warm start needs finished parents ("all parent jobs must be in a terminal state"): a child whose parent is created,
 * replaced or still running in this plan is deferred, and a later apply (or --wait) creates it.
 */
function applyDeferral(change: ResourceChange, resource: JobResource, planned: Map<string, ResourceChange>): void {
  if (change.action !== 'create' && change.action !== 'replace') return
  const parents = (resource.request.WarmStartConfig as ApiObject | undefined)?.ParentHyperParameterTuningJobs
  if (!Array.isArray(parents)) return
  const waiting: string[] = []
  for (const parent of parents) {
    const name = (parent as ApiObject).HyperParameterTuningJobName
    const dependency = resource.dependsOn.find((address) => {
      const c = planned.get(address)
      if (!c) return false
      if (name instanceof Unknown) return name.origin.startsWith(`${address}.`)
      return c.after?.name === name || c.before?.name === name
    })
    if (!dependency) continue
    const c = planned.get(dependency)!
    const status = c.before?.status
    if (c.action === 'create' || c.action === 'replace' || !status || !TERMINAL_STATUSES.has(status)) waiting.push(dependency)
  }
  if (waiting.length > 0) {
    change.deferred = {
      reason: `warm start needs ${waiting.join(', ')} to finish first`,
      waiting_for: waiting,
    }
  }
}

function planRemoved(address: string, resourceState: ResourceState, remote: RemoteSnapshot | undefined, drift: Drift[], destroy: boolean): ResourceChange {
  const current = resourceState.current!
  const { job: live, missing } = refreshed(current, resourceState.type, remote)
  recordDrift(address, current, live, missing, drift)
  const before = jobRef(current, live)
  const running = !missing && before.status !== undefined && RUNNING_STATUSES.has(before.status)
  const reason = destroy ? (running ? 'destroy_running' : 'destroy_finished') : running ? 'removed_running' : 'removed_finished'
  return { address, type: resourceState.type, action: 'stop', reason, before, attribute_changes: [], depends_on: [] }
}

/** Jobs of a resource that may still run outside its current one: deposed, and (from older states) history entries still recorded as running. */
export function pendingJobs(resourceState: ResourceState | undefined): JobRecord[] {
  if (!resourceState) return []
  return [...(resourceState.deposed ?? []), ...resourceState.history.filter((r) => RUNNING_STATUSES.has(r.status) && !r.deleted_at)]
}

/**
 * -refresh-only: a no-op per job the state records, carrying SageMaker's view (apply records its status, and a tuning
 * job's best training job), and the end of deposed jobs that have ended; never a stop, create or update.
 */
function refreshOnlyChanges(state: State | undefined, remote: RemoteSnapshot | undefined): ResourceChange[] {
  return Object.entries(state?.resources ?? {}).flatMap(([address, resourceState]) => {
    const ended = planDeposed(address, resourceState, remote).filter((c) => c.action === 'no-op')
    const current = resourceState.current
    if (!current) return ended
    const { job: live } = refreshed(current, resourceState.type, remote)
    const before = jobRef(current, live)
    const statusChanged = live !== undefined && live.status !== current.status
    const change: ResourceChange = { address, type: resourceState.type, action: 'no-op', ...(statusChanged ? { reason: 'status_changed' as const, reason_args: { recorded_status: current.status } } : {}), before, attribute_changes: [], depends_on: [] }
    return [...ended, change]
  })
}

/**
 * Every deposed job still running is stopped (a stop change naming it); one that has ended since is recorded as ended
 * (a no-op naming it, which apply moves to history). A deposed job is never dropped before SageMaker says it ended.
 */
function planDeposed(address: string, resourceState: ResourceState | undefined, remote: RemoteSnapshot | undefined): ResourceChange[] {
  return pendingJobs(resourceState).map((record) => {
    const { job: live, missing } = refreshed(record, resourceState!.type, remote)
    const before = jobRef(record, live)
    const running = !missing && RUNNING_STATUSES.has(before.status!)
    return { address, deposed: record.name, type: resourceState!.type, action: running ? 'stop' : 'no-op', reason: running ? 'deposed_running' : 'deposed_finished', before: missing ? { ...before, status: undefined } : before, attribute_changes: [], depends_on: [] }
  })
}

/**
 * destroy: the current job is stopped if it runs and the resource forgotten; deposed jobs are stopped; a resource with
 * only history is forgotten. With --delete, every job record not yet deleted is deleted instead (stopped first).
 */
function planDestroy(address: string, resourceState: ResourceState, input: PlannerInput, drift: Drift[]): ResourceChange[] {
  if (input.deleteJobs) {
    const records = [...resourceState.history, ...(resourceState.deposed ?? []), ...(resourceState.current ? [resourceState.current] : [])].filter((r) => !r.deleted_at)
    const deletes = records.map((record): ResourceChange => {
      const { job: live } = refreshed(record, resourceState.type, input.remote)
      return { address, deposed: record.name, type: resourceState.type, action: 'delete', reason: 'destroy_delete', before: jobRef(record, live), attribute_changes: [], depends_on: [] }
    })
    return deletes.length > 0 ? deletes : [forgetChange(address, resourceState)]
  }
  // Deposed jobs first (changes of one resource run in plan order): the resource is forgotten after they were looked at.
  const deposed = planDeposed(address, resourceState, input.remote)
  if (resourceState.current) return [...deposed, planRemoved(address, resourceState, input.remote, drift, true)]
  return deposed.some((c) => c.action === 'stop') ? deposed : [...deposed, forgetChange(address, resourceState)]
}

function forgetChange(address: string, resourceState: ResourceState): ResourceChange {
  return { address, type: resourceState.type, action: 'stop', reason: 'destroy_forget', attribute_changes: [], depends_on: [] }
}

/** The text of every value a `sensitive` variable holds (leaves of collections too). */
function sensitiveTexts(config: Configuration): string[] {
  const out: string[] = []
  const collect = (v: Value): void => {
    if (Array.isArray(v)) v.forEach(collect)
    else if (isObject(v)) Object.values(v).forEach(collect)
    else {
      const text = toStringValue(v)
      if (text) out.push(text)
    }
  }
  for (const name of config.sensitiveVariables) collect(unmarkDeep(config.variables[name] ?? null))
  return out
}

/**
 * Besides the marks (sensitive paths of the desired request and of the recorded one), an attribute whose value contains
 * a sensitive variable's text is hidden too: a job recorded before marks were kept in the state, or a value that
 * happens to repeat the secret, is not shown either.
 */
function markSensitive(changes: ResourceChange[], texts: string[]): void {
  if (texts.length === 0) return
  const leaks = (v: JsonValue | undefined) => v !== undefined && texts.some((t) => JSON.stringify(v).includes(JSON.stringify(t).slice(1, -1)))
  for (const change of changes) {
    for (const attribute of change.attribute_changes) if (leaks(attribute.before) || leaks(attribute.after)) attribute.sensitive = true
    const tags = change.tag_changes
    if (tags) {
      const leaking = [...Object.keys(tags.set), ...tags.remove].filter((k) => leaks(k) || leaks(tags.set[k]) || leaks(tags.before?.[k]))
      if (leaking.length > 0) tags.sensitive = [...new Set([...(tags.sensitive ?? []), ...leaking])]
    }
    if (change.after && startsJob(change)) {
      const paths = new Set(change.after.sensitive_paths ?? [])
      if (!paths.has('Tags')) for (const [key, value] of Object.entries(change.after.tags)) if (leaks(key) || leaks(value as JsonValue)) paths.add(apiPathKey(['Tags', key]))
      if (paths.size > 0) change.after.sensitive_paths = [...paths].sort()
    }
  }
}

/** Leaf-level differences between the recorded request and the desired one, in manifest spelling. */
export function attributeChanges(resource: JobResource, record: Pick<JobRecord, 'request' | 'sensitive_paths'> | undefined): AttributeChange[] {
  const shapeName = resource.kind.requestShape
  // Defaults are filled only to compare with a recorded job; a new job shows what the manifest says.
  const after = flatten(toJson(record?.request ? withDefaults(shapeName, resource.request) : resource.request))
  const before = record?.request ? flatten(withDefaultsJson(shapeName, record.request)) : new Map<string, { path: Array<string | number>; value: JsonValue }>()
  const updatable = resource.kind.family === 'training' ? UPDATABLE.map((p) => p.join('.')) : []
  const ignored = resource.lifecycle.ignoreChanges
  const marks = new Set([...resource.sensitivePaths, ...(record?.sensitive_paths ?? [])])
  const out: AttributeChange[] = []
  // A marked collection (a map built from a secret) may have secret keys: it is one change, as Terraform shows it.
  const collections = new Map<string, AttributeChange>()
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key)
    const a = after.get(key)
    if (b && a && canonicalJson(b.value) === canonicalJson(a.value)) continue
    const path = (a ?? b)!.path
    const mp = manifestPath(shapeName, path, resource.kind.spelling)
    if (ignored.some((i) => mp === i || mp.startsWith(`${i}.`) || mp.startsWith(`${i}[`))) continue
    const forces = !updatable.some((u) => key === u || key.startsWith(`${u}.`))
    const whole = markedCollection(path, marks)
    if (whole) {
      const at = manifestPath(shapeName, whole, resource.kind.spelling)
      const seen = collections.get(at)
      const merged: AttributeChange = { path: at, before: seen?.before ?? (b ? SENSITIVE_TEXT : undefined), after: seen?.after ?? (a ? SENSITIVE_TEXT : undefined), forces_replacement: (seen?.forces_replacement ?? false) || forces, sensitive: true }
      collections.set(at, merged)
      continue
    }
    const hidden = isSensitivePath(path, marks)
    out.push({
      path: mp,
      before: b?.value,
      after: a?.value,
      forces_replacement: forces,
      ...(hidden ? { sensitive: true } : {}),
    })
  }
  return [...out, ...collections.values()].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
}

/** The shortest marked proper prefix of a leaf's path: a collection marked as a whole, whose keys are secret too. */
function markedCollection(path: ReadonlyArray<string | number>, marks: ReadonlySet<string>): Array<string | number> | undefined {
  if (marks.size === 0) return undefined
  for (let n = 1; n < path.length; n++) if (marks.has(apiPathKey(path.slice(0, n)))) return path.slice(0, n)
  return undefined
}

function withDefaultsJson(shapeName: string, request: JsonValue): JsonValue {
  return toJson(withDefaults(shapeName, request as unknown as ApiObject))
}

function flatten(value: JsonValue, path: Array<string | number> = [], out = new Map<string, { path: Array<string | number>; value: JsonValue }>()) {
  const isUnknown = value !== null && typeof value === 'object' && !Array.isArray(value) && '$unknown' in value
  if (value !== null && typeof value === 'object' && !isUnknown) {
    const entries: Array<[string | number, JsonValue]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)
    for (const [k, v] of entries) flatten(v, [...path, k], out)
    return out
  }
  out.set(path.join('.'), { path, value })
  return out
}

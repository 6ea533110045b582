// State edits the actions share, each meant to run inside StateJournal.record. A resource's jobs move one way:
// created or adopted → current → history (replaced), or the whole entry goes (removed from the configuration).
import { addressFromTag, addressTag } from '../config/address.js'
import { pendingJobs } from '../planner/planner.js'
import { RUNNING_STATUSES, TAG } from '../model/kinds.js'
import type { ResourceChange } from '../plan/types.js'
import type { JobRecord, JsonValue, ResourceState, State } from '../model/state.js'

function entry(state: State, change: Pick<ResourceChange, 'address' | 'type'>): ResourceState {
  return (state.resources[change.address] ??= { type: change.type, history: [] })
}

/** Makes `record` the resource's current job. A current job already there is another job (replaced, or gone from
 *  SageMaker), so it moves to history with the status the plan last saw, rather than being lost. */
export function setCurrent(state: State, change: ResourceChange, record: JobRecord): void {
  const resource = entry(state, change)
  if (resource.current) retire(resource, change.before?.name === resource.current.name ? { status: change.before.status ?? resource.current.status } : {})
  resource.current = record
}

/** Moves the current job, with `patch` applied, to the end of history. */
export function retireCurrent(state: State, address: string, patch: Partial<JobRecord>): void {
  const resource = state.resources[address]
  if (resource?.current) retire(resource, patch)
}

/** A retired job that may still run is deposed (stop pending), not history: it stays in sight until it has ended. */
function retire(resource: ResourceState, patch: Partial<JobRecord>): void {
  const record = { ...resource.current!, ...patch }
  if (RUNNING_STATUSES.has(record.status)) (resource.deposed ??= []).push(record)
  else resource.history.push(record)
  delete resource.current
}

/**
 * The latest status of a deposed job (or of an old history entry still recorded as running). Once it has ended, or is
 * gone (status NotFound), a deposed job moves to history; until then it stays deposed.
 */
export function recordDeposed(state: State, address: string, name: string, patch: Partial<JobRecord>): void {
  const resource = state.resources[address]
  if (!resource) return
  const deposed = resource.deposed ?? []
  const index = deposed.findIndex((r) => r.name === name)
  const record = index >= 0 ? deposed[index] : resource.history.findLast((r) => r.name === name)
  if (!record) return
  Object.assign(record, patch)
  if (index >= 0 && !RUNNING_STATUSES.has(record.status)) {
    deposed.splice(index, 1)
    resource.history.push(record)
  }
  if (resource.deposed?.length === 0) delete resource.deposed
}

/** What a job that no longer exists in SageMaker is recorded as. */
export const GONE_STATUS = 'NotFound'

/** Changes the record of job `name`, wherever it is now (current, or history once replaced). */
export function patchJob(state: State, address: string, name: string, patch: Partial<JobRecord> | ((record: JobRecord) => Partial<JobRecord>)): void {
  const resource = state.resources[address]
  if (!resource) return
  const record = resource.current?.name === name ? resource.current : (resource.deposed?.find((r) => r.name === name) ?? resource.history.findLast((r) => r.name === name))
  if (record) Object.assign(record, typeof patch === 'function' ? patch(record) : patch)
}

/**
 * The records moved blocks move (changes with a previous_address), all at once: a chain like a→b, b→c needs b's record
 * taken out before a's arrives. A record already gone from its old address was moved by an earlier apply.
 */
export function moveRecords(state: State, changes: readonly ResourceChange[]): void {
  const taken = changes.flatMap((c) => (c.previous_address !== undefined && state.resources[c.previous_address] ? [[c.address, state.resources[c.previous_address]!] as const] : []))
  for (const change of changes) if (change.previous_address !== undefined) delete state.resources[change.previous_address]
  for (const [address, record] of taken) state.resources[address] = record
}

/**
 * The resource leaves the state, except the jobs that may still run: its current job when `currentStatus` says it
 * still runs (Stopping), and its deposed jobs. Those stay, deposed, until SageMaker reports them ended.
 */
export function forget(state: State, address: string, currentStatus: string | undefined, at: string): void {
  const resource = state.resources[address]
  if (!resource) return
  const pending = pendingJobs(resource)
  if (resource.current && currentStatus && RUNNING_STATUSES.has(currentStatus)) pending.push({ ...resource.current, status: currentStatus, updated_at: at })
  if (pending.length > 0) state.resources[address] = { type: resource.type, history: [], deposed: pending }
  else delete state.resources[address]
}

/** destroy --delete: the deleted job's record goes; the resource goes with its last record not yet deleted. */
export function dropRecord(state: State, address: string, name: string): void {
  const resource = state.resources[address]
  if (!resource) return
  if (resource.current?.name === name) delete resource.current
  resource.history = resource.history.filter((r) => r.name !== name)
  if (resource.deposed) resource.deposed = resource.deposed.filter((r) => r.name !== name)
  if (resource.deposed?.length === 0) delete resource.deposed
  if (!resource.current && !resource.deposed && resource.history.every((r) => r.deleted_at)) delete state.resources[address]
}

/** The status seen when a job ended, with the time SageMaker gave (or now). */
export function finalFields(status: string | undefined, at: string, endedAt?: string): Partial<JobRecord> {
  return status ? { status, updated_at: at, ...(endedAt ? { ended_at: endedAt } : {}) } : { updated_at: at }
}

/**
 * The tags sageform gives every job it creates, besides the user's: which resource and which state file it belongs to,
 * and which spec it was created from. Adoption (ownershipProblem), refresh and `import --lineage` read them back.
 */
export function sageformTags(job: { address: string; lineage: string; specHash: string }): Record<string, string> {
  return { [TAG.address]: addressTag(job.address), [TAG.lineage]: job.lineage, [TAG.specHash]: job.specHash }
}


/** Why a job carrying `tags` is not this change's own job, or undefined when it is. */
export function ownershipProblem(tags: Record<string, string>, expected: { address: string; lineage?: string; specHash?: string }): string | undefined {
  const tagged = tags[TAG.address]
  const address = tagged === undefined ? undefined : addressFromTag(tagged)
  if (address === undefined) return 'it has no sageform:address tag, so sageform did not create it'
  if (address !== expected.address) return `it belongs to ${address}`
  if (expected.lineage !== undefined && tags[TAG.lineage] !== expected.lineage) return `it belongs to another state file (lineage ${tags[TAG.lineage] ?? 'none'})`
  if (expected.specHash !== undefined && tags[TAG.specHash] !== expected.specHash) {
    return `it was created from another spec of ${address} (spec hash ${tags[TAG.specHash]?.slice(0, 8) ?? 'none'}), so it is an earlier job still holding the name`
  }
  return undefined
}

/** The path of the first value still unknown (`{"$unknown": ...}`), or undefined when there is none. */
export function unknownPath(value: unknown, path = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined
  if (!Array.isArray(value) && '$unknown' in value) return path || '(the request)'
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v]) : Object.entries(value).map(([k, v]) => [path ? `.${k}` : k, v])
  for (const [step, v] of entries) {
    const found = unknownPath(v, path + step)
    if (found) return found
  }
  return undefined
}

/**
 * The recorded Create request after UpdateTrainingJob: a `...ForUpdate` member amends the structure of the same name
 * (ResourceConfig keeps its instance settings and gains KeepAlivePeriodInSeconds), any other member replaces it.
 */
export function applyTrainingUpdate(request: JsonValue | undefined, update: Record<string, JsonValue>): JsonValue | undefined {
  if (request === undefined || request === null || typeof request !== 'object' || Array.isArray(request)) return request
  const out: Record<string, JsonValue> = { ...request }
  for (const [member, value] of Object.entries(update)) {
    const old = out[member]
    const isObject = (v: JsonValue | undefined): v is Record<string, JsonValue> => v !== null && typeof v === 'object' && !Array.isArray(v)
    out[member] = isObject(old) && isObject(value) ? { ...old, ...value } : value
  }
  return out
}

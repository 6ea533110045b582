// State edits the actions share, each meant to run inside StateJournal.record. A resource's jobs move one way:
// created or adopted → current → history (replaced), or the whole entry goes (removed from the configuration).
import { TAG } from '../planner/planner.js'
import type { ResourceChange } from '../plan/types.js'
import type { JobRecord, JsonValue, ResourceState, State } from '../state/types.js'

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

function retire(resource: ResourceState, patch: Partial<JobRecord>): void {
  resource.history.push({ ...resource.current!, ...patch })
  delete resource.current
}

/** Changes the record of job `name`, wherever it is now (current, or history once replaced). */
export function patchJob(state: State, address: string, name: string, patch: Partial<JobRecord> | ((record: JobRecord) => Partial<JobRecord>)): void {
  const resource = state.resources[address]
  if (!resource) return
  const record = resource.current?.name === name ? resource.current : resource.history.findLast((r) => r.name === name)
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

export function forget(state: State, address: string): void {
  delete state.resources[address]
}

/** The status seen when a job ended, with the time SageMaker gave (or now). */
export function finalFields(status: string | undefined, at: string, endedAt?: string): Partial<JobRecord> {
  return status ? { status, updated_at: at, ...(endedAt ? { ended_at: endedAt } : {}) } : { updated_at: at }
}

/** The user's tags: everything but sageform's own, which the state implies. */
export function userTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('sageform:')))
}

/** Why a job carrying `tags` is not this change's own job, or undefined when it is. */
export function ownershipProblem(tags: Record<string, string>, expected: { address: string; lineage?: string; specHash?: string }): string | undefined {
  const address = tags[TAG.address]
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

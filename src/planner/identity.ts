// A job's identity: its desired spec, canonicalised and hashed. The job name is the pinned `name`, or
// `<name_prefix>-<first 8 hex of the hash>`, so the same spec always means the same job: plans are idempotent and a
// crashed apply is recovered by name, never duplicated.
import { createHash } from 'node:crypto'
import { Unknown, findUnknown } from '../config/value.js'
import { shape, structure } from '../model/api.js'
import { withDefaults } from '../model/defaults.js'
import { spelledMembers, type Spelling } from '../model/terraform.js'
import type { ApiObject, ApiValue, JobResource } from '../model/types.js'
import type { JsonValue } from '../model/state.js'

export const HASH_LENGTH = 8

/**
 * The fields UpdateTrainingJob can change on a running job, derived from its request shape: a `...ForUpdate`
 * structure contributes its members (ResourceConfig → KeepAlivePeriodInSeconds only), anything else the whole member.
 * They are left out of the identity so that changing them updates the job in place instead of replacing it.
 */
function updatableTrainingPaths(): string[][] {
  const update = structure('UpdateTrainingJobRequest')
  const paths: string[][] = []
  for (const [member, ref] of Object.entries(update.members)) {
    if (member === 'TrainingJobName') continue
    const s = shape(ref.shape)
    if (s.type === 'structure' && ref.shape.endsWith('ForUpdate') && structure('CreateTrainingJobRequest').members[member]) {
      const createShape = structure(structure('CreateTrainingJobRequest').members[member]!.shape)
      for (const inner of Object.keys(s.members)) if (createShape.members[inner]) paths.push([member, inner])
    } else paths.push([member])
  }
  return paths
}

/** The API paths UpdateTrainingJob changes in place (updatableTrainingPaths). */
export const UPDATABLE = updatableTrainingPaths()

/** `resource_config.instance_type` → ['ResourceConfig', 'InstanceType'], following list items of repeated blocks. */
export function apiPathOf(requestShape: string, manifestPath: string, spelling: Spelling = 'native'): Array<string | number> | undefined {
  let current = requestShape
  const out: Array<string | number> = []
  for (const step of manifestPath.split('.')) {
    if (/^\d+$/.test(step)) {
      out.push(Number(step))
      continue
    }
    const s = shape(current)
    if (s.type === 'map') {
      out.push(step)
      break
    }
    if (s.type !== 'structure') return undefined
    const member = step === 'tags' && out.length === 0 ? 'Tags' : spelledMembers(current, spelling).get(step)
    if (!member) return undefined
    out.push(member)
    const ms = shape(s.members[member]!.shape)
    current = ms.type === 'list' && shape(ms.member.shape).type === 'structure' ? ms.member.shape : s.members[member]!.shape
  }
  return out
}

/** The value without the member at `path`; a list item index selects one item, no index means every item. */
function without(node: ApiValue, path: Array<string | number>): ApiValue {
  if (path.length === 0 || node instanceof Unknown || typeof node !== 'object') return node
  const [head, ...rest] = path
  if (Array.isArray(node)) {
    if (typeof head === 'number') return rest.length === 0 ? node.filter((_, i) => i !== head) : node.map((item, i) => (i === head ? without(item, rest) : item))
    return node.map((item) => without(item, path))
  }
  if (typeof head !== 'string') return node
  const out: ApiObject = { ...node }
  if (rest.length === 0) delete out[head]
  else if (out[head] !== undefined) out[head] = without(out[head]!, rest)
  return out
}

/** The spec whose hash is the job's identity: request with defaults, minus ignore_changes and updatable fields. */
export function identitySpec(resource: JobResource, request: ApiObject = resource.request): ApiObject {
  let spec: ApiValue = withDefaults(resource.kind.requestShape, request)
  const ignored = resource.lifecycle.ignoreChanges.filter((p) => p !== 'tags' && p !== 'all').map((p) => apiPathOf(resource.kind.requestShape, p, resource.kind.spelling))
  for (const path of ignored) if (path) spec = without(spec, path)
  if (resource.kind.family === 'training') for (const path of UPDATABLE) spec = without(spec, path)
  // The planner picks warm_start_from_previous parents per generation; only the warm start type is the user's spec.
  if (resource.warmStartFromPrevious) spec = { ...(spec as ApiObject), WarmStartConfig: { WarmStartType: resource.warmStartFromPrevious.type } }
  return spec as ApiObject
}

/** JSON with object keys sorted at every depth: the same spec always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * Hashes already computed, per resource and generation: a plan asks for the same one several times (references to the
 * resource's name while evaluating, then planning and verifying it), and canonicalising a spec is most of a plan's CPU.
 * Resources are never modified once built, so a hash stays right for the resource object it was computed from.
 */
const hashes = new WeakMap<JobResource, Map<number, string | Unknown>>()

/** The full sha256 of a spec, or the Unknown that keeps it from being computed yet. */
export function specHash(resource: JobResource, generation: number): string | Unknown {
  let known = hashes.get(resource)
  if (!known) hashes.set(resource, (known = new Map()))
  let hash = known.get(generation)
  if (hash === undefined) known.set(generation, (hash = computeSpecHash(resource, generation)))
  return hash
}

function computeSpecHash(resource: JobResource, generation: number): string | Unknown {
  const spec = identitySpec(resource)
  const unknown = findUnknown(spec as never)
  if (unknown) return unknown
  // Generation 1 hashes the spec alone; later generations (forced re-runs, re-tunes) mix the number in so their names
  // differ while staying deterministic. An instance of count or for_each mixes its key in, so instances of one spec
  // get distinct names of the same length as a single resource's.
  const instance = resource.instanceKey
  const input = generation > 1 || instance !== undefined ? canonicalJson({ ...(generation > 1 ? { generation } : {}), ...(instance !== undefined ? { instance } : {}), spec }) : canonicalJson(spec)
  return createHash('sha256').update(input).digest('hex')
}

export function jobName(resource: JobResource, hash: string | Unknown): string | Unknown {
  if (resource.name.kind === 'exact') return resource.name.value
  if (hash instanceof Unknown) return hash
  if (resource.name.value instanceof Unknown) return resource.name.value
  return `${resource.name.value}-${hash.slice(0, HASH_LENGTH)}`
}

/** API values as JSON, with values unknown until apply as `{"$unknown": origin}`. */
export function toJson(value: ApiValue): JsonValue {
  if (value instanceof Unknown) return { $unknown: value.origin }
  if (Array.isArray(value)) return value.map(toJson)
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]))
  return value
}

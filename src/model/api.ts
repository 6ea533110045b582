// SageMaker's own API model (botocore service-2.json subset, api/sagemaker-subset.json): shapes, constraints and the
// manifest spelling of every member. Everything sageform knows about field names and limits comes from here.
import { formatNumber } from '../config/value.js'
import { readShippedFile } from '../util/shipped.js'

export interface MemberRef {
  shape: string
}

interface ShapeBase {
  min?: number
  max?: number
  sensitive?: boolean
}

export interface StructureShape extends ShapeBase {
  type: 'structure'
  required?: string[]
  members: Record<string, MemberRef>
  union?: boolean
  exception?: boolean
}
export interface ListShape extends ShapeBase {
  type: 'list'
  member: MemberRef
}
export interface MapShape extends ShapeBase {
  type: 'map'
  key: MemberRef
  value: MemberRef
}
export interface StringShape extends ShapeBase {
  type: 'string'
  pattern?: string
  enum?: string[]
}
export interface NumberShape extends ShapeBase {
  type: 'integer' | 'long' | 'float' | 'double'
}
export interface ScalarShape extends ShapeBase {
  type: 'boolean' | 'timestamp' | 'blob'
}
export type Shape = StructureShape | ListShape | MapShape | StringShape | NumberShape | ScalarShape

export interface ApiModel {
  metadata: Record<string, unknown> & { targetPrefix: string }
  operations: Record<string, { name: string; input?: MemberRef; output?: MemberRef; errors?: MemberRef[] }>
  shapes: Record<string, Shape>
}

let cached: ApiModel | undefined

export function apiModel(): ApiModel {
  cached ??= JSON.parse(readShippedFile('api/sagemaker-subset.json')) as ApiModel
  return cached
}

export function shape(name: string): Shape {
  const s = apiModel().shapes[name]
  if (!s) throw new Error(`API model has no shape ${name}`)
  return s
}

export function structure(name: string): StructureShape {
  const s = shape(name)
  if (s.type !== 'structure') throw new Error(`API shape ${name} is ${s.type}, not a structure`)
  return s
}

export function isScalar(s: Shape): boolean {
  return s.type !== 'structure' && s.type !== 'list' && s.type !== 'map'
}

const regexCache = new Map<string, RegExp>()

/**
 * The model's patterns are unanchored and the service tests them against the whole value, so anchor them; `u` is
 * needed for `\p{L}`. Java's `\p{Alnum}` (one pattern) has no JavaScript equivalent and becomes `A-Za-z0-9`.
 */
export function patternRegExp(pattern: string): RegExp {
  let re = regexCache.get(pattern)
  if (!re) {
    re = new RegExp('^(?:' + pattern.replace(/\\p\{Alnum\}/g, 'A-Za-z0-9') + ')$', 'u')
    regexCache.set(pattern, re)
  }
  return re
}

/** Words the manifest keeps whole: `EnableSageMakerMetricsTimeSeries` → `enable_sagemaker_metrics_time_series`. */
const WHOLE_WORDS: Array<[RegExp, string]> = [[/SageMaker/g, 'Sagemaker']]

/**
 * The manifest name of an API member: snake_case, acronyms kept together (`VolumeSizeInGB` → `volume_size_in_gb`,
 * `S3Uri` → `s3_uri`, `VpcConfig` → `vpc_config`).
 */
export function snakeCase(member: string): string {
  let name = member
  for (const [re, replacement] of WHOLE_WORDS) name = name.replace(re, replacement)
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
}

/** Path of API member names and list indices, e.g. ['ResourceConfig', 'InstanceCount'] or ['InputDataConfig', 0]. */
export type ApiPath = ReadonlyArray<string | number>

export type Constraint = 'type' | 'required' | 'enum' | 'length' | 'pattern' | 'size' | 'range' | 'member'

export interface Violation {
  path: ApiPath
  constraint: Constraint
  /** The offending value (absent for a missing required member). */
  value?: unknown
  shapeName: string
  /** Human text without the path, e.g. `must be at least 1 (got 0)`. */
  message: string
}

/** What an integer or long member can carry on the wire: Java's int and long. */
export const WIRE_BITS = { integer: 32, long: 64 } as const

/**
 * What an integer member without bounds of its own can carry (WIRE_BITS). A long beyond what a double holds exactly is
 * written as its decimal digits (a string), which the client sends as a JSON number.
 */
export const WIRE_RANGE: Record<keyof typeof WIRE_BITS, readonly [bigint, bigint]> = {
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
}

/** A long held as its digits (see WIRE_RANGE). */
export const isLongDigits = (value: unknown): value is string => typeof value === 'string' && /^-?\d+$/.test(value)

/**
 * Checks a JSON value against an API shape the way the service does, reporting every violation. Values the caller
 * cannot know yet (anything for which `isDeferred` is true) are skipped.
 */
export function checkShape(
  shapeName: string,
  value: unknown,
  report: (v: Violation) => void,
  path: ApiPath = [],
  isDeferred: (v: unknown) => boolean = () => false,
): void {
  check(shapeName, value, report, path, isDeferred)
}

/** A path made into an array only when a violation is reported: most values have none. */
type LazyPath = ApiPath | { up: LazyPath; key: string | number }

function pathOf(at: LazyPath): ApiPath {
  return 'up' in at ? [...pathOf(at.up), at.key] : at
}

function check(shapeName: string, value: unknown, report: (v: Violation) => void, path: LazyPath, isDeferred: (v: unknown) => boolean): void {
  if (value === undefined || value === null || isDeferred(value)) return
  const s = shape(shapeName)
  const fail = (constraint: Constraint, message: string, at: LazyPath = path, v: unknown = value) => report({ path: pathOf(at), constraint, value: v, shapeName, message })
  switch (s.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return fail('type', 'must be an object')
      const record = value as Record<string, unknown>
      for (const req of s.required ?? []) {
        if (record[req] === undefined || record[req] === null) {
          report({ path: pathOf({ up: path, key: req }), constraint: 'required', shapeName, message: 'is required' })
        }
      }
      for (const key of Object.keys(record)) {
        const ref = s.members[key]
        if (!ref) fail('member', `is not a member of ${shapeName}`, { up: path, key }, record[key])
        else check(ref.shape, record[key], report, { up: path, key }, isDeferred)
      }
      return
    }
    case 'list': {
      if (!Array.isArray(value)) return fail('type', 'must be a list')
      checkCount(s, value.length, 'item', fail)
      for (let i = 0; i < value.length; i++) check(s.member.shape, value[i], report, { up: path, key: i }, isDeferred)
      return
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return fail('type', 'must be a map')
      const record = value as Record<string, unknown>
      const keys = Object.keys(record)
      checkCount(s, keys.length, 'entry', fail)
      const reportKey = (violation: Violation) => report({ ...violation, message: `key ${violation.message}` })
      for (const k of keys) {
        check(s.key.shape, k, reportKey, { up: path, key: k }, isDeferred)
        check(s.value.shape, record[k], report, { up: path, key: k }, isDeferred)
      }
      return
    }
    case 'string': {
      if (typeof value !== 'string') return fail('type', 'must be a string')
      const length = codePoints(value)
      if (s.min !== undefined && length < s.min) fail('length', `must be at least ${s.min} character${s.min === 1 ? '' : 's'} long (got ${length})`)
      else if (s.max !== undefined && length > s.max) fail('length', `must be at most ${s.max} characters long (got ${length})`)
      if (s.enum && !s.enum.includes(value)) fail('enum', `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`)
      else if (s.pattern && !patternRegExp(s.pattern).test(value)) fail('pattern', `must match the pattern ${s.pattern}`)
      return
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (s.type === 'long' && isLongDigits(value)) {
        const exact = BigInt(value)
        const [min, max] = [s.min === undefined ? WIRE_RANGE.long[0] : BigInt(s.min), s.max === undefined ? WIRE_RANGE.long[1] : BigInt(s.max)]
        if (exact < min) fail('range', `must be at least ${min} (got ${value})`)
        else if (exact > max) fail('range', `must be at most ${max} (got ${value})`)
        return
      }
      if (typeof value !== 'number' || Number.isNaN(value)) return fail('type', 'must be a number')
      const wire = s.type === 'integer' || s.type === 'long' ? WIRE_RANGE[s.type] : undefined
      if (wire && !Number.isInteger(value)) return fail('type', `must be a whole number (got ${formatNumber(value)})`)
      // Without its own bounds an integer member is still an int32 or int64 on the wire.
      const [min, max] = wire ? [s.min ?? Number(wire[0]), s.max ?? Number(wire[1])] : [s.min, s.max]
      if (wire && !Number.isSafeInteger(value) && (BigInt(value) < wire[0] || BigInt(value) > wire[1])) {
        fail('range', `must be at ${value < 0 ? 'least' : 'most'} ${wire[value < 0 ? 0 : 1]} (got ${formatNumber(value)})`)
      } else if (min !== undefined && value < min) fail('range', `must be at least ${formatNumber(min)} (got ${formatNumber(value)})`)
      else if (max !== undefined && value > max) fail('range', `must be at most ${formatNumber(max)} (got ${formatNumber(value)})`)
      return
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail('type', 'must be true or false')
      return
    case 'timestamp':
      if (typeof value !== 'number' && typeof value !== 'string' && !(value instanceof Date)) fail('type', 'must be a timestamp')
      return
    default:
      return
  }
}

/** Characters as the service counts them: code points, so a surrogate pair is one. */
function codePoints(text: string): number {
  let count = text.length
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--
        i++
      }
    }
  }
  return count
}

function checkCount(s: ShapeBase, count: number, noun: string, fail: (c: Constraint, message: string) => void): void {
  const plural = (n: number) => `${n} ${noun === 'entry' ? (n === 1 ? 'entry' : 'entries') : n === 1 ? 'item' : 'items'}`
  if (s.min !== undefined && count < s.min) fail('size', `must have at least ${plural(s.min)} (got ${count})`)
  else if (s.max !== undefined && count > s.max) fail('size', `must have at most ${plural(s.max)} (got ${count})`)
}

/**
 * A request with every long held as digits (beyond a double, see WIRE_RANGE) turned into a bigint, which the SDK
 * writes as a JSON number digit for digit.
 */
export function withExactLongs(shapeName: string, value: unknown): unknown {
  if (value === null || value === undefined) return value
  const s = shape(shapeName)
  if (s.type === 'long') return isLongDigits(value) ? BigInt(value) : value
  if (s.type === 'list' && Array.isArray(value)) return value.map((item) => withExactLongs(s.member.shape, item))
  if (s.type === 'map' && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withExactLongs(s.value.shape, v)]))
  if (s.type === 'structure' && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, s.members[k] ? withExactLongs(s.members[k]!.shape, v) : v]))
  }
  return value
}

/** The instance types SageMaker accepts for training (and so for a policy's allowed_instance_types). */
export function trainingInstanceTypes(): string[] {
  const s = shape('TrainingInstanceType')
  return s.type === 'string' ? (s.enum ?? []) : []
}

const WARM_START_CONFIG = structure('HyperParameterTuningJobWarmStartConfig')
export const WARM_START_TYPES: readonly string[] = (shape(WARM_START_CONFIG.members.WarmStartType!.shape) as StringShape).enum ?? []
/** The API's limit on warm-start parents (ParentHyperParameterTuningJobs max). */
export const MAX_WARM_START_PARENTS: number = shape(WARM_START_CONFIG.members.ParentHyperParameterTuningJobs!.shape).max ?? 5

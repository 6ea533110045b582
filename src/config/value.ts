// Runtime values of the manifest language: HCL's types mapped onto JavaScript, plus Unknown for values that only
// exist after apply (another job's ARN, say). Lists are arrays; objects and maps are null-prototype records.

export class Unknown {
  /** What the value is waiting for, e.g. `sagemaker_hyperparameter_tuning_job.parent.arn`. */
  constructor(readonly origin: string) {}

  toString(): string {
    return '(known after apply)'
  }
}

/**
 * A value derived from a sensitive variable: Terraform's "sensitive" mark. The evaluator carries it through every
 * operator, function, template, for expression, conditional and collection; whoever turns a value into something
 * shown (the request, an output) takes the marks off and remembers where they were. `value` is never itself marked.
 */
export class Sensitive {
  constructor(readonly value: Value) {}

  toString(): string {
    return '(sensitive value)'
  }
}

export type Value = null | string | number | boolean | Unknown | Sensitive | Value[] | ObjectValue
export interface ObjectValue {
  [key: string]: Value
}

/** Objects are plain records (null-prototype from newObject, or parsed JSON); Unknown and Sensitive are not. */
export function isObject(v: Value): v is ObjectValue {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const prototype = Object.getPrototypeOf(v)
  return prototype === null || prototype === Object.prototype
}

/** Marks a value (once: a marked value is not wrapped twice). */
export function markSensitive(v: Value, marked = true): Value {
  return marked && !(v instanceof Sensitive) ? new Sensitive(v) : v
}

/** The value without its own mark, and whether it had one (marks inside collections stay). */
export function unmark(v: Value): [Value, boolean] {
  return v instanceof Sensitive ? [v.value, true] : [v, false]
}

/** Does the value, or anything inside it, carry a mark? */
export function containsSensitive(v: Value): boolean {
  if (v instanceof Sensitive) return true
  if (Array.isArray(v)) return v.some(containsSensitive)
  return isObject(v) && Object.keys(v).some((k) => containsSensitive(v[k]!))
}

/**
 * The value with every mark removed; `paths` collects where the marks were (keys and indices from the root, a
 * marked collection as its own path), for whoever must hide those places.
 */
export function unmarkDeep(v: Value, paths?: Array<Array<string | number>>, at: Array<string | number> = []): Value {
  if (v instanceof Sensitive) {
    paths?.push(at)
    return unmarkDeep(v.value, undefined)
  }
  if (Array.isArray(v)) return v.map((item, i) => unmarkDeep(item, paths, [...at, i]))
  if (isObject(v)) return newObject(Object.keys(v).map((k) => [k, unmarkDeep(v[k]!, paths, [...at, k])]))
  return v
}

export function isUnknown(v: Value): v is Unknown {
  return v instanceof Unknown
}

export function newObject(entries: Iterable<[string, Value]> = []): ObjectValue {
  const obj: ObjectValue = Object.create(null)
  for (const [k, v] of entries) obj[k] = v
  return obj
}

/** First Unknown found anywhere inside a value, or undefined when the value is wholly known. */
export function findUnknown(v: Value): Unknown | undefined {
  if (v instanceof Unknown) return v
  if (v instanceof Sensitive) return findUnknown(v.value)
  if (Array.isArray(v)) {
    for (const item of v) {
      const u = findUnknown(item)
      if (u) return u
    }
  } else if (isObject(v)) {
    for (const key of Object.keys(v)) {
      const u = findUnknown(v[key]!)
      if (u) return u
    }
  }
  return undefined
}

export function typeName(v: Value): string {
  if (v instanceof Sensitive) return typeName(v.value)
  if (v === null) return 'null'
  if (v instanceof Unknown) return 'unknown'
  if (Array.isArray(v)) return 'list'
  if (typeof v === 'object') return 'object'
  return typeof v
}

/**
 * Numbers print the way HCL (cty) prints them: plain decimal, never exponent notation, so `1e-7` in a
 * hyperparameter reaches SageMaker as "0.0000001".
 */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0)
  const s = String(n)
  if (!/e/i.test(s)) return s
  const [mantissa, exponentText] = s.toLowerCase().split('e') as [string, string]
  const exponent = Number(exponentText)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace('-', '').replace('.', '')
  const pointAt = (mantissa.replace('-', '').indexOf('.') === -1 ? mantissa.replace('-', '').length : mantissa.replace('-', '').indexOf('.')) + exponent
  let out: string
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length)
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt)
  return (negative ? '-' : '') + out
}

/** HCL's safe conversions to string: numbers and bools convert, collections do not. */
export function toStringValue(v: Value): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return formatNumber(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return undefined
}

/** HCL's safe conversion to number: numeric strings convert. */
export function toNumberValue(v: Value): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return Number(v)
  return undefined
}

export function toBoolValue(v: Value): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (v === 'true') return true
  if (v === 'false') return false
  return undefined
}

/** Deep equality for known values (used by ==, !=, contains and friends). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]!))
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return ka.length === kb.length && ka.every((k) => k in b && valuesEqual(a[k]!, b[k]!))
  }
  return false
}

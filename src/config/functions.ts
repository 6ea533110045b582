// The built-in functions manifests may call, with Terraform's names and semantics (cty's stdlib is the reference where
// the docs are silent). Deliberately absent: timestamp, uuid and anything else that would make a plan non-deterministic.
import { BigNumber, compare, floor, negate, type Numeric } from './number.js'
import { createHash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ObjectValue, Value } from './value.js'
import { formatNumber, isObject, newObject, toBoolValue, toNumberValue, toNumeric, toStringValue, typeName, valuesEqual } from './value.js'

export class FunctionError extends Error {
  constructor(
    message: string,
    readonly argIndex?: number,
  ) {
    super(message)
    this.name = 'FunctionError'
  }
}

export interface FunctionContext {
  /** Directory of the manifest file that calls the function. */
  baseDir: string
  /** Reads a file by absolute path: the disk, or the configuration snapshot a saved plan carries. */
  readFile?: (path: string) => Buffer
}

export interface HclFunction {
  minArgs: number
  /** Infinity when variadic. */
  maxArgs: number
  call(args: Value[], ctx: FunctionContext): Value
}

// Each function declares its parameters as 'name:kind' plus an optional suffix: '?' optional, '*' zero or more, '+' one
// or more (variadic only last). def() converts the arguments before the body sees them, so every type error reads the
// same way and names the parameter the way Terraform does.

interface Kinds {
  string: string
  number: number
  numeric: Numeric
  int: number
  bool: boolean
  list: Value[]
  map: ObjectValue
  strings: string[]
  any: Value
  nullable: Value
}
type Kind = keyof Kinds
type Param = `${string}:${Kind}${'' | '?' | '*' | '+'}`
type Arg<P> = P extends `${string}:${infer K extends Kind}${'*' | '+'}`
  ? Kinds[K][]
  : P extends `${string}:${infer K extends Kind}?`
    ? Kinds[K] | undefined
    : P extends `${string}:${infer K extends Kind}`
      ? Kinds[K]
      : never
type Args<P extends readonly Param[]> = { -readonly [I in keyof P]: Arg<P[I]> }

const invalid = (at: number, param: string, problem: string) => new FunctionError(`Invalid value for "${param}" parameter: ${problem}.`, at)
const describe = (v: Value) => (typeof v === 'string' ? JSON.stringify(v) : typeName(v))
const required = (what: string, v: Value) => `${what} required, got ${describe(v)}`

function orThrow<T>(value: T | undefined, error: () => FunctionError): T {
  if (value === undefined) throw error()
  return value
}

function expect<T>(what: string, to: (v: Value) => T | undefined) {
  return (v: Value, at: number, param: string): T => {
    if (v === null) throw invalid(at, param, 'argument must not be null')
    return orThrow(to(v), () => invalid(at, param, required(what, v)))
  }
}

function elementString(v: Value, index: number, at: number, param: string): string {
  if (v === null) throw invalid(at, param, `element ${index} is null`)
  return orThrow(toStringValue(v), () => invalid(at, param, `element ${index}: ${required('string', v)}`))
}

const toNumber = expect('number', toNumberValue)
const toList = expect('list', (v) => (Array.isArray(v) ? v : undefined))

const KINDS: { [K in Kind]: (v: Value, at: number, param: string) => Kinds[K] } = {
  string: expect('string', toStringValue),
  number: toNumber,
  numeric: expect('number', toNumeric),
  int: (v, at, param) => {
    const n = toNumber(v, at, param)
    return orThrow(Number.isInteger(n) ? n : undefined, () => invalid(at, param, `whole number required, got ${formatNumber(n)}`))
  },
  bool: expect('bool', toBoolValue),
  list: toList,
  map: expect('map', (v) => (isObject(v) ? v : undefined)),
  strings: (v, at, param) => toList(v, at, param).map((e, i) => elementString(e, i, at, param)),
  any: expect('value', (v) => v),
  nullable: (v) => v,
}

function def<const P extends readonly Param[]>(params: P, body: (args: Args<P>, ctx: FunctionContext) => Value): HclFunction {
  const specs = params.map((p) => {
    const [, name, kind, mod] = /^(\w+):(\w+)([?*+]?)$/.exec(p)!
    return { name: name!, mod: mod!, convert: KINDS[kind as Kind] }
  })
  const rest = specs.find((s) => s.mod === '*' || s.mod === '+')
  return {
    minArgs: specs.filter((s) => s.mod === '' || s.mod === '+').length,
    maxArgs: rest ? Infinity : specs.length,
    call: (args, ctx) => {
      const converted = specs.map((s, i) =>
        s === rest ? args.slice(i).map((a, j) => s.convert(a, i + j, s.name)) : i < args.length ? s.convert(args[i]!, i, s.name) : undefined,
      )
      return body(converted as Args<P>, ctx)
    },
  }
}

// Made on first use: making it loads ICU's data, about 12 ms of CPU that a start-up need not pay.
let segmenter: Intl.Segmenter | undefined
/** Terraform measures strings in grapheme clusters, so an emoji with a skin-tone modifier is one character. */
// Printable ASCII is one grapheme per character; the segmenter takes time quadratic in a long run of it (65 s for a
// 160 kB file() read).
const graphemes = (s: string) =>
  /^[\x20-\x7e]*$/.test(s) ? s.split('') : Array.from((segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })).segment(s), (g) => g.segment)

/** Go sorts strings bytewise (UTF-8), which differs from JavaScript's UTF-16 order above the BMP. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))
const sortedKeys = (m: ObjectValue) => Object.keys(m).sort(byteOrder)

/** HCL's type unification: primitives mixed with a string all become strings; any other mix is an error. */
function unify(vals: Value[], error: () => FunctionError): Value[] {
  const types = new Set(vals.filter((v) => v !== null).map(typeName))
  if (types.size <= 1) return vals
  if (!types.has('string') || types.has('list') || types.has('object')) throw error()
  return vals.map((v) => (v === null ? null : toStringValue(v)!))
}

/** Go's encoding/json escapes HTML-significant characters and line separators; Terraform's jsonencode inherits that. */
const jsonString = (s: string) => JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

function jsonEncode(v: Value): string {
  if (Array.isArray(v)) return `[${v.map(jsonEncode).join(',')}]`
  if (isObject(v)) return `{${sortedKeys(v).map((k) => `${jsonString(k)}:${jsonEncode(v[k]!)}`).join(',')}}`
  if (typeof v === 'string') return jsonString(v)
  return typeof v === 'number' || v instanceof BigNumber ? formatNumber(v) : String(v)
}

function utf8(bytes: Uint8Array, error: () => FunctionError): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw error()
  }
}

interface Verb {
  raw: string
  at: number
  argNum: number
  flags: string
  width: number | undefined
  prec: number | undefined
  mode: string
}

const VERB = /%(?:%|([-+ #0]*)(?:\[([1-9]\d*)\])?([1-9]\d*)?(?:\.(\d*))?(.?))/gsu
const RADIX: Record<string, number> = { b: 2, d: 10, o: 8, x: 16, X: 16 }
const RADIX_PREFIX: Record<string, string> = { b: '0b', o: '0', x: '0x', X: '0x' }

/** cty's printf dialect: Go's verbs and flags, widths counted in grapheme clusters, and unused arguments are an error. */
function format(spec: string, args: Value[]): string {
  let next = 1
  let highest = 0
  const out = spec.replace(VERB, (raw: string, flags?: string, index?: string, width?: string, prec?: string, mode?: string, at?: number) => {
    if (raw === '%%') return '%'
    const offset = at!
    if (!mode) throw new FunctionError(`invalid format string starting at offset ${offset}`, 0)
    if (!/[A-Za-z]/.test(mode)) throw new FunctionError(`unrecognized format character "${mode}" at offset ${offset + raw.length - mode.length}`, 0)
    const argNum = index ? Number(index) : next
    next = argNum + 1
    highest = Math.max(highest, argNum)
    if (argNum > args.length) throw new FunctionError(`not enough arguments for "${raw}" at ${offset}: need index ${argNum} but have ${args.length} total`, 0)
    const verb = { raw, at: offset, argNum, flags: flags!, width: width ? Number(width) : undefined, prec: prec === undefined ? undefined : Number(prec), mode }
    return formatArg(verb, args[argNum - 1]!)
  })
  if (highest < args.length) {
    throw new FunctionError(highest === 0 ? 'too many arguments; no verbs in format string' : `too many arguments; only ${highest} used by format string`, highest + 1)
  }
  return out
}

function formatArg(verb: Verb, arg: Value): string {
  const { mode, flags, prec } = verb
  const unsupported = (problem: string) => new FunctionError(`unsupported value for "${verb.raw}" at ${verb.at}: ${problem}`, verb.argNum)
  if (mode === 'v') {
    const plain = !flags.includes('#')
    return pad(verb, plain && typeof arg === 'string' ? arg : plain && typeof arg === 'number' ? general(arg, undefined) : jsonEncode(arg))
  }
  if (arg === null) throw unsupported('null value cannot be formatted')
  if (mode === 't') return pad(verb, String(orThrow(toBoolValue(arg), () => unsupported(required('bool', arg)))))
  if (mode === 's' || mode === 'q') {
    const s = orThrow(toStringValue(arg), () => unsupported(required('string', arg)))
    const cut = prec ? graphemes(s).slice(0, prec).join('') : s
    return pad(verb, mode === 'q' ? jsonString(cut) : cut)
  }
  if (!/^[bdoxXeEfgG]$/.test(mode)) throw new FunctionError(`unsupported format verb "${mode}" in "${verb.raw}" at offset ${verb.at}`, 0)
  const n = orThrow(toNumberValue(arg), () => unsupported(required('number', arg)))
  const x = Math.abs(n)
  let body: string
  if (mode in RADIX) {
    if (!Number.isInteger(n)) throw unsupported('an integer is required')
    body = (flags.includes('#') ? (RADIX_PREFIX[mode] ?? '') : '') + BigInt(x).toString(RADIX[mode]).padStart(prec ?? 0, '0')
  } else {
    // Beyond 100 digits JavaScript's number formatting throws, and no double has that many meaningful digits anyway.
    if ((prec ?? 0) > 100) throw unsupported('precision must not exceed 100')
    body = mode === 'f' ? fixed(x, prec ?? 6) : /[eE]/.test(mode) ? exponent(x, prec ?? 6) : general(x, prec)
  }
  if (/[XEG]/.test(mode)) body = body.toUpperCase()
  return pad(verb, body, n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '')
}

function pad(verb: Verb, body: string, sign = ''): string {
  const missing = (verb.width ?? 0) - graphemes(sign + body).length
  if (missing <= 0) return sign + body
  if (verb.flags.includes('-')) return sign + body + ' '.repeat(missing)
  return verb.flags.includes('0') ? sign + '0'.repeat(missing) + body : ' '.repeat(missing) + sign + body
}

const fixed = (x: number, prec: number) => (x < 1e21 ? x.toFixed(prec) : formatNumber(x) + (prec ? '.' + '0'.repeat(prec) : ''))

/** Go writes at least two exponent digits: 1e+06, not 1e+6. */
function exponent(x: number, prec: number): string {
  const [mantissa, exp] = x.toExponential(prec).split('e') as [string, string]
  return `${mantissa}e${exp[0]}${exp.slice(1).padStart(2, '0')}`
}

/** Go's %g: shortest digits (or `prec` significant ones), in exponent form only for very small or large exponents. */
function general(x: number, prec: number | undefined): string {
  const sci = prec === undefined ? x.toExponential() : x.toExponential(Math.max(prec, 1) - 1)
  const [mantissa, exp] = sci.split('e') as [string, string]
  const digits = mantissa.replace(/\D/g, '').replace(/0+$/, '').length || 1
  const e = Number(exp)
  const limit = prec === undefined ? 6 : digits < prec && digits > e ? digits : prec
  return e < -4 || e >= limit ? exponent(Number(sci), digits - 1) : formatNumber(Number(sci))
}

function formatList(spec: string, args: Value[]): Value {
  let rows = -1
  let chooser = -1
  args.forEach((a, i) => {
    if (!Array.isArray(a)) return
    if (rows === -1) [rows, chooser] = [a.length, i]
    else if (a.length !== rows) throw new FunctionError(`argument ${i + 1} has length ${a.length}, which is inconsistent with argument ${chooser + 1} of length ${rows}`, i + 1)
  })
  return Array.from({ length: rows === -1 ? 1 : rows }, (_, row) => {
    try {
      return format(spec, args.map((a) => (Array.isArray(a) ? a[row]! : a)))
    } catch (error) {
      if (!(error instanceof FunctionError)) throw error
      throw new FunctionError(`error on format iteration ${row}: ${error.message}`, error.argIndex)
    }
  })
}

/** Go's strings.Title: a letter is capitalised after an ASCII non-word character or any whitespace. */
const title = (s: string) => s.replace(/(?<=^|[\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]|\s)./gsu, (c) => c.toUpperCase())

const escapeClass = (s: string) => s.replace(/[\\\][^-]/g, '\\$&')
const trim = (s: string, cutset: string) => s.replace(new RegExp(`^[${escapeClass(cutset)}]+|[${escapeClass(cutset)}]+$`, 'gu'), '')

function substr(s: string, offset: number, length: number): string {
  const chars = graphemes(s)
  const from = offset < 0 ? Math.max(0, chars.length + offset) : offset
  return chars.slice(from, length < 0 ? undefined : from + length).join('')
}

function replace(s: string, substring: string, replacement: string): string {
  if (substring.length < 2 || !substring.startsWith('/') || !substring.endsWith('/')) return s.replaceAll(substring, () => replacement)
  // Patterns are RE2; translate the RE2-only spellings people actually write: (?P<name>...) and leading (?flags).
  const [, flags = '', body = ''] = /^(?:\(\?([ims]+)\))?(.*)$/s.exec(substring.slice(1, -1))!
  let re: RegExp
  try {
    re = new RegExp(body.replaceAll('(?P<', '(?<'), `g${flags}`)
  } catch (error) {
    throw invalid(1, 'substr', `invalid regular expression (${(error as Error).message.split(': ').at(-1)})`)
  }
  let out = ''
  let last = 0
  for (const m of s.matchAll(re)) {
    out += s.slice(last, m.index) + expandTemplate(replacement, m)
    last = m.index + m[0].length
  }
  return out + s.slice(last)
}

/** Go's Regexp.Expand: $1, ${1}, $name, ${name} and $$; a group that does not exist expands to nothing. */
function expandTemplate(template: string, m: RegExpMatchArray): string {
  return template.replace(/\$(?:(\$)|\{(\w+)\}|(\w+))/g, (_, dollar?: string, braced?: string, bare?: string) => {
    const name = braced ?? bare!
    return dollar ?? (/^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name]) ?? ''
  })
}

function range(a: number, b: number | undefined, c: number | undefined): Value {
  const [start, limit] = b === undefined ? [0, a] : [a, b]
  const step = c ?? (limit < start ? -1 : 1)
  if (step === 0) throw invalid(2, 'params', 'step must not be zero')
  if (step < 0 ? limit > start : limit < start) throw invalid(1, 'params', `limit must be ${step < 0 ? 'less' : 'greater'} than start when step is ${step < 0 ? 'negative' : 'positive'}`)
  const out: number[] = []
  for (let i = 0; ; i++) {
    // Multiply rather than accumulate, and drop binary noise, so range(0, 1, 0.1) yields 0.3 and not 0.30000000000000004.
    const n = Number((start + i * step).toPrecision(15))
    if (step > 0 ? n >= limit : n <= limit) return out
    if (out.length === 1024) throw new FunctionError('more than 1024 values were generated; either decrease the difference between start and limit or use a larger step')
    out.push(n)
  }
}

function slice(list: Value[], start: number, end: number): Value {
  for (const [at, param, i] of [[1, 'start_index', start], [2, 'end_index', end]] as const) {
    if (i < 0) throw invalid(at, param, 'must not be less than zero')
    if (i > list.length) throw invalid(at, param, `must not be greater than the length of the list (${list.length})`)
  }
  if (start > end) throw invalid(1, 'start_index', 'must not be greater than end_index')
  return list.slice(start, end)
}

/**
 * file()'s limit. Terraform has none, but every value it can feed is small (SageMaker caps a hyperparameter at 2,500
 * characters), and without one `file("/dev/zero")` or a stray multi-gigabyte file would exhaust memory.
 */
export const FILE_SIZE_LIMIT = 4 * 1024 * 1024

function readFile(path: string, ctx: FunctionContext): string {
  const resolved = resolve(ctx.baseDir, path)
  let bytes: Buffer
  try {
    bytes = (ctx.readFile ?? readRegularFile)(resolved)
  } catch (error) {
    if (error instanceof FunctionError) throw error
    const code = (error as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' || code === 'ENOTDIR' ? `no file exists at "${resolved}"` : code === 'EISDIR' ? `"${resolved}" is a directory, not a file` : `cannot read "${resolved}": ${(error as Error).message}`
    throw new FunctionError(problem, 0)
  }
  return utf8(bytes, () => new FunctionError(`contents of "${resolved}" are not valid UTF-8`, 0))
}

/**
 * What file() may read from the disk: only a regular file, up to FILE_SIZE_LIMIT (a device, FIFO or socket may never
 * end or never answer). Problems are FunctionErrors; a missing file is the ENOENT error itself.
 */
export function readRegularFile(resolved: string): Buffer {
  const fail = (problem: string) => new FunctionError(problem, 0)
  // stat, not open, first: opening a FIFO blocks until someone writes to it.
  const kind = statSync(resolved)
  if (kind.isDirectory()) throw fail(`"${resolved}" is a directory, not a file`)
  if (!kind.isFile()) throw fail(`"${resolved}" is not a regular file (a device, FIFO or socket); file() reads only regular files`)
  if (kind.size > FILE_SIZE_LIMIT) throw fail(`"${resolved}" is ${kind.size} bytes; file() reads at most ${FILE_SIZE_LIMIT} bytes (4 MiB)`)
  const fd = openSync(resolved, 'r')
  try {
    // Checked again on what was opened, and read to one byte past the limit: the path may have changed in between.
    if (!fstatSync(fd).isFile()) throw fail(`"${resolved}" is not a regular file; file() reads only regular files`)
    const buffer = Buffer.alloc(FILE_SIZE_LIMIT + 1)
    let length = 0
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n
    if (length > FILE_SIZE_LIMIT) throw fail(`"${resolved}" is larger than ${FILE_SIZE_LIMIT} bytes; file() reads at most 4 MiB`)
    return buffer.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function base64decode(s: string): string {
  // Go's decoder, like Terraform's, skips line breaks but nothing else.
  const data = s.replace(/[\r\n]/g, '')
  if (!BASE64.test(data)) throw invalid(0, 'str', 'failed to decode base64 data')
  return utf8(Buffer.from(data, 'base64'), () => invalid(0, 'str', 'the result of decoding the provided string is not valid UTF-8'))
}

const flatten = (list: Value[]): Value[] => list.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]))

const exactMath = (f: (n: Numeric) => Numeric) => def(['num:numeric'], ([n]) => f(n))
const hash = (algorithm: string) => def(['str:string'], ([s]) => createHash(algorithm).update(s, 'utf8').digest('hex'))

/** tostring and friends: null passes through, anything else must convert. */
function conversion(what: string, to: (v: Value) => Value | undefined, stringHint = ''): HclFunction {
  return def(['v:nullable'], ([v]) => (v === null ? null : orThrow(to(v), () => invalid(0, 'v', `cannot convert ${describe(v)} to ${what}${typeof v === 'string' ? stringHint : ''}`))))
}
const sameType = () => invalid(0, 'v', 'all elements must have the same type')

export const functions: Readonly<Record<string, HclFunction>> = Object.freeze({
  // Strings
  format: def(['format:string', 'args:nullable*'], ([spec, args]) => format(spec, args)),
  formatlist: def(['format:string', 'args:nullable*'], ([spec, args]) => formatList(spec, args)),
  lower: def(['str:string'], ([s]) => s.toLowerCase()),
  upper: def(['str:string'], ([s]) => s.toUpperCase()),
  title: def(['str:string'], ([s]) => title(s)),
  join: def(['separator:string', 'lists:strings+'], ([separator, lists]) => lists.flat().join(separator)),
  split: def(['separator:string', 'str:string'], ([separator, s]) => (separator === '' ? Array.from(s) : s.split(separator))),
  replace: def(['str:string', 'substr:string', 'replace:string'], ([s, substring, replacement]) => replace(s, substring, replacement)),
  substr: def(['str:string', 'offset:int', 'length:int'], ([s, offset, length]) => substr(s, offset, length)),
  trimspace: def(['str:string'], ([s]) => s.trim()),
  trim: def(['str:string', 'cutset:string'], ([s, cutset]) => trim(s, cutset)),
  trimprefix: def(['str:string', 'prefix:string'], ([s, prefix]) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
  trimsuffix: def(['str:string', 'suffix:string'], ([s, suffix]) => (s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s)),
  startswith: def(['str:string', 'prefix:string'], ([s, prefix]) => s.startsWith(prefix)),
  endswith: def(['str:string', 'suffix:string'], ([s, suffix]) => s.endsWith(suffix)),
  strcontains: def(['str:string', 'substr:string'], ([s, substring]) => s.includes(substring)),

  // Collections
  length: def(['value:any'], ([v]) => {
    if (typeof v === 'string') return graphemes(v).length
    if (Array.isArray(v)) return v.length
    if (isObject(v)) return Object.keys(v).length
    throw invalid(0, 'value', `argument must be a string, a list or a map, got ${typeName(v)}`)
  }),
  concat: def(['seqs:list+'], ([seqs]) => seqs.flat()),
  merge: def(['maps:nullable*'], ([maps]) => newObject(maps.flatMap((m, i) => (m === null ? [] : Object.entries(KINDS.map(m, i, 'maps')))))),
  lookup: def(['inputMap:map', 'key:string', 'default:nullable?'], ([m, key, fallback]) => {
    if (Object.hasOwn(m, key)) return m[key]!
    return orThrow(fallback, () => new FunctionError(`key ${JSON.stringify(key)} not found and no default given`, 1))
  }),
  keys: def(['inputMap:map'], ([m]) => sortedKeys(m)),
  values: def(['values:map'], ([m]) => sortedKeys(m).map((k) => m[k]!)),
  zipmap: def(['keys:strings', 'values:list'], ([keys, vals]) => {
    if (keys.length !== vals.length) throw new FunctionError(`number of keys (${keys.length}) does not match number of values (${vals.length})`)
    return newObject(keys.map((k, i) => [k, vals[i]!]))
  }),
  contains: def(['list:list', 'value:any'], ([list, v]) => list.some((item) => valuesEqual(item, v))),
  index: def(['list:list', 'value:any'], ([list, v]) => {
    const i = list.findIndex((item) => valuesEqual(item, v))
    if (i < 0) throw new FunctionError('item not found', 1)
    return i
  }),
  element: def(['list:list', 'index:int'], ([list, i]) => {
    if (i < 0) throw invalid(1, 'index', 'must not be negative')
    if (list.length === 0) throw invalid(0, 'list', 'cannot take an element of an empty list')
    return list[i % list.length]!
  }),
  coalesce: def(['vals:nullable+'], ([vals]) => {
    const found = unify(vals, () => new FunctionError('all arguments must have the same type')).find((v) => v !== null && v !== '')
    return orThrow(found, () => new FunctionError('no non-null, non-empty-string arguments'))
  }),
  compact: def(['list:list'], ([list]) => list.flatMap((v, i) => (v === null ? [] : [elementString(v, i, 0, 'list')])).filter((s) => s !== '')),
  distinct: def(['list:list'], ([list]) => list.filter((v, i) => list.findIndex((other) => valuesEqual(other, v)) === i)),
  flatten: def(['list:list'], ([list]) => flatten(list)),
  range: def(['params:number', 'params:number?', 'params:number?'], ([a, b, c]) => range(a, b, c)),
  reverse: def(['list:list'], ([list]) => list.toReversed()),
  slice: def(['list:list', 'start_index:int', 'end_index:int'], ([list, start, end]) => slice(list, start, end)),
  sort: def(['list:strings'], ([list]) => list.toSorted(byteOrder)),

  // Numbers
  // Exact for numbers beyond a double (config/number.ts), as Terraform's are; pow is a double's.
  abs: exactMath((n) => (compare(n, 0) < 0 ? negate(n) : n)),
  ceil: exactMath((n) => negate(floor(negate(n)))),
  floor: exactMath(floor),
  signum: exactMath((n) => compare(n, 0)),
  pow: def(['num:number', 'power:number'], ([n, power]) => n ** power),
  min: def(['numbers:numeric+'], ([numbers]) => numbers.reduce((a, b) => (compare(b, a) < 0 ? b : a))),
  max: def(['numbers:numeric+'], ([numbers]) => numbers.reduce((a, b) => (compare(b, a) > 0 ? b : a))),

  // Type conversions
  tostring: conversion('string', toStringValue),
  tonumber: conversion('number', toNumeric, '; given string must be a decimal representation of a number'),
  tobool: conversion('bool', toBoolValue, '; only the strings "true" or "false" are allowed'),
  tolist: conversion('list', (v) => (Array.isArray(v) ? unify(v, sameType) : undefined)),
  // A set is a list without duplicates in a stable order (strings lexically, as Terraform iterates a set of strings).
  toset: conversion('set', (v) => {
    if (!Array.isArray(v)) return undefined
    const items = unify(v, sameType).filter((x, i, all) => all.findIndex((other) => valuesEqual(other, x)) === i)
    return items.every((x) => typeof x === 'string') ? (items as string[]).toSorted(byteOrder) : items
  }),
  tomap: conversion('map', (v) => {
    if (!isObject(v)) return undefined
    const keys = Object.keys(v)
    const vals = unify(keys.map((k) => v[k]!), sameType)
    return newObject(keys.map((k, i) => [k, vals[i]!]))
  }),

  // Encoding, hashing, files
  jsonencode: def(['val:nullable'], ([v]) => jsonEncode(v)),
  jsondecode: def(['str:string'], ([s]) => {
    try {
      return JSON.parse(s, (_, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? newObject(Object.entries(v)) : v)) as Value
    } catch (error) {
      throw invalid(0, 'str', `invalid JSON: ${(error as Error).message}`)
    }
  }),
  base64encode: def(['str:string'], ([s]) => Buffer.from(s, 'utf8').toString('base64')),
  base64decode: def(['str:string'], ([s]) => base64decode(s)),
  sha256: hash('sha256'),
  md5: hash('md5'),
  file: def(['path:string'], ([path], ctx) => readFile(path, ctx)),
})

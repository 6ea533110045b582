// Resource addresses as Terraform writes them: `type.name` for a resource, `type.name[0]` for an instance of `count`
// and `type.name["key"]` for an instance of `for_each`. One canonical spelling (the key as a JSON string) is what state
// keys, plans and job tags hold, so a command may be given any spelling that parses to the same address.
import type { Expr } from './ast.js'

/** The key of one instance of a resource with `count` (a number) or `for_each` (a string). */
export type InstanceKey = number | string

export interface ParsedAddress {
  type: string
  name: string
  /** Absent for a resource without count or for_each, and for an address that names a whole resource. */
  key?: InstanceKey
}

const NAME = '[A-Za-z_][A-Za-z0-9_-]*'
const ADDRESS = new RegExp(`^(${NAME})\\.(${NAME})(?:\\[\\s*(\\d+|"(?:[^"\\\\]|\\\\.)*")\\s*\\])?$`)

/** `type.name`, `type.name[0]` or `type.name["key"]`; undefined for anything else. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const m = ADDRESS.exec(text.trim())
  if (!m) return undefined
  const [, type, name, rawKey] = m as unknown as [string, string, string, string | undefined]
  if (rawKey === undefined) return { type, name }
  if (!rawKey.startsWith('"')) return { type, name, key: Number(rawKey) }
  try {
    return { type, name, key: JSON.parse(rawKey) as string }
  } catch {
    return undefined
  }
}

export function formatAddress(address: ParsedAddress): string {
  return instanceAddress(`${address.type}.${address.name}`, address.key)
}

/** `base[0]` or `base["key"]`; the base itself without a key. */
export function instanceAddress(base: string, key: InstanceKey | undefined): string {
  if (key === undefined) return base
  return `${base}[${typeof key === 'number' ? key : JSON.stringify(key)}]`
}

/** The canonical spelling of an address the user typed, or the text unchanged when it does not parse. */
export function normalizeAddress(text: string): string {
  const parsed = parseAddress(text)
  return parsed ? formatAddress(parsed) : text
}

/** `type.name` of `type.name["key"]`. */
export function resourceOf(address: string): string {
  const bracket = address.indexOf('[')
  return bracket === -1 ? address : address.slice(0, bracket)
}

/** Does `filter` name this address: the address itself, or the resource it is an instance of? */
export function addressMatches(address: string, filter: string): boolean {
  const wanted = normalizeAddress(filter)
  return address === wanted || (!wanted.includes('[') && resourceOf(address) === wanted)
}

/** A command's filter: a resource type (all its resources), a resource (all its instances) or one instance. */
export function filterMatches(address: string, filter: string): boolean {
  return addressMatches(address, filter) || address.startsWith(`${filter}.`)
}

/**
 * A static address written as an HCL traversal (moved and import blocks, depends_on): `type.name`, `type.name[0]`,
 * `type.name["key"]`. Undefined when the expression is anything else.
 */
export function exprAddress(expr: Expr): ParsedAddress | undefined {
  if (expr.kind === 'index') {
    const base = exprAddress(expr.target)
    if (!base || base.key !== undefined) return undefined
    const key = literalKey(expr.key)
    return key === undefined ? undefined : { ...base, key }
  }
  if (expr.kind !== 'getattr' || expr.target.kind !== 'variable') return undefined
  return { type: expr.target.name, name: expr.name }
}

function literalKey(expr: Expr): InstanceKey | undefined {
  if (expr.kind === 'literal' && (typeof expr.value === 'string' || (typeof expr.value === 'number' && Number.isInteger(expr.value) && expr.value >= 0))) return expr.value
  if (expr.kind === 'template' && expr.parts.every((p) => p.kind === 'text')) return expr.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('')
  return undefined
}

/**
 * SageMaker tag values allow only letters, digits, spaces and `_ . : / = + - @`, so an instance address is written in
 * the sageform:address tag as `type.name/0` (count) or `type.name=key` (for_each), any other character of the key as
 * `@<hex code point>@`. A resource without count or for_each is tagged with its address as it is.
 */
export function addressTag(address: string): string {
  const parsed = parseAddress(address)
  if (!parsed || parsed.key === undefined) return address
  const base = `${parsed.type}.${parsed.name}`
  if (typeof parsed.key === 'number') return `${base}/${parsed.key}`
  return `${base}=${[...parsed.key].map((c) => (/[\p{L}\p{N}_.:/+-]/u.test(c) ? c : `@${c.codePointAt(0)!.toString(16)}@`)).join('')}`
}

/** The address a sageform:address tag holds (see addressTag). */
export function addressFromTag(value: string): string {
  const m = /^([^/=]+)(?:\/(\d+)|=(.*))?$/s.exec(value)
  if (!m) return value
  const [, base, index, key] = m as unknown as [string, string, string | undefined, string | undefined]
  if (index !== undefined) return instanceAddress(base, Number(index))
  if (key === undefined) return base
  return instanceAddress(base, key.replace(/@([0-9a-f]+)@/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))))
}

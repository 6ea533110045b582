// Input variables: type constraints, value sources and Terraform's precedence (later wins):
// default < SAGEFORM_VAR_name environment < --var-file and --var, in the order given on the command line.
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { didYouMean, Diagnostics, type Diagnostic, type SourceRange } from '../diagnostics/index.js'
import type { Expr } from './ast.js'
import { Evaluator, POISON, type Scope } from './eval.js'
import type { Module, VariableDecl } from './module.js'
import { parseHcl } from './parse.js'
import { containsSensitive, findUnknown, isObject, markSensitive, unmark, isUnknown, newObject, toBoolValue, toNumeric, toStringValue, typeName, type ObjectValue, type Value } from './value.js'

export type TypeConstraint =
  | { kind: 'any' }
  | { kind: 'string' | 'number' | 'bool' }
  | { kind: 'list' | 'set' | 'map'; element: TypeConstraint }
  | { kind: 'object'; attributes: Record<string, TypeConstraint> }
  | { kind: 'tuple'; elements: TypeConstraint[] }

export type VariableSource = { kind: 'var'; name: string; value: string } | { kind: 'var-file'; path: string }

export interface VariableOptions {
  /** --var and --var-file in command-line order. */
  sources: VariableSource[]
  env: NodeJS.ProcessEnv
}

const ENV_PREFIX = 'SAGEFORM_VAR_'

/** Parses a type expression (`string`, `list(number)`, `object({a = string})`). */
export function typeConstraint(expr: Expr, diags: Diagnostics): TypeConstraint | undefined {
  const invalid = (): undefined => {
    diags.error('Invalid type specification', {
      detail: 'A type is one of string, number, bool, any, list(T), set(T), map(T), tuple([...]) or object({...}).',
      range: expr.range,
    })
    return undefined
  }
  if (expr.kind === 'variable') {
    return ['string', 'number', 'bool', 'any'].includes(expr.name) ? ({ kind: expr.name } as TypeConstraint) : invalid()
  }
  if (expr.kind !== 'call' || expr.args.length !== 1) return invalid()
  const arg = expr.args[0]!
  switch (expr.name) {
    case 'list':
    case 'set':
    case 'map': {
      const element = typeConstraint(arg, diags)
      return element && { kind: expr.name, element }
    }
    case 'tuple': {
      if (arg.kind !== 'tuple') return invalid()
      const elements = arg.items.map((i) => typeConstraint(i, diags))
      return elements.every((e) => e !== undefined) ? { kind: 'tuple', elements: elements as TypeConstraint[] } : undefined
    }
    case 'object': {
      if (arg.kind !== 'object') return invalid()
      const attributes: Record<string, TypeConstraint> = {}
      for (const item of arg.items) {
        const t = typeConstraint(item.value, diags)
        if (item.key.kind !== 'literal' || typeof item.key.value !== 'string' || !t) return invalid()
        attributes[item.key.value] = t
      }
      return { kind: 'object', attributes }
    }
    default:
      return invalid()
  }
}

export function describeType(t: TypeConstraint): string {
  switch (t.kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind}(${describeType(t.element)})`
    case 'tuple':
      return `tuple([${t.elements.map(describeType).join(', ')}])`
    case 'object':
      return `object({${Object.entries(t.attributes).map(([k, v]) => `${k} = ${describeType(v)}`).join(', ')}})`
    default:
      return t.kind
  }
}

/** Converts a value to a type with HCL's safe conversions; returns an error sentence when it cannot. */
export function convert(value: Value, type: TypeConstraint, path = ''): { value: Value } | { error: string } {
  if (value === null || isUnknown(value) || type.kind === 'any') return { value }
  const at = path ? ` at ${path}` : ''
  const wrong = (): { error: string } => ({ error: `${describeType(type)} required${at}, got ${typeName(value)}` })
  switch (type.kind) {
    case 'string': {
      const s = toStringValue(value)
      return s === undefined ? wrong() : { value: s }
    }
    case 'number': {
      const n = toNumeric(value)
      return n === undefined ? wrong() : { value: n }
    }
    case 'bool': {
      const b = toBoolValue(value)
      return b === undefined ? wrong() : { value: b }
    }
    case 'list':
    case 'set':
    case 'tuple': {
      if (!Array.isArray(value)) return wrong()
      if (type.kind === 'tuple' && value.length !== type.elements.length) return { error: `tuple of ${type.elements.length} elements required${at}, got ${value.length}` }
      const out: Value[] = []
      for (const [i, item] of value.entries()) {
        const r = convert(item, type.kind === 'tuple' ? type.elements[i]! : type.element, `${path}[${i}]`)
        if ('error' in r) return r
        out.push(r.value)
      }
      return { value: out }
    }
    case 'map':
    case 'object': {
      if (!isObject(value)) return wrong()
      const out = newObject()
      if (type.kind === 'object') {
        for (const key of Object.keys(type.attributes)) {
          if (!(key in value)) return { error: `attribute "${key}" is required${at}` }
        }
      }
      for (const [k, v] of Object.entries(value)) {
        const element = type.kind === 'object' ? type.attributes[k] : type.element
        if (!element) continue
        const r = convert(v, element, path ? `${path}.${k}` : k)
        if ('error' in r) return r
        out[k] = r.value
      }
      return { value: out }
    }
  }
}

interface Candidate {
  value: Value
  range?: SourceRange
  origin: string
}

/**
 * Resolves every declared variable to a value. A required variable without a value is an error: sageform never
 * prompts, because plans run in CI where nobody can answer.
 */
export async function resolveVariables(module: Module, options: VariableOptions): Promise<{ values: ObjectValue; diagnostics: Diagnostic[] }> {
  const diags = new Diagnostics()
  const types = new Map<string, TypeConstraint>()
  for (const decl of module.variables.values()) {
    const t = decl.type ? typeConstraint(decl.type, diags) : undefined
    if (t) types.set(decl.name, t)
  }
  const raw = new Map<string, Candidate>()
  const fromText = (name: string, text: string, origin: string) => parseCliValue(text, types.get(name), origin, diags)
  for (const [key, text] of Object.entries(options.env)) {
    if (!key.startsWith(ENV_PREFIX) || text === undefined) continue
    const name = key.slice(ENV_PREFIX.length)
    // Terraform ignores environment values for undeclared variables: the environment is shared by many projects.
    if (module.variables.has(name)) raw.set(name, { value: await fromText(name, text, `environment variable ${key}`), origin: key })
  }
  for (const source of options.sources) {
    if (source.kind === 'var') {
      if (!module.variables.has(source.name)) {
        undeclared(module, source.name, `--var ${source.name}=...`, diags)
        continue
      }
      raw.set(source.name, { value: await fromText(source.name, source.value, `--var ${source.name}`), origin: `--var ${source.name}` })
    } else {
      for (const [name, candidate] of await readVarFile(source.path, module, diags)) raw.set(name, candidate)
    }
  }
  const values = newObject()
  const evaluator = new Evaluator((d) => diags.add(d))
  const emptyScope: Scope = { roots: new Map(), baseDir: module.dir }
  for (const decl of module.variables.values()) {
    const given = raw.get(decl.name)
    const candidate: Candidate | undefined =
      given ?? (decl.default ? { value: evaluator.evaluate(decl.default, emptyScope), range: decl.default.range, origin: 'default' } : undefined)
    if (!candidate) {
      diags.error('No value for required variable', {
        detail: `The variable "${decl.name}" has no default, and no value was given.`,
        range: decl.range,
        address: `var.${decl.name}`,
        hint: `Pass --var ${decl.name}=VALUE, a --var-file, or set ${ENV_PREFIX}${decl.name}.`,
      })
      values[decl.name] = POISON
      continue
    }
    const value = checkValue(decl, candidate, types.get(decl.name), diags)
    // A sensitive variable's value carries the mark into every expression that reads it (config/value.ts).
    values[decl.name] = decl.sensitive && value !== POISON ? markSensitive(value) : value
  }
  for (const decl of module.variables.values()) runValidations(decl, values, module.dir, diags)
  return { values, diagnostics: diags.items }
}

function undeclared(module: Module, name: string, where: string, diags: Diagnostics, range?: SourceRange): void {
  const suggestion = didYouMean(name, module.variables.keys())
  diags.error('Value for undeclared variable', {
    detail: `${where} sets "${name}", but no variable of that name is declared.`,
    range,
    hint: suggestion ? `Did you mean "${suggestion}"?` : 'Declare it with a variable block.',
  })
}

function checkValue(decl: VariableDecl, candidate: Candidate, type: TypeConstraint | undefined, diags: Diagnostics): Value {
  if (candidate.value === null && !decl.nullable) {
    diags.error('Invalid value for variable', { detail: `The variable "${decl.name}" is not nullable, but ${candidate.origin} sets it to null.`, range: candidate.range ?? decl.range, address: `var.${decl.name}` })
    return POISON
  }
  if (!type) return candidate.value
  const converted = convert(candidate.value, type)
  if ('error' in converted) {
    diags.error('Invalid value for variable', {
      detail: `The value from ${candidate.origin} is not suitable for var.${decl.name}: ${converted.error}.`,
      range: candidate.range ?? decl.range,
      address: `var.${decl.name}`,
    })
    return POISON
  }
  return converted.value
}

function runValidations(decl: VariableDecl, values: ObjectValue, baseDir: string, diags: Diagnostics): void {
  if (decl.validations.length === 0 || isUnknown(values[decl.name]!)) return
  const evaluator = new Evaluator((d) => diags.add(d), `var.${decl.name}`)
  // As in Terraform 1.9+, a rule may read other variables too (e.g. var.max >= var.min).
  const scope: Scope = { roots: new Map([['var', values]]), baseDir, describeRoot: (r) => (r === 'var' ? 'input variable' : undefined) }
  for (const rule of decl.validations) {
    if (isUnknown(values[decl.name]!)) return
    const [ok] = unmark(evaluator.evaluate(rule.condition, scope))
    if (findUnknown(ok)) continue
    if (isUnknown(ok) || ok === true) continue
    if (ok !== false) {
      diags.error('Invalid validation condition', { detail: `The condition must be true or false; got ${typeName(ok)}.`, range: rule.range, address: `var.${decl.name}` })
      continue
    }
    const [message, secret] = rule.errorMessage ? errorMessage(evaluator.evaluate(rule.errorMessage, scope)) : [undefined, false]
    // Like Terraform, a value that fails its rule is not used: checks downstream would only repeat the problem.
    values[decl.name] = POISON
    if (secret) {
      diags.error('Error message refers to sensitive values', {
        detail: SENSITIVE_MESSAGE_DETAIL,
        range: rule.errorMessage!.range,
        address: `var.${decl.name}`,
      })
    }
    diags.error('Invalid value for variable', {
      detail: secret ? 'The error message included a sensitive value, so it will not be displayed.' : (message ?? `The value of var.${decl.name} fails its validation rule.`),
      range: decl.range,
      address: `var.${decl.name}`,
      hint: `This was checked by the validation rule at ${rule.range.file}:${rule.range.start.line}.`,
    })
  }
}

// Terraform's wording, with its name changed.
const SENSITIVE_MESSAGE_DETAIL =
  'The error expression used to explain this condition refers to sensitive values. sageform will not display the resulting message.\n\nYou can correct this by removing references to sensitive values, or by carefully using the nonsensitive() function if the expression will not reveal the sensitive data.'

/** The text of a validation's error_message, and whether it is derived from a sensitive value (then never shown). */
function errorMessage(value: Value): [string | undefined, boolean] {
  if (containsSensitive(value)) return [undefined, true]
  return [toStringValue(value), false]
}

/** As Terraform: a primitive-typed value is the raw text; anything else is parsed as an HCL expression. */
async function parseCliValue(text: string, type: TypeConstraint | undefined, origin: string, diags: Diagnostics): Promise<Value> {
  if (!type || type.kind === 'string' || type.kind === 'number' || type.kind === 'bool') return text
  const parsed = await parseHcl(origin, `value = ${text}\n`)
  const attr = parsed.file?.body.attributes[0]
  if (!attr) {
    diags.error('Invalid value for variable', { detail: `${origin}: "${text}" is not a valid HCL expression.`, hint: 'Lists look like ["a", "b"]; maps like {key = "value"}.' })
    return POISON
  }
  return new Evaluator((d) => diags.add({ ...d, range: undefined, detail: `${origin}: ${d.detail ?? ''}` })).evaluate(attr.expr, { roots: new Map(), baseDir: '.' })
}

async function readVarFile(path: string, module: Module, diags: Diagnostics): Promise<Map<string, Candidate>> {
  const out = new Map<string, Candidate>()
  let source: string
  try {
    source = await readFile(resolve(path), 'utf8')
  } catch (error) {
    diags.error('Cannot read variables file', { detail: `${path}: ${(error as NodeJS.ErrnoException).message}` })
    return out
  }
  const parsed = await parseHcl(path, source)
  diags.append(parsed.diagnostics)
  if (!parsed.file) return out
  for (const block of parsed.file.body.blocks) {
    diags.error('Unexpected block', { detail: 'A variables file holds only name = value assignments.', range: block.typeRange })
  }
  const evaluator = new Evaluator((d) => diags.add(d))
  for (const attr of parsed.file.body.attributes) {
    if (!module.variables.has(attr.name)) {
      undeclared(module, attr.name, `The variables file ${path}`, diags, attr.nameRange)
      continue
    }
    out.set(attr.name, { value: evaluator.evaluate(attr.expr, { roots: new Map(), baseDir: dirname(resolve(path)) }), range: attr.expr.range, origin: path })
  }
  return out
}


/**
 * A saved plan's variable values (plainValue: no marks, big numbers as digits) as resolveVariables gave them: each
 * converted to its declared type again (the digits become the exact number) and marked when declared sensitive.
 */
export function restoreVariables(module: Module, saved: ObjectValue): ObjectValue {
  const out = newObject(Object.entries(saved))
  for (const decl of module.variables.values()) {
    if (!(decl.name in out)) continue
    let value: Value = out[decl.name]!
    const type = decl.type ? typeConstraint(decl.type, new Diagnostics()) : undefined
    const converted = type ? convert(value, type) : undefined
    if (converted && 'value' in converted) value = converted.value
    out[decl.name] = decl.sensitive ? markSensitive(value) : value
  }
  return out
}

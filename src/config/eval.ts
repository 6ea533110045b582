// Evaluates manifest expressions over the located syntax tree. Errors become diagnostics and the failed expression
// evaluates to POISON, an Unknown that later checks skip, so one mistake yields one message, not a cascade.
// Sensitive marks (value.ts) follow every value derived from a marked one, as cty's marks do in Terraform; an
// operation takes the marks off its operands, computes, and marks its result, and its error messages never quote a
// marked operand.
import { add, compare, divide, modulo, multiply, negate, subtract } from './number.js'
import { didYouMean, type Diagnostic, type SourceRange } from '../diagnostics/index.js'
import { SPLAT_ITEM, traversalPath, type Expr, type TemplatePart } from './ast.js'
import { FunctionError, functions } from './functions.js'
import type { SkippedBlock } from './module.js'
import {
  Unknown,
  containsSensitive,
  findUnknown,
  isObject,
  isUnknown,
  markSensitive,
  newObject,
  toBoolValue,
  toNumberValue,
  toNumeric,
  toStringValue,
  typeName,
  unmark,
  unmarkDeep,
  valuesEqual,
  type ObjectValue,
  type Value,
} from './value.js'

export const POISON = new Unknown('<error>')

/**
 * Terraform's two functions that act on the mark rather than the value: sensitive() marks a value, nonsensitive()
 * takes every mark off (the author vouches that the result reveals no secret, as with a hash).
 */
const MARK_FUNCTIONS: Readonly<Record<string, (v: Value) => Value>> = {
  sensitive: (v) => markSensitive(v),
  nonsensitive: (v) => unmarkDeep(v),
}

/** Functions whose result depends only on the shape of their argument, not on the values inside it. */
const SHAPE_FUNCTIONS = new Set(['length', 'keys'])

/** `count` and `each` exist only inside a resource (or import block) that repeats: Terraform's words outside one. */
const REPETITION_OBJECTS: Record<string, { summary: string; detail: string }> = {
  count: {
    summary: 'Reference to "count" in non-counted context',
    detail: 'The "count" object can only be used in "resource" blocks, and only when the "count" argument is set.',
  },
  each: {
    summary: 'Reference to "each" in context without for_each',
    detail: 'The "each" object can be used only in "resource" and "import" blocks, and only when the "for_each" argument is set.',
  },
}

/** What a root name in an expression means: `var`, `local`, a resource type, or a for-expression variable. */
export interface Scope {
  /** Named roots (`var`, `local`, `sagemaker_training_job`, ...), each an object of its members. */
  roots: ReadonlyMap<string, ObjectValue>
  /** Directory of the file being evaluated, for `file()`. */
  baseDir: string
  /** How `file()` reads (see Module.readFile); the disk when absent. */
  readFile?: (path: string) => Buffer
  /** How to describe a missing member of a root in an error, e.g. `var` → "input variable". */
  describeRoot?: (root: string) => string | undefined
  /** Roots of blocks sageform skipped (`aws_iam_role`, `data`, ...): a reference into one has no value to read. */
  skipped?: ReadonlyMap<string, SkippedBlock>
}

export class Evaluator {
  constructor(
    private readonly report: (d: Diagnostic) => void,
    private readonly address?: string,
  ) {}

  private fail(summary: string, detail: string, range: SourceRange, hint?: string): Value {
    this.report({ severity: 'error', summary, detail, range, hint, address: this.address })
    return POISON
  }

  evaluate(expr: Expr, scope: Scope, locals: ReadonlyMap<string, Value> = new Map()): Value {
    const ev = (e: Expr): Value => this.evaluate(e, scope, locals)
    if (scope.skipped && (expr.kind === 'getattr' || expr.kind === 'index' || expr.kind === 'variable')) {
      const path = traversalPath(expr)
      const skipped = path && !locals.has(path[0]!) && !scope.roots.has(path[0]!) ? scope.skipped.get(path[0]!) : undefined
      if (skipped) return this.skippedReference(path!, skipped, expr.range)
    }
    switch (expr.kind) {
      case 'literal':
        return expr.value
      case 'paren':
        return ev(expr.inner)
      case 'template':
        return this.template(expr.parts, scope, locals, expr.range)
      case 'tuple':
        return expr.items.map(ev)
      case 'object': {
        const out = newObject()
        // A key derived from a secret gives the secret away in the object's shape: the whole object is marked.
        let keyMarked = false
        for (const item of expr.items) {
          const [key, marked] = unmark(ev(item.key))
          keyMarked ||= marked
          if (isUnknown(key)) return markSensitive(key, keyMarked)
          const keyText = toStringValue(key)
          if (keyText === undefined) return this.fail('Invalid object key', `Object keys must be strings; got ${typeName(key)}.`, item.key.range)
          out[keyText] = ev(item.value)
        }
        return markSensitive(out, keyMarked)
      }
      case 'variable': {
        if (locals.has(expr.name)) return locals.get(expr.name)!
        const root = scope.roots.get(expr.name)
        if (root) return root
        const repetition = REPETITION_OBJECTS[expr.name]
        if (repetition) return this.fail(repetition.summary, repetition.detail, expr.range)
        const suggestion = didYouMean(expr.name, [...scope.roots.keys(), ...locals.keys()])
        return this.fail(
          'Unknown variable',
          `There is no variable named "${expr.name}".`,
          expr.range,
          suggestion ? `Did you mean "${suggestion}"?` : 'References start with var., local., or a resource type such as sagemaker_training_job.',
        )
      }
      case 'getattr': {
        const [target, marked] = unmark(ev(expr.target))
        return markSensitive(this.getAttr(target, expr, scope), marked)
      }
      case 'index': {
        const [target, marked] = unmark(ev(expr.target))
        const key = ev(expr.key)
        const keyMarked = containsSensitive(key)
        return markSensitive(this.index(target, unmarkDeep(key), expr, keyMarked), marked || keyMarked)
      }
      case 'splat': {
        const [target, marked] = unmark(ev(expr.target))
        if (isUnknown(target)) return markSensitive(target, marked)
        const items = target === null ? [] : Array.isArray(target) ? target : [target]
        return markSensitive(items.map((item) => this.evaluate(expr.each, scope, new Map([...locals, [SPLAT_ITEM, item]]))), marked)
      }
      case 'call':
        return this.call(expr, ev, scope)
      case 'for':
        return this.forExpr(expr, scope, locals)
      case 'conditional': {
        // Which branch was taken tells something about the secret, so the result carries the condition's mark.
        const [condition, marked] = unmark(ev(expr.condition))
        if (isUnknown(condition)) return markSensitive(condition, marked)
        const flag = toBoolValue(condition)
        if (flag === undefined) return this.fail('Incorrect condition type', `The condition must be true or false; got ${typeName(condition)}.`, expr.condition.range)
        return markSensitive(flag ? ev(expr.then) : ev(expr.otherwise), marked)
      }
      case 'unary': {
        const [operand, marked] = unmark(ev(expr.operand))
        if (isUnknown(operand)) return markSensitive(operand, marked)
        if (expr.op === '!') {
          const b = toBoolValue(operand)
          return b === undefined ? this.operandError('!', 'bool', operand, expr.operand.range) : markSensitive(!b, marked)
        }
        const n = toNumeric(operand)
        return n === undefined ? this.operandError('-', 'number', operand, expr.operand.range) : markSensitive(negate(n), marked)
      }
      case 'binary': {
        const marked = { value: false }
        const plain = (e: Expr): Value => {
          const v = ev(e)
          marked.value ||= containsSensitive(v)
          return unmarkDeep(v)
        }
        const result = this.binary(expr, plain)
        return result === POISON ? result : markSensitive(result, marked.value)
      }
    }
  }

  /** The outermost traversal reports, so `aws_iam_role.r.arn` gives one error that covers all of it. */
  private skippedReference(path: string[], skipped: SkippedBlock, range: SourceRange): Value {
    // A resource is named by type and label; data sources and ephemeral resources by one more step.
    const length = path[0] === 'data' || path[0] === 'ephemeral' ? 3 : 2
    const block = path.slice(0, length).join('.')
    const where = skipped.range ? ` (skipped at ${skipped.range.file}:${skipped.range.start.line})` : ''
    const variable = path.slice(1).join('_').replace(/[^A-Za-z0-9_]/g, '_')
    return this.fail(
      'Reference to a skipped block',
      `${block} is ${skipped.what}${where}: sageform has no value for ${path.join('.')}.`,
      range,
      `Pass the value as a variable: declare variable "${variable}" {}, set it with -var or --var-file, and write var.${variable} here.`,
    )
  }

  private operandError(op: string, wanted: string, got: Value, range: SourceRange): Value {
    return this.fail('Invalid operand', `Unsuitable value for the ${op} operator: a ${wanted} is required, got ${typeName(got)}.`, range)
  }

  private binary(expr: Extract<Expr, { kind: 'binary' }>, ev: (e: Expr) => Value): Value {
    const { op } = expr
    if (op === '&&' || op === '||') {
      const left = ev(expr.left)
      const right = ev(expr.right)
      if (isUnknown(left)) return left
      if (isUnknown(right)) return right
      const l = toBoolValue(left)
      const r = toBoolValue(right)
      if (l === undefined) return this.operandError(op, 'bool', left, expr.left.range)
      if (r === undefined) return this.operandError(op, 'bool', right, expr.right.range)
      return op === '&&' ? l && r : l || r
    }
    const left = ev(expr.left)
    const right = ev(expr.right)
    const unknown = findUnknown(left) ?? findUnknown(right)
    if (unknown) return unknown
    if (op === '==') return valuesEqual(left, right)
    if (op === '!=') return !valuesEqual(left, right)
    // Exact decimal arithmetic where a double would round (config/number.ts).
    const l = toNumeric(left)
    const r = toNumeric(right)
    if (l === undefined) return this.operandError(op, 'number', left, expr.left.range)
    if (r === undefined) return this.operandError(op, 'number', right, expr.right.range)
    const zero = compare(r, 0) === 0
    switch (op) {
      case '+':
        return add(l, r)
      case '-':
        return subtract(l, r)
      case '*':
        return multiply(l, r)
      case '/':
        return zero ? this.fail('Division by zero', 'The right operand of / is zero.', expr.right.range) : divide(l, r)
      case '%':
        return zero ? this.fail('Division by zero', 'The right operand of % is zero.', expr.right.range) : modulo(l, r)
      case '<':
        return compare(l, r) < 0
      case '>':
        return compare(l, r) > 0
      case '<=':
        return compare(l, r) <= 0
      case '>=':
        return compare(l, r) >= 0
      default:
        return this.fail('Unsupported operator', `The operator ${op} is not supported.`, expr.range)
    }
  }

  private getAttr(target: Value, expr: Extract<Expr, { kind: 'getattr' }>, scope: Scope): Value {
    if (isUnknown(target)) return target
    // Point at `.name`, not at the start of the whole traversal.
    const at = tailRange(expr.range, expr.name.length + 1)
    if (isObject(target)) {
      if (expr.name in target) return target[expr.name]!
      const suggestion = didYouMean(expr.name, Object.keys(target))
      const hint = suggestion ? `Did you mean "${suggestion}"?` : undefined
      const path = traversalPath(expr.target)
      const what = path?.length === 1 ? scope.describeRoot?.(path[0]!) : undefined
      if (what === 'resource') return this.fail('Reference to undeclared resource', `A resource "${path![0]}" "${expr.name}" has not been declared.`, expr.range, hint)
      if (what) return this.fail(`Reference to undeclared ${what}`, `No ${what} named "${expr.name}" is declared.`, expr.range, hint)
      if (path?.length === 2 && scope.describeRoot?.(path[0]!) === 'resource') {
        return this.fail('Unsupported attribute', `${path.join('.')} has no attribute "${expr.name}". A job resource exposes ${Object.keys(target).join(', ')}.`, at, hint)
      }
      return this.fail('Unsupported attribute', `This object does not have an attribute named "${expr.name}".`, at, hint)
    }
    if (target === null) return this.fail('Attempt to get attribute from null value', `This value is null, so it has no attribute "${expr.name}".`, at)
    return this.fail('Unsupported attribute', `Can't access attribute "${expr.name}" on a ${typeName(target)} value.`, at)
  }

  private index(target: Value, key: Value, expr: Extract<Expr, { kind: 'index' }>, keyMarked: boolean): Value {
    if (isUnknown(target)) return target
    if (isUnknown(key)) return key
    if (Array.isArray(target)) {
      const i = toNumberValue(key)
      if (i === undefined || !Number.isInteger(i)) return this.fail('Invalid index', `A list index must be a whole number; got ${typeName(key)}.`, expr.key.range)
      if (i < 0 || i >= target.length) return this.fail('Invalid index', `The index ${keyMarked ? '(sensitive value)' : i} is out of range for a list of ${target.length} elements.`, expr.key.range)
      return target[i]!
    }
    if (isObject(target)) {
      const k = toStringValue(key)
      if (k === undefined) return this.fail('Invalid index', `An object key must be a string; got ${typeName(key)}.`, expr.key.range)
      if (!(k in target)) return this.fail('Invalid index', `The given key ${keyMarked ? '(sensitive value)' : `"${k}"`} does not exist in this object.`, expr.key.range)
      return target[k]!
    }
    return this.fail('Invalid index', `This value (${typeName(target)}) does not have any indices.`, expr.range)
  }

  private call(expr: Extract<Expr, { kind: 'call' }>, ev: (e: Expr) => Value, scope: Scope): Value {
    const markFunction = MARK_FUNCTIONS[expr.name]
    if (markFunction) {
      if (expr.args.length !== 1 || expr.expandLast) return this.fail('Wrong number of arguments', `Function "${expr.name}" expects 1 argument(s); got ${expr.args.length}.`, expr.range)
      return markFunction(ev(expr.args[0]!))
    }
    const fn = functions[expr.name]
    if (!fn) {
      const suggestion = didYouMean(expr.name, [...Object.keys(functions), ...Object.keys(MARK_FUNCTIONS)])
      return this.fail('Call to unknown function', `There is no function named "${expr.name}".`, expr.range, suggestion ? `Did you mean "${suggestion}"?` : undefined)
    }
    const given = expr.args.map(ev)
    // Functions see plain values; the result carries every mark of every argument, as in Terraform.
    const marked = given.some(containsSensitive)
    let args = given.map((a) => unmarkDeep(a))
    if (expr.expandLast) {
      const last = args[args.length - 1]!
      if (isUnknown(last)) return markSensitive(last, marked)
      if (!Array.isArray(last)) return this.fail('Invalid expanding argument value', 'The expanding argument (indicated by ...) must be a list.', expr.args[expr.args.length - 1]!.range)
      args = [...args.slice(0, -1), ...last]
    }
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const expected = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : fn.maxArgs === Infinity ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`
      return this.fail('Wrong number of arguments', `Function "${expr.name}" expects ${expected} argument(s); got ${args.length}.`, expr.range)
    }
    // length(a) and keys(a) of a known collection are known even when its elements are not (count = length(x.y)).
    const unknown = args.map((a) => (SHAPE_FUNCTIONS.has(expr.name) ? (isUnknown(a) ? a : undefined) : findUnknown(a))).find((u) => u !== undefined)
    if (unknown) return markSensitive(unknown, marked)
    try {
      return markSensitive(fn.call(args, { baseDir: scope.baseDir, readFile: scope.readFile }), marked)
    } catch (error) {
      if (!(error instanceof FunctionError)) throw error
      const at = error.argIndex !== undefined && !expr.expandLast ? expr.args[error.argIndex]?.range : undefined
      // Function errors quote their arguments ("cannot convert \"...\" to number"): never a marked one.
      const message = marked ? redactSensitive(error.message, given) : error.message
      return this.fail('Invalid function argument', `${expr.name}: ${message}`, at ?? expr.range)
    }
  }

  private forExpr(expr: Extract<Expr, { kind: 'for' }>, scope: Scope, locals: ReadonlyMap<string, Value>): Value {
    const [collection, marked] = unmark(this.evaluate(expr.collection, scope, locals))
    if (isUnknown(collection)) return markSensitive(collection, marked)
    // Elements keep their own marks; a marked collection, condition or key marks the whole result.
    const result = this.forItems(expr, collection, scope, locals)
    return markSensitive(result.value, marked || result.marked)
  }

  private forItems(expr: Extract<Expr, { kind: 'for' }>, collection: Value, scope: Scope, locals: ReadonlyMap<string, Value>): { value: Value; marked: boolean } {
    let marked = false
    const done = (value: Value) => ({ value, marked })
    let pairs: Array<[Value, Value]>
    if (Array.isArray(collection)) pairs = collection.map((v, i) => [i, v])
    else if (isObject(collection)) pairs = Object.keys(collection).sort().map((k) => [k, collection[k]!])
    else return done(this.fail('Iteration over non-iterable value', `A for expression needs a list or object; got ${typeName(collection)}.`, expr.collection.range))
    const listOut: Value[] = []
    const objectOut = newObject()
    for (const [key, value] of pairs) {
      const inner = new Map(locals)
      inner.set(expr.valueVar, value)
      if (expr.keyVar) inner.set(expr.keyVar, key)
      if (expr.condition) {
        const [keep, keepMarked] = unmark(this.evaluate(expr.condition, scope, inner))
        marked ||= keepMarked
        if (isUnknown(keep)) return done(keep)
        const flag = toBoolValue(keep)
        if (flag === undefined) return done(this.fail('Invalid for condition', `The "if" clause must be true or false; got ${typeName(keep)}.`, expr.condition.range))
        if (!flag) continue
      }
      const item = this.evaluate(expr.valueExpr, scope, inner)
      if (!expr.keyExpr) {
        listOut.push(item)
        continue
      }
      const [k, keyMarked] = unmark(this.evaluate(expr.keyExpr, scope, inner))
      marked ||= keyMarked
      if (isUnknown(k)) return done(k)
      const keyText = toStringValue(k)
      if (keyText === undefined) return done(this.fail('Invalid object key', `Object keys must be strings; got ${typeName(k)}.`, expr.keyExpr.range))
      if (expr.grouping) {
        const group = (objectOut[keyText] as Value[] | undefined) ?? []
        group.push(item)
        objectOut[keyText] = group
      } else if (keyText in objectOut) {
        const shown = keyMarked ? '(sensitive value)' : `"${keyText}"`
        return done(this.fail('Duplicate object key', `Two elements produced the key ${shown}. Use ... after the value to group them.`, expr.keyExpr.range))
      } else objectOut[keyText] = item
    }
    return done(expr.keyExpr ? objectOut : listOut)
  }

  private template(parts: TemplatePart[], scope: Scope, locals: ReadonlyMap<string, Value>, range: SourceRange): Value {
    // A template that is exactly one interpolation keeps its value's type, as in HCL ("${var.list}" is a list).
    if (parts.length === 1 && parts[0]!.kind === 'interp') return this.evaluate(parts[0]!.expr, scope, locals)
    let out = ''
    let marked = false
    for (const part of parts) {
      if (part.kind === 'text') {
        out += part.text
        continue
      }
      const [v, m] = unmark(part.kind === 'interp' ? this.evaluate(part.expr, scope, locals) : this.directive(part, scope, locals, range))
      marked ||= m
      if (isUnknown(v)) return markSensitive(v, marked)
      if (part.kind !== 'interp') {
        if (typeof v !== 'string') return v
        out += v
        continue
      }
      const s = toStringValue(v)
      if (s === undefined) {
        const detail = v === null ? 'The expression result is null.' : `Cannot include a ${typeName(v)} in a string template.`
        return this.fail('Invalid template interpolation value', detail, part.expr.range)
      }
      out += s
    }
    return markSensitive(out, marked)
  }

  private directive(part: Extract<TemplatePart, { kind: 'if' | 'for' }>, scope: Scope, locals: ReadonlyMap<string, Value>, range: SourceRange): Value {
    // Directive bodies always produce strings, even when they hold a single interpolation.
    const joinAll = (chunks: TemplatePart[], inner: ReadonlyMap<string, Value>): Value =>
      this.template([{ kind: 'text', text: '' }, ...chunks], scope, inner, range)
    if (part.kind === 'if') {
      const [condition, marked] = unmark(this.evaluate(part.condition, scope, locals))
      if (isUnknown(condition)) return markSensitive(condition, marked)
      const flag = toBoolValue(condition)
      if (flag === undefined) return this.fail('Invalid template directive', `%{if} needs true or false; got ${typeName(condition)}.`, part.condition.range)
      return markSensitive(joinAll(flag ? part.then : part.otherwise, locals), marked)
    }
    const [collection, marked] = unmark(this.evaluate(part.collection, scope, locals))
    if (isUnknown(collection)) return markSensitive(collection, marked)
    const pairs: Array<[Value, Value]> = Array.isArray(collection)
      ? collection.map((v, i) => [i, v])
      : isObject(collection)
        ? Object.keys(collection).sort().map((k) => [k, collection[k]!])
        : []
    if (!Array.isArray(collection) && !isObject(collection)) {
      return this.fail('Invalid template directive', `%{for} needs a list or object; got ${typeName(collection)}.`, part.collection.range)
    }
    let out = ''
    let bodyMarked = marked
    for (const [key, value] of pairs) {
      const inner = new Map(locals)
      inner.set(part.valueVar, value)
      if (part.keyVar) inner.set(part.keyVar, key)
      const [chunk, m] = unmark(joinAll(part.body, inner))
      bodyMarked ||= m
      if (typeof chunk !== 'string') return markSensitive(chunk, bodyMarked)
      out += chunk
    }
    return markSensitive(out, bodyMarked)
  }
}

/** A message with every text a marked value inside the arguments holds (as written and as JSON quotes it) replaced. */
function redactSensitive(message: string, args: Value[]): string {
  const texts = new Set<string>()
  const collect = (v: Value, inside: boolean): void => {
    const [plain, marked] = unmark(v)
    const secret = inside || marked
    if (Array.isArray(plain)) plain.forEach((item) => collect(item, secret))
    else if (isObject(plain)) Object.keys(plain).forEach((k) => (secret && texts.add(k), collect(plain[k]!, secret)))
    else {
      const text = secret ? toStringValue(plain) : undefined
      if (text) texts.add(text).add(JSON.stringify(text).slice(1, -1))
    }
  }
  args.forEach((a) => collect(a, false))
  // Longest first, so a secret is not half-replaced by a shorter one inside it.
  return [...texts].sort((a, b) => b.length - a.length).reduce((m, t) => m.split(t).join('(sensitive value)'), message)
}

/** The last `length` characters of a one-line range, e.g. `.arnn` at the end of `sagemaker_training_job.x.arnn`. */
function tailRange(range: SourceRange, length: number): SourceRange {
  if (range.start.line !== range.end.line || range.end.column - length < range.start.column) return range
  return { ...range, start: { line: range.end.line, column: range.end.column - length, byte: range.end.byte - length } }
}

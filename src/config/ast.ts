// The located syntax tree of the manifest language. Built once from tree-sitter's concrete tree so the evaluator,
// the reference walker and the model builder never touch wasm nodes, and every node keeps its source range.
import type { SourceRange } from '../diagnostics/index.js'
import type { Value } from './value.js'

export type Expr =
  | { kind: 'literal'; value: Value; range: SourceRange }
  | { kind: 'template'; parts: TemplatePart[]; range: SourceRange }
  | { kind: 'tuple'; items: Expr[]; range: SourceRange }
  | { kind: 'object'; items: ObjectItem[]; range: SourceRange }
  | { kind: 'variable'; name: string; range: SourceRange }
  | { kind: 'getattr'; target: Expr; name: string; range: SourceRange }
  | { kind: 'index'; target: Expr; key: Expr; range: SourceRange }
  /** `target[*].a.b`: `each` is applied to every element, with `{kind:'variable', name: SPLAT_ITEM}` as its root. */
  | { kind: 'splat'; target: Expr; each: Expr; range: SourceRange }
  | { kind: 'call'; name: string; args: Expr[]; expandLast: boolean; range: SourceRange }
  | ForExpr
  | { kind: 'conditional'; condition: Expr; then: Expr; otherwise: Expr; range: SourceRange }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; range: SourceRange }
  | { kind: 'unary'; op: string; operand: Expr; range: SourceRange }
  | { kind: 'paren'; inner: Expr; range: SourceRange }

export const SPLAT_ITEM = '\u0000splat'

export interface ForExpr {
  kind: 'for'
  keyVar?: string
  valueVar: string
  collection: Expr
  /** Present for `{for ...}` (object results). */
  keyExpr?: Expr
  valueExpr: Expr
  condition?: Expr
  /** `...` after the value: group values under each key. */
  grouping: boolean
  range: SourceRange
}

export interface ObjectItem {
  key: Expr
  value: Expr
}

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'interp'; expr: Expr }
  | { kind: 'if'; condition: Expr; then: TemplatePart[]; otherwise: TemplatePart[] }
  | { kind: 'for'; keyVar?: string; valueVar: string; collection: Expr; body: TemplatePart[] }

export interface Attribute {
  name: string
  expr: Expr
  nameRange: SourceRange
  /** The whole `name = value` line(s). */
  range: SourceRange
}

export interface Label {
  value: string
  range: SourceRange
}

export interface Block {
  type: string
  labels: Label[]
  body: Body
  typeRange: SourceRange
  /** From the block type to the opening brace: where "block X is missing Y" points. */
  headerRange: SourceRange
  range: SourceRange
}

export interface Body {
  attributes: Attribute[]
  blocks: Block[]
  /** The position just inside the closing brace (or file end), for "missing attribute" in empty bodies. */
  range: SourceRange
}

export interface ConfigFile {
  path: string
  source: string
  body: Body
}

/** The text form of a traversal like `var.x` or `sagemaker_training_job.a.arn`, or undefined for other exprs. */
export function traversalPath(expr: Expr): string[] | undefined {
  if (expr.kind === 'variable') return [expr.name]
  if (expr.kind === 'getattr') {
    const head = traversalPath(expr.target)
    return head && [...head, expr.name]
  }
  if (expr.kind === 'index' && expr.key.kind === 'literal') {
    const head = traversalPath(expr.target)
    return head && [...head, String(expr.key.value)]
  }
  return undefined
}

/** Every root traversal (`var.x`, `local.y`, `type.label.attr`) an expression reads, for the dependency graph. */
export function references(expr: Expr, out: Expr[] = [], bound: ReadonlySet<string> = new Set()): Expr[] {
  const visit = (e: Expr, b: ReadonlySet<string>): void => {
    switch (e.kind) {
      case 'variable':
        if (!b.has(e.name) && e.name !== SPLAT_ITEM) out.push(e)
        return
      case 'getattr':
      case 'index': {
        // Push the longest traversal so `sagemaker_training_job.a.arn` is one reference, not three.
        const root = rootOf(e)
        if (root.kind === 'variable' && !b.has(root.name) && root.name !== SPLAT_ITEM && traversalPath(e)) {
          out.push(e)
          if (e.kind === 'index') visit(e.key, b)
          return
        }
        visit(e.target, b)
        if (e.kind === 'index') visit(e.key, b)
        return
      }
      case 'literal':
        return
      case 'template':
        visitParts(e.parts, b)
        return
      case 'tuple':
        e.items.forEach((i) => visit(i, b))
        return
      case 'object':
        e.items.forEach((i) => {
          visit(i.key, b)
          visit(i.value, b)
        })
        return
      case 'splat':
        visit(e.target, b)
        visit(e.each, b)
        return
      case 'call':
        e.args.forEach((a) => visit(a, b))
        return
      case 'for': {
        visit(e.collection, b)
        const inner = new Set(b)
        inner.add(e.valueVar)
        if (e.keyVar) inner.add(e.keyVar)
        if (e.keyExpr) visit(e.keyExpr, inner)
        visit(e.valueExpr, inner)
        if (e.condition) visit(e.condition, inner)
        return
      }
      case 'conditional':
        visit(e.condition, b)
        visit(e.then, b)
        visit(e.otherwise, b)
        return
      case 'binary':
        visit(e.left, b)
        visit(e.right, b)
        return
      case 'unary':
        visit(e.operand, b)
        return
      case 'paren':
        visit(e.inner, b)
    }
  }
  const visitParts = (parts: TemplatePart[], b: ReadonlySet<string>): void => {
    for (const p of parts) {
      if (p.kind === 'interp') visit(p.expr, b)
      else if (p.kind === 'if') {
        visit(p.condition, b)
        visitParts(p.then, b)
        visitParts(p.otherwise, b)
      } else if (p.kind === 'for') {
        visit(p.collection, b)
        const inner = new Set(b)
        inner.add(p.valueVar)
        if (p.keyVar) inner.add(p.keyVar)
        visitParts(p.body, inner)
      }
    }
  }
  visit(expr, bound)
  return out
}

function rootOf(e: Expr): Expr {
  return e.kind === 'getattr' || e.kind === 'index' ? rootOf(e.target) : e
}

/** The expressions directly inside one (template parts included), for walks that need every node and its parent. */
export function subExpressions(e: Expr): Expr[] {
  switch (e.kind) {
    case 'literal':
    case 'variable':
      return []
    case 'template':
      return partExpressions(e.parts)
    case 'tuple':
      return e.items
    case 'object':
      return e.items.flatMap((i) => [i.key, i.value])
    case 'getattr':
      return [e.target]
    case 'index':
      return [e.target, e.key]
    case 'splat':
      return [e.target, e.each]
    case 'call':
      return e.args
    case 'for':
      return [e.collection, ...(e.keyExpr ? [e.keyExpr] : []), e.valueExpr, ...(e.condition ? [e.condition] : [])]
    case 'conditional':
      return [e.condition, e.then, e.otherwise]
    case 'binary':
      return [e.left, e.right]
    case 'unary':
      return [e.operand]
    case 'paren':
      return [e.inner]
  }
}

function partExpressions(parts: TemplatePart[]): Expr[] {
  return parts.flatMap((p) => (p.kind === 'interp' ? [p.expr] : p.kind === 'if' ? [p.condition, ...partExpressions(p.then), ...partExpressions(p.otherwise)] : p.kind === 'for' ? [p.collection, ...partExpressions(p.body)] : []))
}

/** The sub-expression of a literal list item or object entry, so a diagnostic can point at the exact value. */
export function literalItem(expr: Expr | undefined, key: string | number): Expr | undefined {
  if (!expr) return undefined
  if (expr.kind === 'paren') return literalItem(expr.inner, key)
  if (typeof key === 'number') return expr.kind === 'tuple' ? expr.items[key] : undefined
  if (expr.kind !== 'object') return undefined
  return expr.items.find((i) => i.key.kind === 'literal' && String(i.key.value) === key)?.value
}

/** The key expression of a literal object entry, so a diagnostic about a key can point at it. */
export function literalItemKey(expr: Expr, key: string): Expr | undefined {
  if (expr.kind === 'paren') return literalItemKey(expr.inner, key)
  return expr.kind === 'object' ? expr.items.find((i) => i.key.kind === 'literal' && String(i.key.value) === key)?.key : undefined
}

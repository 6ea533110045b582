// Parses manifest files with tree-sitter (located tree for everything) and, only when the tree has errors, asks
// HashiCorp's own parser (@cdktn/hcl2json) for the authoritative syntax message.
import { parseDecimal } from './number.js'
import { createRequire } from 'node:module'
import { Language, Parser, type Node } from 'web-tree-sitter'
import type { Diagnostic, Position, SourceRange } from '../diagnostics/index.js'
import type { Attribute, Block, Body, ConfigFile, Expr, TemplatePart } from './ast.js'
import { SPLAT_ITEM } from './ast.js'
import { formatNumber } from './value.js'

let parserPromise: Promise<Parser> | undefined

function hclParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init()
    const require = createRequire(import.meta.url)
    const language = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'))
    const parser = new Parser()
    parser.setLanguage(language)
    return parser
  })()
  return parserPromise
}

export interface ParseResult {
  file?: ConfigFile
  diagnostics: Diagnostic[]
}

export async function parseHcl(path: string, source: string): Promise<ParseResult> {
  const parser = await hclParser()
  let tree = parser.parse(source)
  let text = source
  // Each round of error recovery may hide further exponent literals behind the first, so patch until none is left.
  const points: number[] = []
  for (let round = 0; round < 8 && tree?.rootNode.hasError; round++) {
    const found = exponentPoints(tree.rootNode, text).map((i) => i - EXPONENT_PATCH.length * points.filter((_, j) => insertedAt(points, j) < i).length)
    if (found.length === 0) break
    points.push(...found)
    points.sort((a, b) => a - b)
    text = patched(source, points)
    tree.delete()
    tree = parser.parse(text)
  }
  const insertions = points.map((_, j) => insertedAt(points, j))
  if (!tree) return { diagnostics: [{ severity: 'error', summary: 'Could not parse file', range: pointRange(path, source, 0) }] }
  try {
    const root = tree.rootNode
    if (root.hasError) return { diagnostics: await syntaxDiagnostics(path, source, root) }
    const nonDecimal = nonDecimalNumber(root)
    if (nonDecimal) return { diagnostics: await nonDecimalDiagnostics(path, source, root, nonDecimal) }
    const locator = new Locator(path, source, insertions)
    const bodyNode = root.namedChildren.find((c) => c?.type === 'body')
    let body: Body
    try {
      body = bodyNode ? new Converter(locator, text).body(bodyNode, locator.range(root.endIndex, root.endIndex)) : emptyBody(locator, text.length)
    } catch (error) {
      if (!(error instanceof NestedTooDeeply)) throw error
      return { diagnostics: [{ severity: 'error', summary: 'Expression nested too deeply', detail: `Brackets, braces, parentheses, operators, function calls and templates may be nested at most ${MAX_NESTING} levels deep; this one goes deeper.`, range: error.range, hint: 'Split the expression into locals.' }] }
    }
    return { file: { path, source, body }, diagnostics: [] }
  } finally {
    tree.delete()
  }
}

/** What is inserted after the integer digits of an exponent literal: `1e-7` becomes `1.0e-7`. */
const EXPONENT_PATCH = '.0'

/**
 * HCL allows an exponent straight after integer digits (`1e-7`), but the tree-sitter grammar only after a fraction.
 * Numeric literals found in the tree (never inside strings) that are followed by an exponent get `.0` inserted, and
 * the Locator maps positions back to the original text. Returns the ends of such literals in `text`.
 */
function exponentPoints(root: Node, text: string): number[] {
  return root
    .descendantsOfType('numeric_lit')
    .filter((n): n is Node => n !== null && /^\d+$/.test(n.text) && /^[eE][-+]?\d/.test(text.slice(n.endIndex, n.endIndex + 3)))
    .map((n) => n.endIndex)
}

/** Where the j-th insertion (original points, ascending) lands in the patched text. */
function insertedAt(points: readonly number[], j: number): number {
  return points[j]! + EXPONENT_PATCH.length * j
}

function patched(source: string, points: readonly number[]): string {
  let out = ''
  let from = 0
  for (const at of points) {
    out += source.slice(from, at) + EXPONENT_PATCH
    from = at
  }
  return out + source.slice(from)
}

function emptyBody(locator: Locator, at: number): Body {
  return { attributes: [], blocks: [], range: locator.range(at, at) }
}

async function syntaxDiagnostics(path: string, source: string, root: Node): Promise<Diagnostic[]> {
  const { parse } = await import('@cdktn/hcl2json')
  try {
    await parse(path, source)
  } catch (error) {
    const parsed = parseHcl2JsonError(path, source, String((error as Error).message ?? error))
    if (parsed.length > 0) return parsed
  }
  // HashiCorp's parser accepted what tree-sitter did not: fall back to tree-sitter's first error node.
  const errorNode = firstError(root)
  const at = errorNode?.startIndex ?? 0
  return [{ severity: 'error', summary: 'Invalid syntax', detail: 'This part of the file could not be parsed.', range: pointRange(path, source, at) }]
}

/** HCL numbers are decimal (the spec's NumericLit); the grammar also takes 0x10, which HashiCorp's parser refuses. */
function nonDecimalNumber(root: Node): Node | undefined {
  return root.descendantsOfType('numeric_lit').find((n): n is Node => n !== null && !/^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(n.text)) ?? undefined
}

async function nonDecimalDiagnostics(path: string, source: string, root: Node, literal: Node): Promise<Diagnostic[]> {
  const decimal = Number(literal.text)
  const hint = `HCL has no hexadecimal, octal or binary literals${Number.isFinite(decimal) ? `: write ${formatNumber(decimal)}` : ''}.`
  return (await syntaxDiagnostics(path, source, root)).map((d) => ({ ...d, hint }))
}

function firstError(node: Node): Node | undefined {
  if (node.type === 'ERROR' || node.isMissing) return node
  for (const child of node.children) {
    if (child?.hasError) return firstError(child) ?? child
  }
  return undefined
}

// hcl2json reports `parse config: [file:L,C-L,C: Summary; Detail]`, several separated by `, ` inside the brackets.
const HCL_ERROR = /([^\s[,][^:]*):(\d+),(\d+)-(?:(\d+),)?(\d+): ([^;]+); ([^\]]*?)(?=, [^\s,]+:\d+,\d+-|\]|$)/g

export function parseHcl2JsonError(path: string, source: string, message: string): Diagnostic[] {
  const locator = new Locator(path, source)
  const out: Diagnostic[] = []
  for (const m of message.matchAll(HCL_ERROR)) {
    const [, , line, column, endLine, endColumn, summary, detail] = m
    const start = locator.indexOf(Number(line), Number(column))
    const end = locator.indexOf(Number(endLine ?? line), Number(endColumn))
    out.push({ severity: 'error', summary: summary!.trim(), detail: detail!.trim(), range: locator.range(start, Math.max(start, end)) })
  }
  return out
}

export function pointRange(file: string, source: string, index: number): SourceRange {
  return new Locator(file, source).range(index, index)
}

/** Turns UTF-16 indices (what web-tree-sitter reports for JS strings) into line, column and UTF-8 byte offsets. */
export class Locator {
  private readonly lineStarts: number[] = [0]
  private readonly ascii: boolean

  /** `insertions`: indices in the parsed text where EXPONENT_PATCH was inserted, ascending. */
  constructor(
    readonly file: string,
    private readonly source: string,
    private readonly insertions: readonly number[] = [],
  ) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1)
    this.ascii = !/[^\x00-\x7f]/.test(source)
  }

  private original(index: number): number {
    let shift = 0
    for (const at of this.insertions) if (at < index) shift += Math.min(EXPONENT_PATCH.length, index - at)
    return index - shift
  }

  position(index: number): Position {
    let lo = 0
    let hi = this.lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.lineStarts[mid]! <= index) lo = mid
      else hi = mid - 1
    }
    const byte = this.ascii ? index : Buffer.byteLength(this.source.slice(0, index))
    // Columns count characters as HashiCorp's parser does, so an emoji is one column, not two UTF-16 units.
    const column = this.ascii ? index - this.lineStarts[lo]! + 1 : [...this.source.slice(this.lineStarts[lo]!, index)].length + 1
    return { line: lo + 1, column, byte }
  }

  /** A range from indices into the parsed text. */
  range(startIndex: number, endIndex: number): SourceRange {
    return { file: this.file, start: this.position(this.original(startIndex)), end: this.position(this.original(endIndex)) }
  }

  indexOf(line: number, column: number): number {
    const start = this.lineStarts[Math.min(line, this.lineStarts.length) - 1] ?? 0
    if (this.ascii) return Math.min(start + column - 1, this.source.length)
    const chars = [...this.source.slice(start, start + (column - 1) * 2)].slice(0, column - 1)
    return start + chars.join('').length
  }
}

/**
 * Converting and evaluating an expression recurse once per level of nesting, so a machine-made file nested thousands
 * deep would overflow the stack with no location. Hand-written HCL stays far below this.
 */
export const MAX_NESTING = 200
const NESTING = new Set(['tuple', 'object', 'function_call', 'conditional', 'binary_operation', 'unary_operation', 'for_tuple_expr', 'for_object_expr', 'quoted_template', 'heredoc_template'])

class NestedTooDeeply extends Error {
  constructor(readonly range: SourceRange) {
    super('nested too deeply')
  }
}

class Converter {
  constructor(
    private readonly loc: Locator,
    private readonly source: string,
  ) {}

  private range(node: Node): SourceRange {
    return this.loc.range(node.startIndex, node.endIndex)
  }

  body(node: Node, closing: SourceRange): Body {
    const attributes: Attribute[] = []
    const blocks: Block[] = []
    for (const child of node.namedChildren) {
      if (!child) continue
      if (child.type === 'attribute') attributes.push(this.attribute(child))
      else if (child.type === 'block') blocks.push(this.block(child))
    }
    return { attributes, blocks, range: closing }
  }

  private attribute(node: Node): Attribute {
    const name = node.namedChildren.find((c) => c?.type === 'identifier')!
    const expr = node.namedChildren.find((c) => c?.type === 'expression')!
    return { name: name.text, nameRange: this.range(name), expr: this.expr(expr), range: this.range(node) }
  }

  private block(node: Node): Block {
    const named = node.namedChildren.filter((c): c is Node => c !== null)
    const typeNode = named[0]!
    const labels = named
      .slice(1)
      .filter((c) => c.type === 'string_lit' || c.type === 'identifier')
      .map((c) => ({ value: c.type === 'string_lit' ? this.stringLit(c) : c.text, range: this.range(c) }))
    const open = node.children.find((c) => c?.type === 'block_start')!
    const close = node.children.find((c) => c?.type === 'block_end')
    const bodyNode = named.find((c) => c.type === 'body')
    const closing = this.loc.range(close?.startIndex ?? node.endIndex, close?.startIndex ?? node.endIndex)
    return {
      type: typeNode.text,
      labels,
      body: bodyNode ? this.body(bodyNode, closing) : { attributes: [], blocks: [], range: closing },
      typeRange: this.range(typeNode),
      headerRange: this.loc.range(node.startIndex, open.endIndex),
      range: this.range(node),
    }
  }

  private stringLit(node: Node): string {
    return unescapeQuoted(this.source.slice(node.startIndex + 1, node.endIndex - 1))
  }

  /** How many nesting constructs (see NESTING) enclose the expression being converted. */
  private nesting = 0

  expr(node: Node): Expr {
    const nests = NESTING.has(node.type) || (node.type === 'expression' && node.children[0]?.type === '(')
    if (nests && ++this.nesting > MAX_NESTING) throw new NestedTooDeeply(this.range(node))
    try {
      return this.convert(node)
    } finally {
      if (nests) this.nesting--
    }
  }

  private convert(node: Node): Expr {
    const range = this.range(node)
    switch (node.type) {
      case 'expression': {
        const named = node.namedChildren.filter((c): c is Node => c !== null)
        if (named.length === 1 && node.children[0]?.type === '(') return { kind: 'paren', inner: this.expr(named[0]!), range }
        let result = this.expr(named[0]!)
        for (const postfix of named.slice(1)) result = this.postfix(result, postfix, node.startIndex)
        return result
      }
      case 'literal_value':
      case 'collection_value':
      case 'template_expr':
      case 'operation':
      case 'for_expr':
        return this.expr(node.namedChildren[0]!)
      case 'numeric_lit':
        // Exact: a literal a double cannot hold (99999999999999999999999999) stays as written.
        return { kind: 'literal', value: parseDecimal(node.text) ?? Number(node.text), range }
      case 'bool_lit':
        return { kind: 'literal', value: node.text === 'true', range }
      case 'null_lit':
        return { kind: 'literal', value: null, range }
      case 'string_lit':
        return { kind: 'literal', value: this.stringLit(node), range }
      case 'quoted_template':
        return { kind: 'template', parts: this.templateParts(node.namedChildren, 'quoted', node.startIndex + 1, node.endIndex - 1), range }
      case 'heredoc_template':
        return { kind: 'template', parts: this.heredocParts(node), range }
      case 'tuple':
        return { kind: 'tuple', items: node.namedChildren.filter((c): c is Node => c?.type === 'expression').map((c) => this.expr(c)), range }
      case 'object':
        return {
          kind: 'object',
          items: node.namedChildren
            .filter((c): c is Node => c?.type === 'object_elem')
            .map((elem) => ({ key: this.objectKey(elem.childForFieldName('key')!), value: this.expr(elem.childForFieldName('val')!) })),
          range,
        }
      case 'variable_expr':
        return { kind: 'variable', name: node.text, range }
      case 'function_call': {
        const args = node.namedChildren.find((c) => c?.type === 'function_arguments')
        const argNodes = args ? args.namedChildren.filter((c): c is Node => c?.type === 'expression') : []
        return {
          kind: 'call',
          name: node.namedChildren[0]!.text,
          args: argNodes.map((a) => this.expr(a)),
          expandLast: Boolean(args?.namedChildren.some((c) => c?.type === 'ellipsis')),
          range,
        }
      }
      case 'conditional': {
        const [condition, then, otherwise] = node.namedChildren.map((c) => this.expr(c!))
        return { kind: 'conditional', condition: condition!, then: then!, otherwise: otherwise!, range }
      }
      case 'binary_operation': {
        // Parenthesised operands arrive as anonymous "(" and ")" siblings; the operator is the first other token.
        const opIndex = node.children.findIndex((c) => c !== null && !c.isNamed && c.text !== '(' && c.text !== ')')
        const op = node.children[opIndex]!.text
        const side = (from: number, to: number) => this.operand(node.children.slice(from, to))
        return { kind: 'binary', op, left: side(0, opIndex), right: side(opIndex + 1, node.children.length), range }
      }
      case 'unary_operation': {
        const op = node.children[0]!.text
        return { kind: 'unary', op, operand: this.operand(node.children.slice(1)), range }
      }
      case 'for_tuple_expr':
      case 'for_object_expr':
        return this.forExpr(node, range)
      default:
        // variable_expr-like primaries (get_attr on its own cannot start an expression); anything else is a parse gap.
        throw new Error(`unsupported syntax node ${node.type} at ${range.start.line}:${range.start.column}`)
    }
  }

  /** Operands of operators arrive flattened: a primary followed by its postfix operators as siblings. */
  private operand(children: (Node | null)[]): Expr {
    const named = children.filter((c): c is Node => c !== null && c.isNamed && c.type !== 'comment')
    let result = this.expr(named[0]!)
    for (const postfix of named.slice(1)) result = this.postfix(result, postfix, named[0]!.startIndex)
    return result
  }

  /** A bare identifier as an object key is a literal string, as in HCL; anything else is evaluated. */
  private objectKey(node: Node): Expr {
    const expr = this.expr(node)
    return expr.kind === 'variable' ? { kind: 'literal', value: expr.name, range: expr.range } : expr
  }

  private postfix(target: Expr, node: Node, start: number): Expr {
    const range = this.loc.range(start, node.endIndex)
    switch (node.type) {
      case 'get_attr':
        return { kind: 'getattr', target, name: node.namedChildren[0]!.text, range }
      case 'index': {
        const inner = node.namedChildren[0]!
        if (inner.type === 'legacy_index') {
          const key = Number(inner.text.replace('.', ''))
          return { kind: 'index', target, key: { kind: 'literal', value: key, range: this.range(inner) }, range }
        }
        return { kind: 'index', target, key: this.expr(inner.namedChildren[0]!), range }
      }
      case 'splat': {
        const splat = node.namedChildren[0]!
        let each: Expr = { kind: 'variable', name: SPLAT_ITEM, range }
        for (const op of splat.namedChildren) each = this.postfix(each, op!, start)
        return { kind: 'splat', target, each, range }
      }
      default:
        throw new Error(`unsupported postfix ${node.type}`)
    }
  }

  private forExpr(node: Node, range: SourceRange): Expr {
    const intro = node.namedChildren.find((c) => c?.type === 'for_intro')!
    const vars = intro.namedChildren.filter((c): c is Node => c?.type === 'identifier').map((c) => c.text)
    const collection = this.expr(intro.namedChildren.find((c) => c?.type === 'expression')!)
    const exprs = node.namedChildren.filter((c): c is Node => c?.type === 'expression').map((c) => this.expr(c))
    const cond = node.namedChildren.find((c) => c?.type === 'for_cond')
    const isObject = node.type === 'for_object_expr'
    return {
      kind: 'for',
      keyVar: vars.length === 2 ? vars[0] : undefined,
      valueVar: vars[vars.length - 1]!,
      collection,
      keyExpr: isObject ? exprs[0] : undefined,
      valueExpr: isObject ? exprs[1]! : exprs[0]!,
      condition: cond ? this.expr(cond.namedChildren[0]!) : undefined,
      grouping: node.namedChildren.some((c) => c?.type === 'ellipsis'),
      range,
    }
  }

  /** Template text is taken from the source between parts: tree-sitter drops whitespace-only literals. */
  private templateParts(nodes: (Node | null)[], mode: 'quoted' | 'heredoc', from: number, to: number): TemplatePart[] {
    const parts: TemplatePart[] = []
    let cursor = from
    const text = (until: number) => {
      if (until > cursor) {
        const raw = this.source.slice(cursor, until)
        parts.push({ kind: 'text', text: mode === 'quoted' ? unescapeQuoted(raw) : unescapeHeredoc(raw) })
      }
    }
    for (const child of nodes) {
      if (!child || child.type === 'template_literal') continue
      if (child.type === 'template_interpolation') {
        text(child.startIndex)
        parts.push({ kind: 'interp', expr: this.expr(child.namedChildren.find((c) => c?.type === 'expression')!) })
        cursor = child.endIndex
      } else if (child.type === 'template_directive') {
        text(child.startIndex)
        parts.push(this.directive(child.namedChildren[0]!, mode))
        cursor = child.endIndex
      }
    }
    text(to)
    return parts
  }

  private directive(node: Node, mode: 'quoted' | 'heredoc'): TemplatePart {
    const children = node.namedChildren.filter((c): c is Node => c !== null)
    const between = (a: Node, b: Node) =>
      this.templateParts(children.filter((c) => c.startIndex >= a.endIndex && c.endIndex <= b.startIndex), mode, a.endIndex, b.startIndex)
    if (node.type === 'template_if') {
      const intro = children.find((c) => c.type === 'template_if_intro')!
      const elseIntro = children.find((c) => c.type === 'template_else_intro')
      const end = children.find((c) => c.type === 'template_if_end')!
      return {
        kind: 'if',
        condition: this.expr(intro.namedChildren.find((c) => c?.type === 'expression')!),
        then: between(intro, elseIntro ?? end),
        otherwise: elseIntro ? between(elseIntro, end) : [],
      }
    }
    const start = children.find((c) => c.type === 'template_for_start')!
    const end = children.find((c) => c.type === 'template_for_end')!
    const vars = start.namedChildren.filter((c): c is Node => c?.type === 'identifier').map((c) => c.text)
    return {
      kind: 'for',
      keyVar: vars.length === 2 ? vars[0] : undefined,
      valueVar: vars[vars.length - 1]!,
      collection: this.expr(start.namedChildren.find((c) => c?.type === 'expression')!),
      body: between(start, end),
    }
  }

  private heredocParts(node: Node): TemplatePart[] {
    const start = node.namedChildren.find((c) => c?.type === 'heredoc_start')!
    const identifiers = node.namedChildren.filter((c): c is Node => c?.type === 'heredoc_identifier')
    // The body runs from the line after the opening identifier to the start of the closing identifier's line.
    const bodyStart = this.source.indexOf('\n', identifiers[0]!.endIndex) + 1
    const closingLineStart = this.source.lastIndexOf('\n', identifiers[identifiers.length - 1]!.startIndex) + 1
    const parts = this.templateParts(node.namedChildren, 'heredoc', bodyStart, Math.max(bodyStart, closingLineStart))
    return start.text.includes('-') ? stripIndent(parts) : parts
  }
}

/** `<<-EOT`: remove the smallest common indentation of the body's lines, as HCL does. */
function stripIndent(parts: TemplatePart[]): TemplatePart[] {
  const text = parts.map((p) => (p.kind === 'text' ? p.text : '\u0000')).join('')
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  const indent = Math.min(...lines.map((l) => l.match(/^[ \t]*/)![0].length))
  if (!Number.isFinite(indent) || indent === 0) return parts
  let atLineStart = true
  return parts.map((p) => {
    if (p.kind !== 'text') {
      atLineStart = false
      return p
    }
    const out = p.text
      .split('\n')
      .map((line, i) => ((i > 0 || atLineStart) && /^[ \t]*/.test(line) ? line.slice(Math.min(indent, line.match(/^[ \t]*/)![0].length)) : line))
      .join('\n')
    atLineStart = p.text.endsWith('\n')
    return { kind: 'text', text: out }
  })
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' }

function unescapeQuoted(text: string): string {
  return text
    .replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrt"\\])/g, (_, e: string) =>
      e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : ESCAPES[e]!,
    )
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{')
}

function unescapeHeredoc(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')
}

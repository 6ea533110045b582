// A parser in plain TypeScript for the common shape of manifests: blocks, attributes, and expressions made of literals,
// quoted strings with interpolations, tuples, objects, references, function calls, operators and conditionals. It
// makes the located AST that tree-sitter's tree and parse.ts's converter make for the same text, node for node and
// range for range, or gives up (undefined) at the first thing outside that shape or not exactly as HashiCorp writes it:
// heredocs, template directives, for expressions, splats, comments inside an expression, a value that does not end its
// line, an escape other than \n \r \t \" \\, a character outside ASCII other than in a string, a carriage return. The
// caller then parses the file with tree-sitter, which also gives every syntax error its message: this parser never
// reports one. Why it exists: tree-sitter parses about 2.5 MB/s in its WASM build and its tree must then be copied and
// converted; this reads the text once (bench/README.md). test/parse-direct.test.ts holds it to tree-sitter's AST on
// every manifest under test, on edge cases, and on thousands of mutated and generated texts.
import type { SourceRange } from '../diagnostics/index.js'
import type { Attribute, Block, Body, ConfigFile, Expr, Label, ObjectItem, TemplatePart } from './ast.js'
import { parseDecimal } from './number.js'
import { Locator, unescapeQuoted } from './source-text.js'

/** Thrown to unwind when the text is not what this parser takes; never escapes parseDirect. */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp('not for the direct parser')

/** Deeper nesting is left to tree-sitter's path, which reports MAX_NESTING exactly. */
const MAX_DEPTH = 64

/** Words the grammar gives a meaning of their own; as names they are left to tree-sitter. */
const KEYWORDS = new Set(['true', 'false', 'null', 'for', 'in', 'if', 'else', 'endif', 'endfor'])

/** Binary operators and their precedence, HCL's and the grammar's (make_grammar.js PREC), higher binds tighter. */
const PRECEDENCE: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '>': 4, '>=': 4, '<': 4, '<=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 }

const isDigit = (c: number) => c >= 48 && c <= 57
const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c) || c === 45

/** The file's located AST, or undefined when it must be parsed with tree-sitter. */
export function parseDirect(path: string, source: string): ConfigFile | undefined {
  // Line ends are \n: what tree-sitter's comment and whitespace tokens make of a carriage return is its own business.
  if (source.includes('\r')) return undefined
  try {
    const parser = new DirectParser(path, source)
    return { path, source, body: parser.file() }
  } catch (error) {
    if (error === GIVE_UP) return undefined
    throw error
  }
}

class DirectParser {
  private readonly loc: Locator
  private i = 0
  private depth = 0
  /** Where the last parenthesised operand started and ended: a whole expression in parentheses is a `paren`. */
  private parenStart = -1
  private parenEnd = -1

  constructor(
    path: string,
    private readonly src: string,
  ) {
    this.loc = new Locator(path, src)
  }

  file(): Body {
    const attributes: Attribute[] = []
    const blocks: Block[] = []
    this.items({ attributes, blocks }, true)
    // A file's body ends where tree-sitter's root node does: at the end of the text.
    return { attributes, blocks, range: this.loc.range(this.src.length, this.src.length) }
  }

  private code(at = this.i): number {
    return at < this.src.length ? this.src.charCodeAt(at) : -1
  }

  private range(start: number, end: number): SourceRange {
    return this.loc.range(start, end)
  }

  /** Spaces and tabs. */
  private spaces(): void {
    let c = this.code()
    while (c === 32 || c === 9) c = this.code(++this.i)
  }

  /** A `#` or `//` comment to the end of its line (not the newline), if one starts here. */
  private lineComment(): boolean {
    const c = this.code()
    if (c !== 35 && !(c === 47 && this.code(this.i + 1) === 47)) return false
    const end = this.src.indexOf('\n', this.i)
    this.i = end < 0 ? this.src.length : end
    return true
  }

  /**
   * Blanks and newlines between items; line comments too where `comments` (between the items of a body or a
   * collection, where tree-sitter leaves them outside every node the converter reads).
   */
  private gap(comments: boolean): void {
    for (;;) {
      const c = this.code()
      if (c === 32 || c === 9 || c === 10) this.i++
      else if (c === 35 || c === 47) {
        if (!comments || !this.lineComment()) throw GIVE_UP
      } else return
    }
  }

  /** After an attribute's value or a block's brace: the rest of the line is blank or a comment. */
  private endOfLine(): void {
    this.spaces()
    this.lineComment()
    const c = this.code()
    if (c !== 10 && c !== -1) throw GIVE_UP
  }

  private expect(c: number): void {
    if (this.code() !== c) throw GIVE_UP
    this.i++
  }

  private identifier(): string {
    const start = this.i
    if (!isIdentStart(this.code())) throw GIVE_UP
    while (isIdentPart(this.code(++this.i)));
    const c = this.code()
    if (c >= 128 || (c === 58 && this.code(this.i + 1) === 58)) throw GIVE_UP
    return this.src.slice(start, this.i)
  }

  /** An identifier that names something (attribute, block, label, key, attribute of a value): not a keyword. */
  private name(): string {
    const name = this.identifier()
    if (KEYWORDS.has(name)) throw GIVE_UP
    return name
  }

  private nest(): void {
    if (++this.depth > MAX_DEPTH) throw GIVE_UP
  }

  private items(into: Pick<Body, 'attributes' | 'blocks'>, top: boolean): void {
    for (;;) {
      this.gap(true)
      const c = this.code()
      if (c === -1 || c === 125) {
        if ((c === -1) !== top) throw GIVE_UP
        return
      }
      const start = this.i
      const name = this.name()
      const nameEnd = this.i
      this.spaces()
      if (this.code() === 61 && this.code(this.i + 1) !== 61) {
        this.i++
        this.spaces()
        const expr = this.expr()
        const end = this.i
        this.endOfLine()
        into.attributes.push({ name, nameRange: this.range(start, nameEnd), expr, range: this.range(start, end) } satisfies Attribute)
      } else into.blocks.push(this.block(name, start, nameEnd))
    }
  }

  private block(type: string, start: number, typeEnd: number): Block {
    const labels: Label[] = []
    for (;;) {
      const c = this.code()
      if (c === 123) break
      const at = this.i
      if (c === 34) {
        const label = this.quoted()
        if (label.kind !== 'literal') throw GIVE_UP
        labels.push({ value: label.value as string, range: label.range })
      } else labels.push({ value: this.name(), range: this.range(at, this.i) })
      this.spaces()
    }
    this.i++
    const open = this.i
    this.spaces()
    let body: Body
    if (this.code() === 125) body = { attributes: [], blocks: [], range: this.range(this.i, this.i) }
    else {
      this.endOfLine()
      const attributes: Attribute[] = []
      const blocks: Block[] = []
      this.items({ attributes, blocks }, false)
      body = { attributes, blocks, range: this.range(this.i, this.i) }
    }
    this.i++
    const end = this.i
    this.endOfLine()
    return { type, labels, body, typeRange: this.range(start, typeEnd), headerRange: this.range(start, open), range: this.range(start, end) }
  }

  /** An expression: operators over operands, then a conditional (not nested without parentheses). */
  private expr(): Expr {
    const start = this.i
    const condition = this.operation()
    const end = this.i
    this.spaces()
    if (this.code() !== 63) {
      this.i = end
      return condition
    }
    this.nest()
    this.i++
    this.spaces()
    const then = this.operation()
    this.spaces()
    this.expect(58)
    this.spaces()
    const otherwise = this.operation()
    this.depth--
    return { kind: 'conditional', condition, then, otherwise, range: this.range(start, this.i) }
  }

  /** The binary operator here, if any: not the start of a comment, an assignment or an arrow. */
  private operator(): string | undefined {
    const c = this.code()
    const d = this.code(this.i + 1)
    switch (c) {
      case 124:
        return d === 124 ? '||' : undefined
      case 38:
        return d === 38 ? '&&' : undefined
      case 61:
        return d === 61 ? '==' : undefined
      case 33:
        return d === 61 ? '!=' : undefined
      case 62:
        return d === 61 ? '>=' : '>'
      case 60:
        return d === 61 ? '<=' : d === 60 ? undefined : '<'
      case 43:
        return '+'
      case 45:
        return '-'
      case 42:
        return '*'
      case 47:
        return d === 47 || d === 42 ? undefined : '/'
      case 37:
        return '%'
      default:
        return undefined
    }
  }

  /** The grammar's `expression` without a conditional: in parentheses as a whole, it is a `paren`. */
  private operation(): Expr {
    const start = this.i
    const result = this.binary(1)
    return this.parenStart === start && this.parenEnd === this.i ? { kind: 'paren', inner: result, range: this.range(start, this.i) } : result
  }

  /** Operators of at least `min` precedence, left-associative (precedence climbing): a chain nests one level per operator. */
  private binary(min: number): Expr {
    const start = this.i
    let left = this.unary()
    let levels = 0
    for (;;) {
      const save = this.i
      this.spaces()
      const op = this.operator()
      const precedence = op === undefined ? 0 : PRECEDENCE[op]!
      if (op === undefined || precedence < min) {
        this.i = save
        this.depth -= levels
        return left
      }
      this.nest()
      levels++
      this.i += op.length
      this.spaces()
      const right = this.binary(precedence + 1)
      left = { kind: 'binary', op, left, right, range: this.range(start, this.i) }
    }
  }

  private unary(): Expr {
    const c = this.code()
    if (c !== 45 && c !== 33) return this.operand()
    const start = this.i
    this.nest()
    this.i++
    this.spaces()
    const d = this.code()
    if (d === 45 || d === 33) throw GIVE_UP
    const operand = this.operand()
    this.depth--
    return { kind: 'unary', op: c === 45 ? '-' : '!', operand, range: this.range(start, this.i) }
  }

  /**
   * An operand: a term and its postfix operators, or an expression in parentheses, of which the grammar keeps only
   * what is inside (operation() makes the `paren` of a whole expression).
   */
  private operand(): Expr {
    if (this.code() !== 40) return this.postfix()
    const start = this.i
    this.nest()
    this.i++
    this.gap(false)
    const inner = this.expr()
    this.gap(false)
    this.expect(41)
    this.depth--
    const c = this.code()
    if (c === 46 || c === 91) throw GIVE_UP
    this.parenStart = start
    this.parenEnd = this.i
    return inner
  }

  private postfix(): Expr {
    const start = this.i
    let result = this.term()
    const referable = result.kind === 'variable' || result.kind === 'call' || result.kind === 'tuple' || result.kind === 'object'
    for (;;) {
      const d = this.code()
      if (d !== 46 && d !== 91) return result
      if (!referable) throw GIVE_UP
      this.nest()
      this.i++
      if (d === 46) {
        const name = this.name()
        result = { kind: 'getattr', target: result, name, range: this.range(start, this.i) }
      } else {
        if (this.code() === 42) throw GIVE_UP
        this.gap(false)
        const key = this.expr()
        this.gap(false)
        this.expect(93)
        result = { kind: 'index', target: result, key, range: this.range(start, this.i) }
      }
      this.depth--
    }
  }

  private term(): Expr {
    const c = this.code()
    const start = this.i
    if (c === 34) return this.quoted()
    if (isDigit(c)) return this.number()
    if (c === 91) return this.tuple()
    if (c === 123) return this.object()
    if (!isIdentStart(c)) throw GIVE_UP
    const word = this.identifier()
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true', range: this.range(start, this.i) }
    if (word === 'null') return { kind: 'literal', value: null, range: this.range(start, this.i) }
    if (KEYWORDS.has(word)) throw GIVE_UP
    if (this.code() === 40) return this.call(word, start)
    return { kind: 'variable', name: word, range: this.range(start, this.i) }
  }

  /** The grammar's numeric_lit: digits, a fraction, an exponent only after a fraction; anything glued on gives up. */
  private number(): Expr {
    const start = this.i
    while (isDigit(this.code())) this.i++
    if (this.code() === 46 && isDigit(this.code(this.i + 1))) {
      this.i++
      while (isDigit(this.code())) this.i++
      const e = this.code()
      if (e === 101 || e === 69) {
        let k = this.i + 1
        if (this.code(k) === 43 || this.code(k) === 45) k++
        if (!isDigit(this.code(k))) throw GIVE_UP
        this.i = k
        while (isDigit(this.code())) this.i++
      }
    }
    const after = this.code()
    if (isIdentStart(after) || isDigit(after) || after === 46 || after >= 128) throw GIVE_UP
    const text = this.src.slice(start, this.i)
    return { kind: 'literal', value: parseDecimal(text) ?? Number(text), range: this.range(start, this.i) }
  }

  private tuple(): Expr {
    const start = this.i
    const items = this.list(93)
    return { kind: 'tuple', items, range: this.range(start, this.i) }
  }

  /** From an opening bracket or parenthesis to `close`: expressions separated by commas, one after the last allowed. */
  private list(close: number): Expr[] {
    this.nest()
    this.i++
    const items: Expr[] = []
    this.gap(true)
    while (this.code() !== close) {
      items.push(this.expr())
      if (!this.separator(close)) break
    }
    this.expect(close)
    this.depth--
    return items
  }

  /**
   * After a collection's element: a comma (and blanks), or blanks before the closing `close`. Returns whether another
   * element may follow.
   */
  private separator(close: number): boolean {
    this.gap(true)
    if (this.code() === 44) {
      this.i++
      this.gap(true)
      return this.code() !== close
    }
    return false
  }

  private object(): Expr {
    const start = this.i
    this.nest()
    this.i++
    const items: ObjectItem[] = []
    this.gap(true)
    while (this.code() !== 125) {
      const keyStart = this.i
      let key: Expr
      if (this.code() === 34) key = this.quoted()
      else {
        const name = this.name()
        key = { kind: 'literal', value: name, range: this.range(keyStart, this.i) }
      }
      this.spaces()
      const c = this.code()
      if (c === 58 || (c === 61 && this.code(this.i + 1) !== 61 && this.code(this.i + 1) !== 62)) this.i++
      else throw GIVE_UP
      this.spaces()
      const value = this.expr()
      items.push({ key, value })
      // Items are separated by a comma or a newline, as HashiCorp's parser requires (the grammar takes neither).
      this.spaces()
      const next = this.code()
      if (next === 44) {
        this.i++
        this.gap(true)
      } else if (next === 10 || next === 35 || next === 47) this.gap(true)
      else if (next !== 125) throw GIVE_UP
    }
    this.i++
    this.depth--
    return { kind: 'object', items, range: this.range(start, this.i) }
  }

  private call(name: string, start: number): Expr {
    const args = this.list(41)
    return { kind: 'call', name, args, expandLast: false, range: this.range(start, this.i) }
  }

  /** A quoted string: a literal without interpolations (the grammar's string_lit), a template with them. */
  private quoted(): Expr {
    const start = this.i
    const src = this.src
    const parts: TemplatePart[] = []
    let cursor = ++this.i
    let template = false
    for (;;) {
      const c = this.code()
      if (c === 34) break
      if (c < 32 || c === 127) throw GIVE_UP
      if (c === 92) {
        const e = this.code(this.i + 1)
        if (e !== 110 && e !== 114 && e !== 116 && e !== 34 && e !== 92) throw GIVE_UP
        this.i += 2
      } else if ((c === 36 || c === 37) && (this.code(this.i + 1) === 123 || (this.code(this.i + 1) === c && this.code(this.i + 2) === 123))) {
        if (c === 37 || this.code(this.i + 1) === 36) throw GIVE_UP
        // ${ ... }: an interpolation, no strip markers.
        if (this.i > cursor) parts.push({ kind: 'text', text: unescapeQuoted(src.slice(cursor, this.i)) })
        template = true
        this.nest()
        this.i += 2
        if (this.code() === 126) throw GIVE_UP
        this.spaces()
        if (this.code() === 125) throw GIVE_UP
        parts.push({ kind: 'interp', expr: this.expr() })
        this.spaces()
        if (this.code() === 126) throw GIVE_UP
        this.expect(125)
        this.depth--
        cursor = this.i
      } else this.i++
    }
    const end = this.i
    this.i++
    if (!template) return { kind: 'literal', value: unescapeQuoted(src.slice(start + 1, end)), range: this.range(start, this.i) }
    if (end > cursor) parts.push({ kind: 'text', text: unescapeQuoted(src.slice(cursor, end)) })
    return { kind: 'template', parts, range: this.range(start, this.i) }
  }
}

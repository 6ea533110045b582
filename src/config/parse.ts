// Parses manifest files with tree-sitter (located tree for everything) and, only when the tree has errors, asks
// HashiCorp's own parser (@cdktn/hcl2json) for the authoritative syntax message.
import { parseDecimal } from './number.js'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { setFlagsFromString } from 'node:v8'
import { Language, Parser, type Node } from 'web-tree-sitter'
import type { Diagnostic, SourceRange } from '../diagnostics/index.js'
import type { Attribute, Block, Body, ConfigFile, Expr, TemplatePart } from './ast.js'
import { SPLAT_ITEM } from './ast.js'
import { parseDirect } from './parse-direct.js'
import { PieceWorker, pieceWorkerUrl, planPieces, type Piece } from './parse-pieces.js'
import { emscriptenModule, rawModule, SyntaxTree, type CursorExports, type TreeParts } from './syntax-tree.js'
import { formatNumber } from './value.js'
import { EXPONENT_PATCH, Locator, unescapeHeredoc, unescapeQuoted } from './source-text.js'

interface HclParser {
  parser: Parser
  /** The WASM exports SyntaxTree.read walks its trees with (test/syntax-tree.test.ts checks that walk). */
  wasm: CursorExports
  language: Language
  /** web-tree-sitter's compiled WASM module and the grammar's bytes, for the worker thread of parse-pieces.ts. */
  core: WebAssembly.Module
  languageBytes: Uint8Array
}

/**
 * V8 starts compiling a WASM function with its optimising compiler once it has run for a "budget" (1.8 M on Node 20, 13 M
 * on 22). Parsing even a small configuration spends that in tree-sitter's parser, and the compile then costs about 90 ms
 * of CPU, more than the parse itself; HashiCorp's parser (Go compiled to WASM, run for a syntax error's message) about
 * 330 ms (bench/README.md, "Start-up"). With this budget, set before tree-sitter's module is compiled for a small input
 * and kept for the rest of the run (V8 reads it when compiling and again as functions run: raised only while the
 * instances were made, the small example paid the compile again), a configuration of a few hundred lines parses with
 * the baseline code alone. Large ones keep V8's own budget: the optimised code pays off there. The flag is changed as
 * late as this because while any V8 flag differs from node's build, every module of node's own loaded from then on (on
 * any thread: the whole start of a worker, such as the refresh's) is compiled without node's code cache.
 */
const SMALL_INPUT_TIERING_BUDGET = 1_000_000_000

let budgetRaised = false

function raiseTieringBudget(): void {
  if (!budgetRaised) setFlagsFromString(`--wasm-tiering-budget=${SMALL_INPUT_TIERING_BUDGET}`)
  budgetRaised = true
}

let parserPromise: Promise<HclParser> | undefined

/** tree-sitter with the HCL grammar, made once per process: by the first caller, `large` or not (see above). */
export function hclParser(large = false): Promise<HclParser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url)
    const [coreBytes, languageBytes] = await Promise.all([readFile(require.resolve('web-tree-sitter/tree-sitter.wasm')), readFile(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'))])
    if (!large) raiseTieringBudget()
    const core = await WebAssembly.compile(coreBytes)
    const module = emscriptenModule(core)
    await Parser.init(module)
    const language = await Language.load(languageBytes)
    const parser = new Parser()
    parser.setLanguage(language)
    return { parser, wasm: rawModule(module), language, core, languageBytes }
  })()
  return parserPromise
}

export interface ParseResult {
  file?: ConfigFile
  diagnostics: Diagnostic[]
}

export async function parseHcl(path: string, source: string): Promise<ParseResult> {
  const { parser, wasm } = await hclParser()
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
    const syntax = SyntaxTree.read(tree, wasm, text)
    const nonDecimal = nonDecimalNumber(syntax)
    if (nonDecimal !== undefined) return { diagnostics: await nonDecimalDiagnostics(path, source, root, nonDecimal) }
    if (newlinesMayMatter(syntax)) {
      const errors = await hashicorpErrors(path, source)
      if (errors.length > 0) return { diagnostics: errors }
    }
    return located(path, source, syntax, insertions)
  } finally {
    tree.delete()
  }
}

/** The located syntax tree of a file whose tree parsed without errors. */
function located(path: string, source: string, syntax: SyntaxTree, insertions: readonly number[] = []): ParseResult {
  const locator = new Locator(path, source, insertions)
  const bodyNode = syntax.namedChild(0, 'body')
  let body: Body
  try {
    body = bodyNode !== undefined ? new Converter(locator, syntax.text, syntax).body(bodyNode, locator.range(syntax.to[0]!, syntax.to[0]!)) : emptyBody(locator, syntax.text.length)
  } catch (error) {
    if (!(error instanceof NestedTooDeeply)) throw error
    return { diagnostics: [{ severity: 'error', summary: 'Expression nested too deeply', detail: `Brackets, braces, parentheses, operators, function calls and templates may be nested at most ${MAX_NESTING} levels deep; this one goes deeper.`, range: error.range, hint: 'Split the expression into locals.' }] }
  }
  return { file: { path, source, body }, diagnostics: [] }
}

export interface ManifestText {
  /** As diagnostics name the file. */
  path: string
  source: string
}

/** Below this many characters in all, the files are parsed on the main thread alone (bench/README.md). */
const PIECES_FROM = 200_000
/**
 * Also for inputs this large: no inlining in V8's optimising compiler. Converting and building a large configuration
 * makes it optimise its biggest functions (each compiled twice, as pretenuring decisions change): about 1 s of compile
 * CPU on V8's helper threads, which on two cores competes with the parse. The main thread runs no slower without it
 * (0.70 s of CPU either way at 1,000 jobs) and the process's CPU drops by about 0.2 s (bench/README.md). The worker
 * sets it once it has started: a thread that starts while a flag differs from node's build loads node's own modules
 * without their code cache (40–50 ms more CPU).
 */
const LARGE_INPUT_FLAGS = '--no-turbo-inlining'
/**
 * The worker's share of the characters. The main thread parses its share and converts it while the worker parses the
 * rest, in two pieces: the first is converted while the worker parses the second. With this share the main thread
 * asks for each of the worker's pieces about when it arrives (bench/README.md).
 */
const WORKER_SHARE = 0.56

/** For tests: pieces at every cut from the first character on, or a worker that is not parse-worker.ts. */
export interface PieceOptions {
  /** false: tree-sitter parses every file, none is read by the direct parser (src/config/parse-direct.ts). */
  direct?: boolean
  everyCut?: boolean
  workerUrl?: URL
  /** Filled in: how many pieces the worker parsed, and how many files were put together from pieces or parsed whole. */
  report?: { workerPieces: number; merged: number; whole: number }
}

/**
 * Every file's ParseResult, the same as parseHcl's. A file the direct parser reads (src/config/parse-direct.ts) needs no
 * tree-sitter; the others are parsed with it, as below.
 */
export async function parseHclFiles(files: readonly ManifestText[], options: PieceOptions = {}): Promise<ParseResult[]> {
  if (options.direct === false) return parseWithTreeSitter(files, options)
  const direct = files.map(({ path, source }) => parseDirect(path, source))
  const rest = files.filter((_, i) => direct[i] === undefined)
  const parsed = rest.length > 0 ? await parseWithTreeSitter(rest, options) : []
  let next = 0
  return direct.map((file) => (file ? { file, diagnostics: [] } : parsed[next++]!))
}

/**
 * parseHclFiles with tree-sitter alone. Large configurations are parsed in pieces on the main thread and a worker thread
 * at once (src/config/parse-pieces.ts): a file's top-level items are converted piece by piece, in order, as their trees
 * arrive. A file any piece of which has a syntax error (or a non-decimal number, or nesting too deep), or that the
 * worker did not answer for, is parsed whole by parseHcl, which reports it as without pieces.
 */
async function parseWithTreeSitter(files: readonly ManifestText[], options: PieceOptions): Promise<ParseResult[]> {
  const whole = () => Promise.all(files.map((f) => parseHcl(f.path, f.source)))
  const texts = files.map((f) => f.source)
  const lengths = texts.map((t) => t.length)
  const workerUrl = options.workerUrl ?? pieceWorkerUrl(import.meta.url)
  const total = lengths.reduce((a, b) => a + b, 0)
  if (!workerUrl || (!options.everyCut && total < PIECES_FROM)) return whole()
  const worker = new PieceWorker(workerUrl)
  try {
    const { parser, wasm, language, core, languageBytes } = await hclParser(total >= PIECES_FROM)
    const pieces = planPieces(lengths, texts, WORKER_SHARE, options.everyCut)
    const offWorker = pieces.filter((p) => p.onWorker)
    if (offWorker.length === 0) return whole()
    const answers = worker.parse({ core, languageBytes, v8Flags: total >= PIECES_FROM ? LARGE_INPUT_FLAGS : undefined, texts: offWorker.map((p) => texts[p.file]!.slice(p.start, p.end)), at: offWorker.map((p) => p.start) })
    const trees = new Map<Piece, TreeParts | null>()
    for (const piece of pieces) {
      if (piece.onWorker) continue
      const text = texts[piece.file]!.slice(piece.start, piece.end)
      const tree = parser.parse(text)
      try {
        trees.set(piece, !tree || tree.rootNode.hasError ? null : SyntaxTree.copy(tree, wasm, text.length, piece.start))
      } finally {
        tree?.delete()
      }
    }
    const assembled = files.map(({ path, source }, file) => new Assembly(path, source, pieces.filter((p) => p.file === file), language))
    // What the main thread parsed is converted while the worker parses on, then each of the worker's pieces as it comes.
    for (const file of assembled) file.convert(trees)
    const { report } = options
    for (const [i, piece] of offWorker.entries()) {
      const tree = await answers[i]!
      trees.set(piece, tree)
      if (report && tree) report.workerPieces++
      assembled[piece.file]!.convert(trees)
    }
    return await Promise.all(
      assembled.map(async (file) => {
        file.convert(trees)
        const result = file.result()
        if (report) report[result ? 'merged' : 'whole']++
        return result ?? parseHcl(file.path, file.source)
      }),
    )
  } finally {
    worker.stop()
  }
}

/**
 * A file's located syntax tree, put together from its pieces' trees in order. Each piece's top-level items are its
 * body's, converted as in the whole file's tree (test/parse-pieces.test.ts compares them node for node): only the first
 * piece may have comments before its body, only the last after it, and the file's body ends where the last piece's
 * root does. Any piece that does not fit that, or that parseHcl would refuse, fails the file.
 */
class Assembly {
  private readonly locator: Locator
  readonly attributes: Attribute[] = []
  readonly blocks: Block[] = []
  private converted = 0
  private failed = false
  private end = 0

  constructor(
    readonly path: string,
    readonly source: string,
    private readonly pieces: readonly Piece[],
    private readonly language: Language,
  ) {
    this.locator = new Locator(path, source)
  }

  /** Converts the pieces whose trees have arrived, in order, up to the first that has not. */
  convert(trees: ReadonlyMap<Piece, TreeParts | null>): void {
    for (; !this.failed && this.converted < this.pieces.length; this.converted++) {
      const parts = trees.get(this.pieces[this.converted]!)
      if (parts === undefined) return
      if (parts === null || !this.add(SyntaxTree.fromParts(parts, this.language, this.source), this.converted)) this.failed = true
    }
  }

  private add(tree: SyntaxTree, k: number): boolean {
    if (nonDecimalNumber(tree) !== undefined || newlinesMayMatter(tree)) return false
    let body: number | undefined
    for (let child = 1; child < tree.size; child = tree.next[child]!) if (tree.type(child) === 'body') body = child
    if (body === undefined) {
      // A file of comments only: parseHcl gives it an empty body that ends with the text.
      if (this.pieces.length > 1) return false
      this.end = this.source.length
      return true
    }
    if ((k > 0 && body !== 1) || (k < this.pieces.length - 1 && tree.next[body] !== tree.size)) return false
    try {
      new Converter(this.locator, this.source, tree).items(body, this)
    } catch (error) {
      if (!(error instanceof NestedTooDeeply)) throw error
      return false
    }
    this.end = tree.to[0]!
    return true
  }

  /** The file parsed, or undefined when parseHcl must parse it whole. */
  result(): ParseResult | undefined {
    if (this.failed || this.converted < this.pieces.length) return undefined
    return { file: { path: this.path, source: this.source, body: { attributes: this.attributes, blocks: this.blocks, range: this.locator.range(this.end, this.end) } }, diagnostics: [] }
  }
}

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
  const parsed = await hashicorpErrors(path, source)
  if (parsed.length > 0) return parsed
  // HashiCorp's parser accepted what tree-sitter did not: fall back to tree-sitter's first error node.
  const errorNode = firstError(root)
  const at = errorNode?.startIndex ?? 0
  return [{ severity: 'error', summary: 'Invalid syntax', detail: 'This part of the file could not be parsed.', range: pointRange(path, source, at) }]
}

/** HashiCorp's parser's errors in a text: none when it accepts it (or says something parseHcl2JsonError cannot read). */
async function hashicorpErrors(path: string, source: string): Promise<Diagnostic[]> {
  raiseTieringBudget()
  const { parse } = await import('@cdktn/hcl2json')
  try {
    await parse(path, source)
    return []
  } catch (error) {
    return parseHcl2JsonError(path, source, String((error as Error).message ?? error))
  }
}

/** Syntax nodes per level of nesting, at most: `expression`, `operation`, `binary_operation`. */
const NESTED_NODES = 3

/** The nodes newlinesMayMatter looks at. */
const NEWLINE_RULES = new Set(['body', 'block', 'object', 'attribute'])

/** Where HCL ignores newlines inside an expression: between brackets, parentheses and braces, and in templates. */
const NEWLINES_IGNORED = new Set(['tuple', 'object', 'function_arguments', 'for_tuple_expr', 'for_object_expr', 'quoted_template', 'heredoc_template', 'string_lit'])

/**
 * Whether the file may break HCL's newline rules, which tree-sitter's grammar does not know (it reads every newline
 * as a blank): an argument or block must end its line (`a = 1 b = 2`, `b {} c {}`), a single-line block holds one
 * argument, a multi-line block's `}` starts its line, object items are separated by commas or newlines, and outside
 * brackets an expression does not go on to the next line (`x = 1\n + 2` is two lines to HashiCorp, `1 + 2` to the
 * grammar). Cheap and cautious: a file it flags is handed to HashiCorp's parser, whose errors then stand.
 */
function newlinesMayMatter(tree: SyntaxTree): boolean {
  const { from, to } = tree
  const newline = (after: number, before: number) => {
    const at = tree.text.indexOf('\n', to[after]!)
    return at !== -1 && at < from[before]!
  }
  const items = (body: number) => tree.namedChildren(body).filter((c) => tree.type(c) === 'attribute' || tree.type(c) === 'block')
  /**
   * Whether two neighbours at the top level of an expression sit on different lines, outside any bracket. Not below
   * the nesting the converter allows (it reports deeper nesting itself; a deeper walk would overflow the stack).
   */
  const spansLines = (node: number, depth = 0): boolean => {
    if (NEWLINES_IGNORED.has(tree.type(node)) || depth > NESTED_NODES * MAX_NESTING) return false
    let open = 0
    const children = tree.children(node)
    for (const [i, child] of children.entries()) {
      const type = tree.type(child)
      if (type === '(') open++
      else if (type === ')') open--
      else if (open === 0 && tree.isNamed(child) && spansLines(child, depth + 1)) return true
      if (open === 0 && i + 1 < children.length && newline(child, children[i + 1]!)) return true
    }
    return false
  }
  const checked = tree.typeTest(NEWLINE_RULES)
  for (let node = 0; node < tree.size; node++) {
    if (!tree.isOf(node, checked)) continue
    switch (tree.type(node)) {
      case 'body': {
        const list = items(node)
        if (list.some((item, i) => i > 0 && !newline(list[i - 1]!, item))) return true
        break
      }
      case 'block': {
        const open = tree.child(node, 'block_start')
        const close = tree.child(node, 'block_end')
        const body = tree.namedChild(node, 'body')
        const list = body === undefined ? [] : items(body)
        if (open === undefined || close === undefined || list.length === 0) break
        const last = list[list.length - 1]!
        const oneLine = !newline(open, list[0]!)
        if (oneLine ? list.length > 1 || tree.type(last) === 'block' || newline(last, close) : !newline(last, close)) return true
        break
      }
      case 'object': {
        let previous: number | undefined
        for (const child of tree.children(node)) {
          if (tree.type(child) === ',') previous = undefined
          else if (tree.type(child) === 'object_elem') {
            if (previous !== undefined && !newline(previous, child)) return true
            previous = child
          }
        }
        break
      }
      case 'attribute':
        if (spansLines(node)) return true
    }
  }
  return false
}

/** HCL numbers are decimal (the spec's NumericLit); the grammar also takes 0x10, which HashiCorp's parser refuses. */
function nonDecimalNumber(tree: SyntaxTree): string | undefined {
  // The grammar's one other form of number is 0x…: a text without "0x" has none, and the walk over every node is skipped.
  if (!tree.text.includes('0x')) return undefined
  return tree
    .ofType('numeric_lit')
    .map((n) => tree.nodeText(n))
    .find((text) => !/^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text))
}

async function nonDecimalDiagnostics(path: string, source: string, root: Node, literal: string): Promise<Diagnostic[]> {
  const decimal = Number(literal)
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
    private readonly tree: SyntaxTree,
  ) {}

  private range(node: number): SourceRange {
    return this.loc.range(this.tree.from[node]!, this.tree.to[node]!)
  }

  private text(node: number): string {
    return this.tree.nodeText(node)
  }

  body(node: number, closing: SourceRange): Body {
    const body: Body = { attributes: [], blocks: [], range: closing }
    this.items(node, body)
    return body
  }

  /** A body node's attributes and blocks, appended to `into`'s. */
  items(node: number, into: Pick<Body, 'attributes' | 'blocks'>): void {
    const { tree } = this
    for (let child = node + 1; child < tree.next[node]!; child = tree.next[child]!) {
      const type = tree.type(child)
      if (type === 'attribute') into.attributes.push(this.attribute(child))
      else if (type === 'block') into.blocks.push(this.block(child))
    }
  }

  private attribute(node: number): Attribute {
    const name = this.tree.namedChild(node, 'identifier')!
    const expr = this.tree.namedChild(node, 'expression')!
    return { name: this.text(name), nameRange: this.range(name), expr: this.expr(expr), range: this.range(node) }
  }

  private block(node: number): Block {
    const { tree } = this
    const named = tree.namedChildren(node)
    const typeNode = named[0]!
    const labels = named
      .slice(1)
      .filter((c) => tree.type(c) === 'string_lit' || tree.type(c) === 'identifier')
      .map((c) => ({ value: tree.type(c) === 'string_lit' ? this.stringLit(c) : this.text(c), range: this.range(c) }))
    const open = tree.child(node, 'block_start')!
    const close = tree.child(node, 'block_end')
    const bodyNode = tree.namedChild(node, 'body')
    const closeAt = close === undefined ? tree.to[node]! : tree.from[close]!
    const closing = this.loc.range(closeAt, closeAt)
    return {
      type: this.text(typeNode),
      labels,
      body: bodyNode !== undefined ? this.body(bodyNode, closing) : { attributes: [], blocks: [], range: closing },
      typeRange: this.range(typeNode),
      headerRange: this.loc.range(tree.from[node]!, tree.to[open]!),
      range: this.range(node),
    }
  }

  private stringLit(node: number): string {
    return unescapeQuoted(this.source.slice(this.tree.from[node]! + 1, this.tree.to[node]! - 1))
  }

  /** How many nesting constructs (see NESTING) enclose the expression being converted. */
  private nesting = 0

  expr(node: number): Expr {
    const type = this.tree.type(node)
    const first = this.tree.firstChild(node)
    const nests = NESTING.has(type) || (type === 'expression' && first !== undefined && this.tree.type(first) === '(')
    if (nests && ++this.nesting > MAX_NESTING) throw new NestedTooDeeply(this.range(node))
    try {
      return this.convert(node, type)
    } finally {
      if (nests) this.nesting--
    }
  }

  private convert(node: number, type: string): Expr {
    const { tree } = this
    switch (type) {
      case 'expression': {
        const named = tree.namedChildren(node)
        const first = tree.firstChild(node)
        if (named.length === 1 && first !== undefined && tree.type(first) === '(') return { kind: 'paren', inner: this.expr(named[0]!), range: this.range(node) }
        let result = this.expr(named[0]!)
        for (let i = 1; i < named.length; i++) result = this.postfix(result, named[i]!, tree.from[node]!)
        return result
      }
      case 'literal_value':
      case 'collection_value':
      case 'template_expr':
      case 'operation':
      case 'for_expr':
        return this.expr(tree.namedChild(node)!)
      case 'numeric_lit': {
        const text = this.text(node)
        // Exact: a literal a double cannot hold (99999999999999999999999999) stays as written.
        return { kind: 'literal', value: parseDecimal(text) ?? Number(text), range: this.range(node) }
      }
      case 'bool_lit':
        return { kind: 'literal', value: this.text(node) === 'true', range: this.range(node) }
      case 'null_lit':
        return { kind: 'literal', value: null, range: this.range(node) }
      case 'string_lit':
        return { kind: 'literal', value: this.stringLit(node), range: this.range(node) }
      case 'quoted_template':
        return { kind: 'template', parts: this.templateParts(tree.namedChildren(node), 'quoted', tree.from[node]! + 1, tree.to[node]! - 1), range: this.range(node) }
      case 'heredoc_template':
        return { kind: 'template', parts: this.heredocParts(node), range: this.range(node) }
      case 'tuple':
        return { kind: 'tuple', items: tree.namedChildren(node).filter((c) => tree.type(c) === 'expression').map((c) => this.expr(c)), range: this.range(node) }
      case 'object':
        return {
          kind: 'object',
          items: tree
            .namedChildren(node)
            .filter((c) => tree.type(c) === 'object_elem')
            .map((elem) => {
              // object_elem is `key = val` (or `key: val`), both expressions: the grammar's fields key and val.
              const [key, value] = tree.namedChildren(elem).filter((c) => tree.type(c) === 'expression')
              return { key: this.objectKey(key!), value: this.expr(value!) }
            }),
          range: this.range(node),
        }
      case 'variable_expr':
        return { kind: 'variable', name: this.text(node), range: this.range(node) }
      case 'function_call': {
        const range = this.range(node)
        const args = tree.namedChild(node, 'function_arguments')
        const argNodes = args !== undefined ? tree.namedChildren(args).filter((c) => tree.type(c) === 'expression') : []
        return {
          kind: 'call',
          name: this.text(tree.namedChild(node)!),
          args: argNodes.map((a) => this.expr(a)),
          expandLast: args !== undefined && tree.namedChild(args, 'ellipsis') !== undefined,
          range,
        }
      }
      case 'conditional': {
        const range = this.range(node)
        const [condition, then, otherwise] = tree.namedChildren(node).map((c) => this.expr(c))
        return { kind: 'conditional', condition: condition!, then: then!, otherwise: otherwise!, range }
      }
      case 'binary_operation': {
        const range = this.range(node)
        // Parenthesised operands arrive as anonymous "(" and ")" siblings; the operator is the first other token.
        const children = tree.children(node)
        const opIndex = children.findIndex((c) => !tree.isNamed(c) && this.text(c) !== '(' && this.text(c) !== ')')
        const op = this.text(children[opIndex]!)
        const side = (from: number, to: number) => this.operand(children.slice(from, to))
        return { kind: 'binary', op, left: side(0, opIndex), right: side(opIndex + 1, children.length), range }
      }
      case 'unary_operation': {
        const range = this.range(node)
        const children = tree.children(node)
        return { kind: 'unary', op: this.text(children[0]!), operand: this.operand(children.slice(1)), range }
      }
      case 'for_tuple_expr':
      case 'for_object_expr':
        return this.forExpr(node, this.range(node))
      default: {
        // variable_expr-like primaries (get_attr on its own cannot start an expression); anything else is a parse gap.
        const range = this.range(node)
        throw new Error(`unsupported syntax node ${type} at ${range.start.line}:${range.start.column}`)
      }
    }
  }

  /** Operands of operators arrive flattened: a primary followed by its postfix operators as siblings. */
  private operand(children: number[]): Expr {
    const named = children.filter((c) => this.tree.isNamed(c) && this.tree.type(c) !== 'comment')
    let result = this.expr(named[0]!)
    for (const postfix of named.slice(1)) result = this.postfix(result, postfix, this.tree.from[named[0]!]!)
    return result
  }

  /** A bare identifier as an object key is a literal string, as in HCL; anything else is evaluated. */
  private objectKey(node: number): Expr {
    const expr = this.expr(node)
    return expr.kind === 'variable' ? { kind: 'literal', value: expr.name, range: expr.range } : expr
  }

  private postfix(target: Expr, node: number, start: number): Expr {
    const { tree } = this
    const range = this.loc.range(start, tree.to[node]!)
    switch (tree.type(node)) {
      case 'get_attr':
        return { kind: 'getattr', target, name: this.text(tree.namedChild(node)!), range }
      case 'index': {
        const inner = tree.namedChild(node)!
        if (tree.type(inner) === 'legacy_index') {
          const key = Number(this.text(inner).replace('.', ''))
          return { kind: 'index', target, key: { kind: 'literal', value: key, range: this.range(inner) }, range }
        }
        return { kind: 'index', target, key: this.expr(tree.namedChild(inner)!), range }
      }
      case 'splat': {
        const splat = tree.namedChild(node)!
        let each: Expr = { kind: 'variable', name: SPLAT_ITEM, range }
        for (const op of tree.namedChildren(splat)) each = this.postfix(each, op, start)
        return { kind: 'splat', target, each, range }
      }
      default:
        throw new Error(`unsupported postfix ${tree.type(node)}`)
    }
  }

  private forExpr(node: number, range: SourceRange): Expr {
    const { tree } = this
    const intro = tree.namedChild(node, 'for_intro')!
    const vars = tree.namedChildren(intro).filter((c) => tree.type(c) === 'identifier').map((c) => this.text(c))
    const collection = this.expr(tree.namedChild(intro, 'expression')!)
    const exprs = tree.namedChildren(node).filter((c) => tree.type(c) === 'expression').map((c) => this.expr(c))
    const cond = tree.namedChild(node, 'for_cond')
    const isObject = tree.type(node) === 'for_object_expr'
    return {
      kind: 'for',
      keyVar: vars.length === 2 ? vars[0] : undefined,
      valueVar: vars[vars.length - 1]!,
      collection,
      keyExpr: isObject ? exprs[0] : undefined,
      valueExpr: isObject ? exprs[1]! : exprs[0]!,
      condition: cond !== undefined ? this.expr(tree.namedChild(cond)!) : undefined,
      grouping: tree.namedChild(node, 'ellipsis') !== undefined,
      range,
    }
  }

  /** Template text is taken from the source between parts: tree-sitter drops whitespace-only literals. */
  private templateParts(nodes: number[], mode: 'quoted' | 'heredoc', from: number, to: number): TemplatePart[] {
    const { tree } = this
    const parts: TemplatePart[] = []
    let cursor = from
    const text = (until: number) => {
      if (until > cursor) {
        const raw = this.source.slice(cursor, until)
        parts.push({ kind: 'text', text: mode === 'quoted' ? unescapeQuoted(raw) : unescapeHeredoc(raw) })
      }
    }
    for (const child of nodes) {
      const type = tree.type(child)
      if (type === 'template_interpolation') {
        text(tree.from[child]!)
        parts.push({ kind: 'interp', expr: this.expr(tree.namedChild(child, 'expression')!) })
        cursor = tree.to[child]!
      } else if (type === 'template_directive') {
        text(tree.from[child]!)
        parts.push(this.directive(tree.namedChild(child)!, mode))
        cursor = tree.to[child]!
      }
    }
    text(to)
    return parts
  }

  private directive(node: number, mode: 'quoted' | 'heredoc'): TemplatePart {
    const { tree } = this
    const children = tree.namedChildren(node)
    const between = (a: number, b: number) =>
      this.templateParts(children.filter((c) => tree.from[c]! >= tree.to[a]! && tree.to[c]! <= tree.from[b]!), mode, tree.to[a]!, tree.from[b]!)
    const find = (type: string) => children.find((c) => tree.type(c) === type)
    if (tree.type(node) === 'template_if') {
      const intro = find('template_if_intro')!
      const elseIntro = find('template_else_intro')
      const end = find('template_if_end')!
      return {
        kind: 'if',
        condition: this.expr(tree.namedChild(intro, 'expression')!),
        then: between(intro, elseIntro ?? end),
        otherwise: elseIntro !== undefined ? between(elseIntro, end) : [],
      }
    }
    const start = find('template_for_start')!
    const end = find('template_for_end')!
    const vars = tree.namedChildren(start).filter((c) => tree.type(c) === 'identifier').map((c) => this.text(c))
    return {
      kind: 'for',
      keyVar: vars.length === 2 ? vars[0] : undefined,
      valueVar: vars[vars.length - 1]!,
      collection: this.expr(tree.namedChild(start, 'expression')!),
      body: between(start, end),
    }
  }

  private heredocParts(node: number): TemplatePart[] {
    const { tree } = this
    const named = tree.namedChildren(node)
    const start = named.find((c) => tree.type(c) === 'heredoc_start')!
    const identifiers = named.filter((c) => tree.type(c) === 'heredoc_identifier')
    // The body runs from the line after the opening identifier to the start of the closing identifier's line.
    const bodyStart = this.source.indexOf('\n', tree.to[identifiers[0]!]!) + 1
    const closingLineStart = this.source.lastIndexOf('\n', tree.from[identifiers[identifiers.length - 1]!]!) + 1
    const parts = this.templateParts(named, 'heredoc', bodyStart, Math.max(bodyStart, closingLineStart))
    return this.text(start).includes('-') ? stripIndent(parts) : parts
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

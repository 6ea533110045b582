// tree-sitter's syntax tree copied out of WASM memory in one walk, into three typed arrays: no object per node.
//
// web-tree-sitter's Node and TreeCursor wrappers copy their state into WASM memory and back on every property read
// (`type`, `endIndex`, `namedChildren` ...), and build an object per node: for 31,000 lines (252,047 nodes) that cost
// more than the parse itself. The WASM module's own cursor functions keep the cursor in the module's transfer buffer
// between calls, so a walk that calls them directly crosses into WASM a few times per node and allocates nothing.
// They are web-tree-sitter's internal exports (pinned in package-lock.json); `rawModule` refuses a version without them.
import type { Language, Tree } from 'web-tree-sitter'

/** The WASM exports the walk calls; each takes the tree and works on the cursor held in the transfer buffer. */
const EXPORTS = [
  '_ts_tree_root_node_wasm',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
] as const

export type CursorExports = Record<(typeof EXPORTS)[number], (tree: number) => number>

/**
 * The module object given to `Parser.init` is the one Emscripten fills with the WASM exports: checked here, so that a
 * web-tree-sitter without them fails at the first parse with this message rather than later with a wrong tree.
 */
export function rawModule(module: object): CursorExports {
  const missing = EXPORTS.filter((name) => typeof (module as Record<string, unknown>)[name] !== 'function')
  if (missing.length > 0) {
    throw new Error(`web-tree-sitter was initialised before sageform's parser, or no longer exports ${missing.join(', ')}: src/config/syntax-tree.ts walks the tree with them.`)
  }
  return module as CursorExports
}

/**
 * The object to give `Parser.init`: Emscripten fills it with the module's exports (which `rawModule` checks) and
 * instantiates web-tree-sitter from `core`, compiled once and shared by the threads that parse. Instantiated
 * synchronously, so that a failure rejects `Parser.init` instead of leaving it pending.
 */
export function emscriptenModule(core: WebAssembly.Module): object {
  return {
    instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      done(new WebAssembly.Instance(core, imports), core)
      return {}
    },
  }
}

/** Node types whose children are never read: a string literal's value is taken from the source between its quotes. */
const OPAQUE = new Set(['string_lit', 'numeric_lit', 'comment'])

/** A SyntaxTree's arrays, as a worker thread posts them (their buffers transferred, not copied). */
export interface TreeParts {
  symbols: Int32Array
  from: Int32Array
  to: Int32Array
  next: Int32Array
  size: number
}

/**
 * A syntax tree in document order (pre-order). Node 0 is the root; node i's children are i + 1, next[i + 1],
 * next[next[i + 1]] ... while below next[i]. Positions are UTF-16 indices into the parsed text.
 */
export class SyntaxTree {
  private constructor(
    /** Node type ids (tree-sitter symbols). */
    private readonly symbols: Int32Array,
    readonly from: Int32Array,
    readonly to: Int32Array,
    /** The index after node i's last descendant. */
    readonly next: Int32Array,
    readonly size: number,
    private readonly names: readonly string[],
    private readonly namedSymbols: readonly boolean[],
    readonly text: string,
  ) {}

  static read(tree: Tree, wasm: CursorExports, text: string): SyntaxTree {
    const { names, named, opaque } = languageTables(tree.language)
    const handle = (tree as unknown as Record<number, number>)[0]!
    // About one node per three characters in typical manifests: sized once for most files, doubled when not.
    let capacity = Math.max(1024, text.length >> 1)
    let symbols = new Int32Array(capacity)
    let from = new Int32Array(capacity)
    let to = new Int32Array(capacity)
    let next = new Int32Array(capacity)
    const path: number[] = []
    let size = 0
    const record = (): number => {
      if (size === capacity) {
        capacity *= 2
        const grow = (a: Int32Array) => {
          const b = new Int32Array(capacity)
          b.set(a)
          return b
        }
        ;[symbols, from, to, next] = [grow(symbols), grow(from), grow(to), grow(next)]
      }
      const symbol = wasm._ts_tree_cursor_current_node_type_id_wasm(handle)
      symbols[size] = symbol
      from[size] = wasm._ts_tree_cursor_start_index_wasm(handle)
      to[size] = wasm._ts_tree_cursor_end_index_wasm(handle)
      path.push(size++)
      return symbol
    }
    wasm._ts_tree_root_node_wasm(handle)
    wasm._ts_tree_cursor_new_wasm(handle)
    try {
      let symbol = record()
      for (;;) {
        if (!opaque[symbol] && wasm._ts_tree_cursor_goto_first_child_wasm(handle)) {
          symbol = record()
          continue
        }
        for (;;) {
          next[path.pop()!] = size
          if (wasm._ts_tree_cursor_goto_next_sibling_wasm(handle)) {
            symbol = record()
            break
          }
          if (!wasm._ts_tree_cursor_goto_parent_wasm(handle)) return new SyntaxTree(symbols, from, to, next, size, names, named, text)
        }
      }
    } finally {
      wasm._ts_tree_cursor_delete_wasm(handle)
    }
  }

  /** The arrays a worker thread posts back (src/config/parse-worker.ts). */
  parts(): TreeParts {
    return { symbols: this.symbols, from: this.from, to: this.to, next: this.next, size: this.size }
  }

  static fromParts(parts: TreeParts, language: Language, text: string): SyntaxTree {
    const { names, named } = languageTables(language)
    return new SyntaxTree(parts.symbols, parts.from, parts.to, parts.next, parts.size, names, named, text)
  }

  /**
   * The tree of a whole file from the trees of consecutive pieces of it, each parsed on its own (without errors) and cut
   * between top-level items (src/config/parse-pieces.ts): config_file, body, then every piece's top-level items in order.
   * `at` is each piece's start in `text`. A piece is config_file > [comments] body [comments]; only the first may have
   * comments before its body and only the last after it, as in the whole file's tree. Undefined when a piece has another
   * shape: the caller then parses the whole file.
   */
  static merge(pieces: readonly TreeParts[], at: readonly number[], language: Language, text: string): SyntaxTree | undefined {
    const { names, named } = languageTables(language)
    const bodies: number[] = []
    for (const [k, piece] of pieces.entries()) {
      let body = -1
      for (let child = 1; child < piece.size; child = piece.next[child]!) if (names[piece.symbols[child]!] === 'body') body = child
      if (body < 0) return undefined
      if (k > 0 && body !== 1) return undefined
      if (k < pieces.length - 1 && piece.next[body] !== piece.size) return undefined
      bodies.push(body)
    }
    const size = pieces.reduce((sum, piece, k) => sum + piece.next[bodies[k]!]! - bodies[k]! - 1, 2) + (bodies[0]! - 1) + (pieces.at(-1)!.size - pieces.at(-1)!.next[bodies.at(-1)!]!)
    const symbols = new Int32Array(size)
    const from = new Int32Array(size)
    const to = new Int32Array(size)
    const next = new Int32Array(size)
    let out = 0
    const copy = (piece: TreeParts, start: number, end: number, offset: number) => {
      const shift = out - start
      for (let i = start; i < end; i++, out++) {
        symbols[out] = piece.symbols[i]!
        from[out] = piece.from[i]! + offset
        to[out] = piece.to[i]! + offset
        next[out] = piece.next[i]! + shift
      }
    }
    const first = pieces[0]!
    const last = pieces.at(-1)!
    const lastAt = at.at(-1)!
    // The root and the first piece's comments before its body, then the body, spanning every piece's.
    copy(first, 0, bodies[0]!, 0)
    next[0] = size
    to[0] = last.to[0]! + lastAt
    const body = out
    copy(first, bodies[0]!, bodies[0]! + 1, 0)
    to[body] = last.to[bodies.at(-1)!]! + lastAt
    for (const [k, piece] of pieces.entries()) copy(piece, bodies[k]! + 1, piece.next[bodies[k]!]!, at[k]!)
    next[body] = out
    copy(last, last.next[bodies.at(-1)!]!, last.size, lastAt)
    return new SyntaxTree(symbols, from, to, next, size, names, named, text)
  }

  type(node: number): string {
    return this.names[this.symbols[node]!] ?? 'ERROR'
  }

  isNamed(node: number): boolean {
    return this.namedSymbols[this.symbols[node]!] === true
  }

  nodeText(node: number): string {
    return this.text.slice(this.from[node], this.to[node])
  }

  firstChild(node: number): number | undefined {
    return node + 1 < this.next[node]! ? node + 1 : undefined
  }

  children(node: number): number[] {
    const out: number[] = []
    for (let child = node + 1; child < this.next[node]!; child = this.next[child]!) out.push(child)
    return out
  }

  namedChildren(node: number): number[] {
    const out: number[] = []
    for (let child = node + 1; child < this.next[node]!; child = this.next[child]!) if (this.isNamed(child)) out.push(child)
    return out
  }

  /** The first named child, or the first named child of a type. */
  namedChild(node: number, type?: string): number | undefined {
    for (let child = node + 1; child < this.next[node]!; child = this.next[child]!) if (this.isNamed(child) && (type === undefined || this.type(child) === type)) return child
    return undefined
  }

  /** The first child (named or not) of a type. */
  child(node: number, type: string): number | undefined {
    for (let child = node + 1; child < this.next[node]!; child = this.next[child]!) if (this.type(child) === type) return child
    return undefined
  }

  /** Every node of a type, in document order. */
  ofType(type: string): number[] {
    const out: number[] = []
    for (let node = 0; node < this.size; node++) if (this.type(node) === type) out.push(node)
    return out
  }
}

const tables = new WeakMap<Language, { names: string[]; named: boolean[]; opaque: boolean[] }>()

function languageTables(language: Language): { names: string[]; named: boolean[]; opaque: boolean[] } {
  let found = tables.get(language)
  if (!found) {
    const names = language.types
    found = { names, named: names.map((_, id) => language.nodeTypeIsNamed(id)), opaque: names.map((name) => OPAQUE.has(name)) }
    tables.set(language, found)
  }
  return found
}

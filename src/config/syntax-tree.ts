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
 * next[next[i + 1]] ... while below next[i]. Positions are UTF-16 indices into `text` (of which the tree may be a
 * piece's).
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
    /** Comments: named nodes, but extras the grammar allows between any two tokens, which no reader of the tree wants. */
    private readonly commentSymbols: readonly boolean[],
    readonly text: string,
  ) {}

  static read(tree: Tree, wasm: CursorExports, text: string): SyntaxTree {
    return SyntaxTree.fromParts(SyntaxTree.copy(tree, wasm, text.length), tree.language, text)
  }

  /**
   * The arrays of a tree parsed from `length` characters; with `at`, the tree of a piece of a text that starts there,
   * positions shifted to the whole text's (src/config/parse-pieces.ts).
   */
  static copy(tree: Tree, wasm: CursorExports, length: number, at = 0): TreeParts {
    const { opaque } = languageTables(tree.language)
    const handle = (tree as unknown as Record<number, number>)[0]!
    // About one node per three characters in typical manifests: sized once for most files, doubled when not.
    let capacity = Math.max(1024, length >> 1)
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
      from[size] = wasm._ts_tree_cursor_start_index_wasm(handle) + at
      to[size] = wasm._ts_tree_cursor_end_index_wasm(handle) + at
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
          if (!wasm._ts_tree_cursor_goto_parent_wasm(handle)) return { symbols, from, to, next, size }
        }
      }
    } finally {
      wasm._ts_tree_cursor_delete_wasm(handle)
    }
  }

  static fromParts(parts: TreeParts, language: Language, text: string): SyntaxTree {
    const { names, named, comment } = languageTables(language)
    return new SyntaxTree(parts.symbols, parts.from, parts.to, parts.next, parts.size, names, named, comment, text)
  }

  type(node: number): string {
    return this.names[this.symbols[node]!] ?? 'ERROR'
  }

  /** Whether the node is of one of these types, as a test per node: `types` from typeTest (a walk over every node). */
  isOf(node: number, types: readonly boolean[]): boolean {
    return types[this.symbols[node]!] === true
  }

  /** For isOf: which of the grammar's symbols have one of these type names (several symbols may share a name). */
  typeTest(types: ReadonlySet<string>): boolean[] {
    return this.names.map((name) => types.has(name))
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

  /** The named children, comments left out: one between two parts of an expression must not be taken for one. */
  namedChildren(node: number): number[] {
    const out: number[] = []
    for (let child = node + 1; child < this.next[node]!; child = this.next[child]!) if (this.isNamed(child) && !this.isComment(child)) out.push(child)
    return out
  }

  private isComment(node: number): boolean {
    return this.commentSymbols[this.symbols[node]!] === true
  }

  /** The first named child, or the first named child of a type (never a comment). */
  namedChild(node: number, type?: string): number | undefined {
    for (let child = node + 1; child < this.next[node]!; child = this.next[child]!) if (this.isNamed(child) && !this.isComment(child) && (type === undefined || this.type(child) === type)) return child
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

const tables = new WeakMap<Language, { names: string[]; named: boolean[]; opaque: boolean[]; comment: boolean[] }>()

function languageTables(language: Language): { names: string[]; named: boolean[]; opaque: boolean[]; comment: boolean[] } {
  let found = tables.get(language)
  if (!found) {
    const names = language.types
    found = { names, named: names.map((_, id) => language.nodeTypeIsNamed(id)), opaque: names.map((name) => OPAQUE.has(name)), comment: names.map((name) => name === 'comment') }
    tables.set(language, found)
  }
  return found
}

// A worker thread that parses pieces of large manifests with tree-sitter while the main thread parses the others
// (src/config/parse-pieces.ts). It imports web-tree-sitter as soon as it starts, then waits for one message: the
// compiled WASM module of the main thread (shared, not compiled again), the grammar's bytes and the texts. It answers
// for each text as soon as it is parsed, with its copied tree (SyntaxTree.copy), its buffers transferred, or null when
// the text has a syntax error: the main thread then parses that file whole, as it would without this worker.
import { setFlagsFromString } from 'node:v8'
import { parentPort } from 'node:worker_threads'
import { Language, Parser } from 'web-tree-sitter'
import { emscriptenModule, rawModule, SyntaxTree, type TreeParts } from './syntax-tree.js'

export interface PieceRequest {
  core: WebAssembly.Module
  /** V8 flags for the rest of the process's run, set here: this thread has started by the time it reads them. */
  v8Flags?: string
  languageBytes: Uint8Array
  texts: string[]
  /** Where each text starts in its file: the trees' positions are the file's. */
  at: number[]
}

export interface PieceAnswer {
  /** The text's index in the request. */
  index: number
  tree: TreeParts | null
}

parentPort!.once('message', async ({ core, v8Flags, languageBytes, texts, at }: PieceRequest) => {
  if (v8Flags) setFlagsFromString(v8Flags)
  const module = emscriptenModule(core)
  await Parser.init(module)
  const parser = new Parser()
  parser.setLanguage(await Language.load(languageBytes))
  const wasm = rawModule(module)
  for (const [index, text] of texts.entries()) {
    const parsed = parser.parse(text)
    let tree: TreeParts | null = null
    try {
      if (parsed && !parsed.rootNode.hasError) tree = SyntaxTree.copy(parsed, wasm, text.length, at[index])
    } finally {
      parsed?.delete()
    }
    const transfer = tree ? [tree.symbols, tree.from, tree.to, tree.next].map((a) => a.buffer as ArrayBuffer) : []
    parentPort!.postMessage({ index, tree } satisfies PieceAnswer, transfer)
  }
  parentPort!.close()
})

// Large configurations are parsed on two threads: tree-sitter takes about 0.3 s per MB, and the second core of the
// machines this runs on idles meanwhile. The files are cut into pieces between top-level blocks; a worker thread
// (src/config/parse-worker.ts) parses some while the main thread parses the others, and each file's located tree is
// put together from its pieces' top-level items (parseHclFiles in src/config/parse.ts). Measured reasons, threshold and
// share in bench/README.md.
//
// Why that is the whole file's tree: a piece ends after a line that is only `}` and the next starts at column 0 with an
// identifier, so where the file's top level is a sequence of blocks, a piece is a sequence of whole top-level items,
// and the file's tree is its pieces' trees side by side. A cut that falls elsewhere (inside a heredoc, a block comment,
// a nested block closed at column 0) leaves a piece that does not parse on its own: an unterminated construct at its
// end or a stray one at its start. So a piece is used only if it parsed without any error or missing node; if one of a
// file's pieces did not, or the worker failed in any way, that file is parsed whole on the main thread exactly as
// without pieces, and so has the same diagnostics.
import { Worker } from 'node:worker_threads'
import type { PieceAnswer, PieceRequest } from './parse-worker.js'
import type { TreeParts } from './syntax-tree.js'

export interface Piece {
  /** The file's index in the list given. */
  file: number
  /** UTF-16 indices into the file's text (what tree-sitter reports for a JS string). */
  start: number
  end: number
  onWorker: boolean
}

/** Where a piece may start: after a line that is only `}` (and blank lines), at a line starting with an identifier. */
const CUT = /\n\}[ \t]*\r?\n(?:[ \t]*\r?\n)*(?=[A-Za-z_])/g

export function cutPoints(text: string): number[] {
  return [...text.matchAll(CUT)].map((m) => m.index + m[0].length)
}

/**
 * The pieces: the worker's share of the characters taken from the end (whole files, then the tail of one file from its
 * cut nearest to the share), the rest the main thread's. With `everyCut`, every file is cut at every cut point and the
 * pieces alternate between the threads (tests: the most joins).
 */
export function planPieces(lengths: readonly number[], texts: readonly string[], workerShare: number, everyCut = false): Piece[] {
  if (everyCut) {
    let onWorker = false
    return texts.flatMap((text, file) => {
      const bounds = [0, ...cutPoints(text), text.length]
      return bounds.slice(1).map((end, i) => ({ file, start: bounds[i]!, end, onWorker: (onWorker = !onWorker) }))
    })
  }
  let wanted = Math.round(lengths.reduce((a, b) => a + b, 0) * workerShare)
  const pieces: Piece[] = []
  for (let file = lengths.length - 1; file >= 0; file--) {
    const length = lengths[file]!
    if (wanted <= 0) pieces.push({ file, start: 0, end: length, onWorker: false })
    else if (length <= wanted) {
      pieces.push({ file, start: 0, end: length, onWorker: true })
      wanted -= length
    } else {
      const target = length - wanted
      const cut = cutPoints(texts[file]!).reduce<number | undefined>((best, at) => (best === undefined || Math.abs(at - target) < Math.abs(best - target) ? at : best), undefined)
      if (cut === undefined) pieces.push({ file, start: 0, end: length, onWorker: false })
      else pieces.push({ file, start: cut, end: length, onWorker: true }, { file, start: 0, end: cut, onWorker: false })
      wanted = 0
    }
  }
  return pieces.reverse().sort((a, b) => a.file - b.file || a.start - b.start)
}

/**
 * A worker thread, started at once so that it loads while the main thread prepares. `parse` hands it its texts and
 * resolves with their trees, or with undefined when the worker failed to start, threw, crashed or exited without an
 * answer; it never rejects. The worker keeps the process alive only while an answer is awaited, and `stop` ends it.
 */
export class PieceWorker {
  private readonly worker?: Worker
  private readonly answer: Promise<(TreeParts | null)[] | undefined>

  constructor(url: URL) {
    let settle!: (trees: (TreeParts | null)[] | undefined) => void
    this.answer = new Promise((resolve) => (settle = resolve))
    try {
      // No node options of the main thread: it needs none, and some (--input-type, -e) make a worker refuse to start.
      this.worker = new Worker(url, { execArgv: [], stdout: true, stderr: true })
    } catch {
      settle(undefined)
      return
    }
    this.worker.unref()
    this.worker.once('message', (answer: PieceAnswer) => settle(answer.trees))
    this.worker.once('error', () => settle(undefined))
    this.worker.once('messageerror', () => settle(undefined))
    this.worker.once('exit', () => settle(undefined))
  }

  async parse(request: PieceRequest): Promise<(TreeParts | null)[] | undefined> {
    if (!this.worker) return undefined
    try {
      this.worker.postMessage(request)
    } catch {
      return undefined
    }
    this.worker.ref()
    try {
      return await this.answer
    } finally {
      this.worker.unref()
    }
  }

  stop(): void {
    void this.worker?.terminate()
  }
}

/**
 * The worker's entry beside the module at `base`: in dist/config/ as tsc emits it, in dist/bundle/ in the bundle. None
 * when running the TypeScript sources (tsx): a worker thread does not inherit tsx's loader, so tests that parse in
 * pieces name test/helpers/parse-worker.mjs instead.
 */
export function pieceWorkerUrl(base: string): URL | undefined {
  return base.endsWith('.ts') ? undefined : new URL('./parse-worker.js', base)
}

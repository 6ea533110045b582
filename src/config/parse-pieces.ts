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
      // The worker's tail in two pieces: the main thread converts the first while the worker parses the second.
      const cuts = cutPoints(texts[file]!)
      const cut = nearest(cuts, length - wanted)
      const middle = cut === undefined ? undefined : nearest(cuts.filter((at) => at > cut), (cut + length) / 2)
      if (cut === undefined) pieces.push({ file, start: 0, end: length, onWorker: false })
      else if (middle === undefined) pieces.push({ file, start: cut, end: length, onWorker: true }, { file, start: 0, end: cut, onWorker: false })
      else pieces.push({ file, start: middle, end: length, onWorker: true }, { file, start: cut, end: middle, onWorker: true }, { file, start: 0, end: cut, onWorker: false })
      wanted = 0
    }
  }
  return pieces.reverse().sort((a, b) => a.file - b.file || a.start - b.start)
}

function nearest(points: readonly number[], target: number): number | undefined {
  return points.reduce<number | undefined>((best, at) => (best === undefined || Math.abs(at - target) < Math.abs(best - target) ? at : best), undefined)
}

/**
 * A worker thread, started at once so that it loads while the main thread prepares. `parse` hands it its texts and
 * returns a promise per text, resolved as the worker answers for it (each answer its own message, so that the main
 * thread can convert a piece while the worker parses the next): the text's tree, or null when it has a syntax error
 * or the worker failed to start, threw, crashed or exited before answering. They never reject. The worker keeps the
 * process alive only while an answer is awaited, and `stop` ends it.
 */
export class PieceWorker {
  private readonly worker?: Worker
  private pending: Array<(tree: TreeParts | null) => void> = []

  constructor(url: URL) {
    try {
      // No node options of the main thread: it needs none, and some (--input-type, -e) make a worker refuse to start.
      this.worker = new Worker(url, { execArgv: [], stdout: true, stderr: true })
    } catch {
      return
    }
    this.worker.on('message', ({ index, tree }: PieceAnswer) => this.settle(index, tree))
    const failed = () => this.pending.forEach((_, i) => this.settle(i, null))
    this.worker.once('error', failed)
    this.worker.once('messageerror', failed)
    this.worker.once('exit', failed)
    // After the listeners: a 'message' listener refs the worker again.
    this.worker.unref()
  }

  parse(request: PieceRequest): Array<Promise<TreeParts | null>> {
    const answers = request.texts.map(() => new Promise<TreeParts | null>((resolve) => this.pending.push(resolve)))
    try {
      if (!this.worker) throw new Error('no worker')
      this.worker.postMessage(request)
      this.worker.ref()
    } catch {
      this.pending.forEach((_, i) => this.settle(i, null))
    }
    return answers
  }

  private settle(index: unknown, tree: TreeParts | null): void {
    const resolve = typeof index === 'number' ? this.pending[index] : undefined
    if (!resolve) return
    this.pending[index as number] = NOOP
    resolve(tree ?? null)
    if (this.pending.every((p) => p === NOOP)) this.worker?.unref()
  }

  stop(): void {
    void this.worker?.terminate()
  }
}

const NOOP = () => {}

/**
 * The worker's entry beside the module at `base`: in dist/config/ as tsc emits it, in dist/bundle/ in the bundle. None
 * when running the TypeScript sources (tsx): a worker thread does not inherit tsx's loader, so tests that parse in
 * pieces name test/helpers/parse-worker.mjs instead.
 */
export function pieceWorkerUrl(base: string): URL | undefined {
  return base.endsWith('.ts') ? undefined : new URL('./parse-worker.js', base)
}

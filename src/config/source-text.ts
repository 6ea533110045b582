// Where things are in a manifest's text, and what its quoted strings say: shared by the two parsers (tree-sitter's
// converter in parse.ts and the direct parser in parse-direct.ts), which must agree to the character.
import type { Position, SourceRange } from '../diagnostics/index.js'

/** What is inserted after the integer digits of an exponent literal: `1e-7` becomes `1.0e-7`. */
export const EXPONENT_PATCH = '.0'

/** Turns UTF-16 indices (what web-tree-sitter reports for JS strings) into line, column and UTF-8 byte offsets. */
export class Locator {
  private readonly lineStarts: number[] = [0]
  /** UTF-8 byte offset of each line's start; absent when the source is ASCII (bytes are indices then). */
  private readonly lineBytes?: number[]
  /** The line of the last position asked for: ranges are asked for mostly in source order, so it is usually the next. */
  private line = 0
  /** The last few positions made, by index: a range often shares an end with the one made just before it. */
  private readonly recentIndex = new Int32Array(4).fill(-1)
  private readonly recentPosition: Position[] = []
  private nextRecent = 0

  /** `insertions`: indices in the parsed text where EXPONENT_PATCH was inserted, ascending. */
  constructor(
    readonly file: string,
    private readonly source: string,
    private readonly insertions: readonly number[] = [],
  ) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1)
    if (/[^\x00-\x7f]/.test(source)) {
      let byte = 0
      this.lineBytes = this.lineStarts.map((start, i) => {
        if (i > 0) byte += Buffer.byteLength(source.slice(this.lineStarts[i - 1], start))
        return byte
      })
    }
  }

  private original(index: number): number {
    let shift = 0
    for (const at of this.insertions) if (at < index) shift += Math.min(EXPONENT_PATCH.length, index - at)
    return index - shift
  }

  private lineOf(index: number): number {
    const starts = this.lineStarts
    let lo = this.line
    if (starts[lo]! <= index && (lo + 1 === starts.length || index < starts[lo + 1]!)) return lo
    if (lo + 1 < starts.length && starts[lo + 1]! <= index && (lo + 2 === starts.length || index < starts[lo + 2]!)) return lo + 1
    lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid]! <= index) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  position(index: number): Position {
    for (let i = 0; i < 4; i++) if (this.recentIndex[i] === index) return this.recentPosition[i]!
    const line = (this.line = this.lineOf(index))
    const lineStart = this.lineStarts[line]!
    let position: Position
    if (!this.lineBytes) position = { line: line + 1, column: index - lineStart + 1, byte: index }
    else {
      // Columns count characters as HashiCorp's parser does, so an emoji is one column, not two UTF-16 units.
      const text = this.source.slice(lineStart, index)
      position = { line: line + 1, column: [...text].length + 1, byte: this.lineBytes[line]! + Buffer.byteLength(text) }
    }
    this.recentIndex[this.nextRecent] = index
    this.recentPosition[this.nextRecent] = position
    this.nextRecent = (this.nextRecent + 1) % 4
    return position
  }

  /** A range from indices into the parsed text. */
  range(startIndex: number, endIndex: number): SourceRange {
    return { file: this.file, start: this.position(this.original(startIndex)), end: this.position(this.original(endIndex)) }
  }

  indexOf(line: number, column: number): number {
    const start = this.lineStarts[Math.min(line, this.lineStarts.length) - 1] ?? 0
    if (!this.lineBytes) return Math.min(start + column - 1, this.source.length)
    const chars = [...this.source.slice(start, start + (column - 1) * 2)].slice(0, column - 1)
    return start + chars.join('').length
  }
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' }

export function unescapeQuoted(text: string): string {
  if (!/[\\$%]/.test(text)) return text
  return text
    .replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrt"\\])/g, (_, e: string) =>
      e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : ESCAPES[e]!,
    )
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{')
}

export function unescapeHeredoc(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')
}

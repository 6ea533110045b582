// A plain-text chart of a tuning job's objective over launch order, so convergence shows at a glance:
//
//   0.9342 ┤                    ◆⠉⠉•⠉⠉⠉•⠉⠉⠉     each training job is a • in its character cell, the best one a ◆;
//          │             •⠤⠤⠤•⠤⠤⠼             the running best is a braille staircase (2×4 dots a cell) that
//          │   •⠤⠤⠤⠤⠤⠤•⠤⠤⠼                    steps up (Maximize) or down (Minimize) where a job improved on it;
//    0.612 ┤•⣀⣀⣸
//          └───────×──────────────────────·   a job without a final objective is a × on the axis (· still running)
//           1        launch order        10
//
// The y axis runs from the lowest objective (bottom) to the highest (top), labelled with both; the x axis is launch
// order (CreationTime), spread over the width given. No ink: this is text, and colour is only the Style's.
import type { Style } from './style.js'

export interface ChartPoint {
  /** The final objective; undefined for a job without one. */
  value?: number
  /** No final objective yet because the job still runs (drawn `·` rather than `×`). */
  pending?: boolean
  /** The tuning job's best training job (drawn `◆`). */
  best?: boolean
}

export interface ChartOptions {
  /** Total width in columns, labels included; the plot takes what the labels leave, less one column. */
  width: number
  /** Rows of plot (4 braille dots each). Default 10. */
  height?: number
  type: 'Maximize' | 'Minimize'
  style?: Style
}

const plain = (s: string) => s
/** Braille dot bits by [row % 4][column % 2] within a cell (Unicode's dot numbering 1-8). */
const DOTS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
]
const MIN_PLOT_WIDTH = 10

/** A y-axis label: at most 4 significant digits. */
export function axisLabel(n: number): string {
  return String(Number(n.toPrecision(4)))
}

/** The chart's lines, without a trailing newline; points are in launch order. */
export function objectiveChart(points: readonly ChartPoint[], options: ChartOptions): string {
  const style = options.style
  const colour = {
    point: style?.cyan ?? plain,
    best: style ? (s: string) => style.bold(style.yellow(s)) : plain,
    line: style?.green ?? plain,
    miss: style?.red ?? plain,
    dim: style?.dim ?? plain,
  }
  const values = points.flatMap((p) => (p.value === undefined || !Number.isFinite(p.value) ? [] : [p.value]))
  if (values.length === 0) return colour.dim('(no training job has reported the objective yet)')
  const hi = Math.max(...values)
  const lo = Math.min(...values)
  const labels = { hi: axisLabel(hi), lo: axisLabel(lo) }
  const labelWidth = Math.max(labels.hi.length, labels.lo.length)
  const height = Math.max(2, Math.floor(options.height ?? 10))
  const width = Math.max(MIN_PLOT_WIDTH, Math.floor(options.width) - labelWidth - 3)
  const pixels = { x: width * 2, y: height * 4 }
  const n = points.length
  const px = (i: number) => (n === 1 ? 0 : Math.round((i * (pixels.x - 1)) / (n - 1)))
  const py = (v: number) => (hi === lo ? Math.floor(pixels.y / 2) : Math.round(((hi - v) / (hi - lo)) * (pixels.y - 1)))

  const dots: number[][] = Array.from({ length: height }, () => new Array<number>(width).fill(0))
  const glyphs: Array<Array<string | undefined>> = Array.from({ length: height }, () => new Array<string | undefined>(width).fill(undefined))
  const dot = (x: number, y: number) => (dots[Math.floor(y / 4)]![Math.floor(x / 2)]! |= DOTS[y % 4]![x % 2]!)

  // The running best after each job, undefined until the first result.
  const better = (a: number, b: number) => (options.type === 'Maximize' ? a > b : a < b)
  const running: Array<number | undefined> = []
  let best: number | undefined
  for (const p of points) {
    if (p.value !== undefined && Number.isFinite(p.value) && (best === undefined || better(p.value, best))) best = p.value
    running.push(best)
  }
  // Staircase: every pixel column shows the running best of the last job launched at or before it.
  let job = 0
  let previous: number | undefined
  for (let x = 0; x < pixels.x; x++) {
    while (job + 1 < n && px(job + 1) <= x) job++
    const value = px(job) <= x ? running[job] : undefined
    if (value === undefined) continue
    const y = py(value)
    if (previous !== undefined && previous !== y) for (let v = Math.min(previous, y); v <= Math.max(previous, y); v++) dot(x, v)
    dot(x, y)
    previous = y
  }
  const axis = new Array<string>(width).fill('─')
  points.forEach((p, i) => {
    const column = Math.floor(px(i) / 2)
    if (p.value === undefined || !Number.isFinite(p.value)) {
      if (axis[column] === '─') axis[column] = p.pending ? colour.dim('·') : colour.miss('×')
      return
    }
    const row = Math.floor(py(p.value) / 4)
    if (glyphs[row]![column] !== colour.best('◆')) glyphs[row]![column] = p.best ? colour.best('◆') : colour.point('•')
  })

  const lines: string[] = []
  for (let row = 0; row < height; row++) {
    // One value only: one label, on its row.
    const text = hi === lo ? (row === Math.floor(py(hi) / 4) ? labels.hi : undefined) : row === 0 ? labels.hi : row === height - 1 ? labels.lo : undefined
    const label = text === undefined ? `${' '.repeat(labelWidth)} │` : `${text.padStart(labelWidth)} ┤`
    const cells = dots[row]!.map((bits, column) => glyphs[row]![column] ?? (bits === 0 ? ' ' : colour.line(String.fromCharCode(0x2800 + bits))))
    lines.push(`${label}${cells.join('')}`.trimEnd())
  }
  lines.push(`${' '.repeat(labelWidth)} └${axis.join('')}`)
  // 1 … N under the axis, with the caption between them when it fits.
  const last = String(n)
  const gap = width - 1 - last.length
  const caption = 'launch order'
  const between = gap >= caption.length + 4 ? `${' '.repeat(Math.floor((gap - caption.length) / 2))}${caption}`.padEnd(gap) : ' '.repeat(Math.max(1, gap))
  lines.push(`${' '.repeat(labelWidth + 2)}${n === 1 ? '1' : `1${between}${last}`}`)
  return lines.join('\n')
}

/** Every mark objectiveChart draws, with what it means, in the order the legend gives them. */
export function chartMarks(type: 'Maximize' | 'Minimize'): string[] {
  return ['• training job', '◆ best', `⣀ running best (${type === 'Maximize' ? 'higher' : 'lower'} is better)`, '× no objective', '· running']
}

/** What the chart's marks mean, on as few lines as fit `width` (as the chart's): every mark is always explained. */
export function chartLegend(type: 'Maximize' | 'Minimize', width: number, style?: Style): string {
  const lines: string[] = []
  for (const mark of chartMarks(type)) {
    const last = lines.at(-1)
    if (last !== undefined && [...`${last}  ${mark}`].length <= width - 1) lines[lines.length - 1] = `${last}  ${mark}`
    else lines.push(mark)
  }
  return lines.map((line) => (style?.dim ?? plain)(line)).join('\n')
}

// `sageform results`: the ranked training jobs of a tuning job as a table, the objective over launch order as a chart
// (chart.ts), and the same rows as CSV for notebooks (RFC 4180).
import type { GenerationResult, OverallBest, ResultsResult } from '../services/results.js'
import type { TrainingJobResult } from '../watch/ranking.js'
import { chartLegend, objectiveChart } from './chart.js'
import { formatDuration } from './duration.js'
import { oneLine } from './escape.js'
import type { Style } from './style.js'

export interface RenderResultsOptions {
  /** Terminal columns; the chart fits them (the table is as wide as it needs). Default 80. */
  width?: number
  /** Rows of chart. Default 10. */
  chartHeight?: number
}

export function renderResults(result: ResultsResult, style: Style, options: RenderResultsOptions = {}): string {
  const tuning = result.tuning_job
  if (!tuning) return ''
  const jobs = result.training_jobs
  const lines: string[] = []
  const strategy = tuning.strategy ? `, ${oneLine(tuning.strategy)}` : ''
  const generation = tuning.current ? '' : `, earlier job${tuning.generation === null ? '' : ` (generation ${tuning.generation})`}`
  lines.push(`${style.bold(oneLine(result.address))}: tuning job ${oneLine(tuning.name)} (${statusColour(tuning.status, style)(oneLine(tuning.status))}${strategy}${generation})`)
  const counts = countBy(jobs.map((j) => oneLine(j.status)))
  const objective = `objective ${oneLine(tuning.objective.metric_name ?? '(unnamed)')} (${oneLine(tuning.objective.type)})`
  lines.push(style.dim(`${objective}; ${jobs.length} training job${jobs.length === 1 ? '' : 's'}${counts ? `: ${counts}` : ''}`))
  if (jobs.length === 0) {
    lines.push('', style.dim('No training jobs launched yet.'))
    return lines.join('\n')
  }
  lines.push('', table(result, style), '')
  const points = launchOrder(jobs).map((j) => ({ value: j.objective ?? undefined, pending: j.objective_status === 'Pending' || isRunning(j.status), best: j.best }))
  const width = options.width ?? 80
  lines.push(objectiveChart(points, { width, height: options.chartHeight, type: tuning.objective.type, style }))
  lines.push(chartLegend(tuning.objective.type, width, style))
  const best = jobs.find((j) => j.best)
  if (best) lines.push('', `${style.bold('Best:')} ${oneLine(best.name)} ${oneLine(tuning.objective.metric_name ?? 'objective')} = ${best.objective ?? '-'}`)
  const overall = tuning.overall_best_training_job
  if (overall && overall.tuning_job !== tuning.name) lines.push(`${style.bold('Overall best (warm start):')} ${oneLine(overall.name)} ${oneLine(tuning.objective.metric_name ?? 'objective')} = ${overall.objective ?? '-'}, ${holderText(overall)}`)
  return lines.join('\n')
}

function table(result: ResultsResult, style: Style): string {
  const header = ['', '#', 'training job', 'status', 'objective', ...result.hyperparameters.map(oneLine), 'duration']
  const rows = result.training_jobs.map((j) => [
    j.best ? '★' : '',
    j.rank === null ? '-' : String(j.rank),
    j.name,
    j.status,
    j.objective === null ? '-' : String(j.objective),
    ...result.hyperparameters.map((h) => shortNumber(j.hyperparameters[h] ?? '')),
    j.duration_seconds === null ? '-' : formatDuration(j.duration_seconds),
  ])
  // One line per job: control characters in SageMaker's text (a categorical value, say) are shown escaped.
  for (const row of rows) row.forEach((cell, i) => (row[i] = oneLine(cell)))
  // The objective, and every tuned hyperparameter whose values are all numbers, with the decimal points in one column.
  header.forEach((_, i) => {
    const column = rows.map((r) => r[i]!)
    if (i === 4 || (i > 4 && i < header.length - 1 && column.every((c) => c === '' || DECIMAL.test(c)))) alignDecimals(column).forEach((c, r) => (rows[r]![i] = c))
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  // Numbers right-aligned: rank, objective, duration.
  const right = new Set([1, 4, header.length - 1])
  const pad = (cell: string, i: number) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd()
  return [
    style.bold(line(header)),
    ...rows.map((cells, r) => {
      const job = result.training_jobs[r]!
      const text = line(cells)
      return job.best ? style.bold(text) : job.rank === null ? style.dim(text) : text
    }),
  ].join('\n')
}

const DECIMAL = /^-?\d+(?:\.\d+)?$/

/** Numbers with their decimal points under each other (0.8 under 0.9123456), padded to one width; other cells as given. */
export function alignDecimals(cells: readonly string[]): string[] {
  const split = cells.map((c) => (DECIMAL.test(c) ? c.split('.') : undefined))
  const whole = Math.max(0, ...split.map((p) => p?.[0]!.length ?? 0))
  const fraction = Math.max(0, ...split.map((p) => (p?.[1] === undefined ? 0 : p[1].length + 1)))
  return cells.map((c, i) => {
    const p = split[i]
    return p ? `${p[0]!.padStart(whole)}${p[1] === undefined ? '' : `.${p[1]}`}`.padEnd(whole + fraction) : c
  })
}

/** The jobs in launch order (CreationTime, then name), for the chart of the objective over time. */
function launchOrder(jobs: readonly TrainingJobResult[]): TrainingJobResult[] {
  const key = (j: TrainingJobResult) => `${j.created_at ?? '\uffff'}\u0000${j.name}`
  return [...jobs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/** A decimal with more than 6 significant digits, shortened to 4 for the table (JSON and CSV keep SageMaker's text). */
export function shortNumber(text: string): string {
  if (!/^-?\d*\.\d+$/.test(text)) return text
  const digits = text.replace(/^-?0*\.?0*/, '').replace('.', '')
  return digits.length > 6 ? String(Number(Number(text).toPrecision(4))) : text
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts].map(([v, n]) => `${n} ${v}`).join(', ')
}

const isRunning = (status: string) => status === 'InProgress' || status === 'Stopping'

function statusColour(status: string, style: Style): (s: string) => string {
  if (status === 'Failed') return style.red
  if (isRunning(status)) return style.yellow
  if (status === 'Completed') return style.green
  return (s) => s
}

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF, with quotes doubled. */
export function csvField(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

const CSV_COLUMNS = ['rank', 'name', 'status', 'objective', 'objective_status', 'best', 'definition_name', 'created_at', 'started_at', 'ended_at', 'duration_seconds', 'failure_reason'] as const

/**
 * `results --csv`: a header and one row per training job, ranked, lines ending CRLF (RFC 4180). The tuned
 * hyperparameters follow the fixed columns, one column each, under their own name (prefixed `hyperparameter:` if that
 * name is one of the fixed columns).
 */
export function resultsCsv(result: ResultsResult): string {
  const fixed = new Set<string>(CSV_COLUMNS)
  const header = [...CSV_COLUMNS, ...result.hyperparameters.map((h) => (fixed.has(h) ? `hyperparameter:${h}` : h))]
  const row = (j: TrainingJobResult) => [...CSV_COLUMNS.map((c) => j[c]), ...result.hyperparameters.map((h) => j.hyperparameters[h] ?? null)]
  return [header, ...result.training_jobs.map(row)].map((cells) => cells.map(csvField).join(',') + '\r\n').join('')
}

/** Which tuning job launched a warm start's overall best: a generation of this resource, or another parent. */
function holderText(overall: OverallBest): string {
  const job = oneLine(overall.tuning_job ?? 'a parent tuning job')
  return overall.generation === null ? `from parent ${job}` : `from generation ${overall.generation} (${job})`
}

/** `results --generations`: each generation's status and best objective, and where a warm start's overall best is. */
export function renderGenerations(result: ResultsResult, style: Style): string {
  const generations = result.generations ?? []
  if (!result.tuning_job || generations.length === 0) return ''
  const metric = oneLine(result.tuning_job.objective.metric_name ?? 'objective')
  const header = ['generation', 'tuning job', 'status', metric, 'best training job', 'overall best (warm start)']
  const rows = generations.map((g) => [
    `${g.generation ?? '-'}${g.current ? ' (current)' : ''}`,
    g.name,
    g.deleted ? `${g.status}, deleted` : g.status,
    g.objective === null ? '-' : String(g.objective),
    g.best_training_job ?? '-',
    g.overall_best_training_job && g.overall_best_training_job.tuning_job !== g.name ? `${g.overall_best_training_job.objective ?? '-'} ${holderText(g.overall_best_training_job)}` : '',
  ])
  for (const row of rows) row.forEach((cell, i) => (row[i] = oneLine(cell)))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => (i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd()
  const scored = generations.filter((g) => g.objective !== null)
  const better = (a: number, b: number) => (result.tuning_job!.objective.type === 'Minimize' ? a < b : a > b)
  const top = scored.reduce<GenerationResult | undefined>((acc, g) => (acc === undefined || better(g.objective!, acc.objective!) ? g : acc), undefined)
  return [
    `${style.bold(oneLine(result.address))}: ${generations.length} generation${generations.length === 1 ? '' : 's'}, objective ${metric} (${result.tuning_job.objective.type})`,
    '',
    style.bold(line(header)),
    ...rows.map((cells, i) => (generations[i] === top ? style.bold(line(cells)) : line(cells))),
    ...(top ? ['', `${style.bold('Best generation:')} ${top.generation ?? '-'} (${oneLine(top.name)}), ${metric} = ${top.objective}`] : []),
  ].join('\n')
}

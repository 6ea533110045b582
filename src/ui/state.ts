// Text for the state commands. Data goes to stdout in a form scripts can cut (one resource per line); diagnostics are
// rendered separately, by the command, on stderr.
import type { ForceUnlockResult } from '../services/force-unlock.js'
import type { StateListResult } from '../services/state-list.js'
import type { StateRmResult } from '../services/state-rm.js'
import type { StateMvResult } from '../services/state-mv.js'
import type { StateShowResult } from '../services/state-show.js'
import type { JobRecord } from '../model/state.js'
import { SENSITIVE_TEXT, hideSensitive } from '../plan/types.js'
import { jsonSafe, oneLine } from './escape.js'
import type { Style } from './style.js'

/** `address  job  status`, aligned; nothing at all for an empty state, as `terraform state list`. */
export function renderStateList(result: StateListResult, style: Style): string {
  const rows = result.resources.map((r) => [r.address, r.job ?? '(no current job)', r.status ?? ''])
  return table(rows, style, (row) => (row[1] === '(no current job)' ? style.dim : statusColour(row[2]!, style)))
}

/** One row per line whatever the cells hold: each cell is escaped (escape.ts) before it is measured and styled. */
function table(raw: string[][], style: Style, colour: (row: string[]) => (s: string) => string): string {
  const rows = raw.map((row) => row.map(oneLine))
  const widths = rows.reduce((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), [] as number[])
  return rows
    .map((row) => {
      const [first, ...rest] = row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell))
      return [style.bold(first!), ...rest.map(colour(row))].join('  ').trimEnd()
    })
    .join('\n')
}

function statusColour(status: string, style: Style): (s: string) => string {
  if (status === 'Failed') return style.red
  if (status === 'InProgress' || status === 'Stopping') return style.yellow
  if (status === 'Completed') return style.green
  return (s) => s
}

export function renderStateShow(result: StateShowResult, style: Style): string {
  const resource = result.resource
  if (!resource) return ''
  const lines = [style.bold(`# ${oneLine(result.address)}`), `type = ${oneLine(resource.type)}`, '']
  if (resource.current) lines.push(style.bold('current job:'), ...jobLines(resource.current, style))
  else lines.push(style.dim('no current job'))
  if (resource.deposed.length > 0) {
    lines.push('', style.bold(style.yellow(`deposed (${resource.deposed.length}): replaced but may still run; the next plan stops ${resource.deposed.length === 1 ? 'it' : 'them'}`)))
    lines.push(table(resource.deposed.map(historyRow), style, (row) => statusColour(row[1]!, style)).replace(/^/gm, '  '))
  }
  if (resource.history.length > 0) {
    lines.push('', style.bold(`history (${resource.history.length}, oldest first):`))
    lines.push(table(resource.history.map(historyRow), style, (row) => statusColour(row[1]!, style)).replace(/^/gm, '  '))
  }
  return lines.join('\n')
}

/** One earlier job: its generation and result (a tuning job's best objective), and whether it was deleted since. */
function historyRow(job: JobRecord): string[] {
  const best = job.best_training_job ? `best objective ${job.best_training_job.objective}${job.best_training_job.tuning_job ? ` (overall, from ${job.best_training_job.tuning_job})` : ''}` : ''
  return [job.name, job.status, `generation ${job.generation ?? 1}`, job.created_at, [best, job.deleted_at && `deleted ${job.deleted_at}`, job.failure_reason].filter(Boolean).join('; ')]
}

/** `k=v, ...`, with the values (or the whole map) derived from secrets hidden as the request's are. */
function tagsText(job: JobRecord): string {
  const paths = job.sensitive_paths ?? []
  if (paths.includes('Tags')) return SENSITIVE_TEXT
  return Object.entries(job.tags!).map(([k, v]) => `${k}=${paths.includes(`Tags.${k}`) ? SENSITIVE_TEXT : v}`).join(', ')
}

function jobLines(job: JobRecord, style: Style): string[] {
  const fields: Array<[string, string | undefined]> = [
    ['name', job.name],
    ['arn', job.arn],
    ['status', statusColour(job.status, style)(oneLine(job.status))],
    ['failure_reason', job.failure_reason],
    ['generation', job.generation === undefined ? undefined : String(job.generation)],
    ['spec_hash', job.spec_hash],
    ['created_at', job.created_at],
    ['updated_at', job.updated_at],
    ['ended_at', job.ended_at],
    ['best_objective', job.best_training_job === undefined ? undefined : `${job.best_training_job.objective} (${job.best_training_job.name}${job.best_training_job.tuning_job ? `, overall best of the warm start, launched by ${job.best_training_job.tuning_job}` : ''})`],
    ['tags', job.tags && Object.keys(job.tags).length > 0 ? tagsText(job) : undefined],
  ]
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined)
  const width = Math.max(...shown.map(([k]) => k.length))
  // Each field on one line, escaped; status was escaped before it was coloured.
  const lines = shown.map(([k, v]) => `  ${k.padEnd(width)} = ${k === 'status' ? v : oneLine(v)}`)
  if (job.request !== undefined) lines.push(`  ${'request'.padEnd(width)} = ${jsonSafe(JSON.stringify(hideSensitive(job.request, job.sensitive_paths), null, 2)).replace(/\n/g, '\n  ')}`)
  return lines
}

export function renderStateRm(result: StateRmResult, style: Style): string {
  if (result.removed.length === 0) return ''
  const verb = result.dry_run ? 'Would remove' : 'Removed'
  const lines = result.removed.map((r) => `${verb} ${oneLine(r.address)}${r.job ? style.dim(` (job ${oneLine(r.job)}, ${oneLine(String(r.status))})`) : ''}`)
  const n = result.removed.length
  lines.push(result.dry_run ? style.dim('Nothing was written (--dry-run).') : style.green(`Successfully removed ${n} resource${n === 1 ? '' : 's'} from the state; SageMaker was not touched.`))
  return lines.join('\n')
}

export function renderStateMv(result: StateMvResult, style: Style): string {
  if (result.moved.length === 0) return ''
  const lines = result.moved.map((m) => `${result.dry_run ? 'Would move' : 'Move'} "${oneLine(m.from)}" to "${oneLine(m.to)}"${m.job ? style.dim(` (job ${oneLine(m.job)})`) : ''}`)
  const n = result.moved.length
  lines.push(result.dry_run ? style.dim('Nothing was written (--dry-run).') : style.green(`Successfully moved ${n} object${n === 1 ? '' : 's'}; SageMaker was not touched.`))
  return lines.join('\n')
}

export function renderForceUnlock(result: ForceUnlockResult, style: Style): string {
  if (!result.unlocked || !result.lock) return ''
  const l = result.lock
  return style.green(`The state lock ${oneLine(l.id)} has been removed.`) + style.dim(` It was held by ${oneLine(l.operation)} (pid ${l.pid} on ${oneLine(l.host)}) since ${oneLine(l.time)}.`)
}

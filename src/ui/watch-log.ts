// `watch` and `apply --wait` off a terminal (or in CI, or with --no-color/NO_COLOR): every change as one plain,
// timestamped line, never a cursor movement, so a CI log keeps the whole story. Also the texts the live view shares.
import type { TuningCounters, WatchEvent, WatchOutcome } from '../watch/model.js'
import { formatDuration } from './duration.js'
import { escapeStrings } from './escape.js'
import type { Style } from './style.js'

/** 250ms, 5s, 1m30s: the poll interval. */
export function formatInterval(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  return ms % 1000 === 0 ? formatDuration(ms / 1000) : `${(ms / 1000).toFixed(1)}s`
}

/** "3 completed, 2 in progress, 1 stopped early, 0 failed of 20". */
export function formatCounters(c: TuningCounters): string {
  return `${c.completed} completed, ${c.inProgress} in progress, ${c.stoppedEarly} stopped early, ${c.failed} failed of ${c.max ?? '?'}`
}

/** Objective values as SageMaker reports them, without float noise: 0.912345678 → 0.912346. */
export function formatObjective(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)))
}

export function statusColor(status: string, style: Style): (s: string) => string {
  if (status === 'Completed') return style.green
  if (status === 'Failed' || status === 'NotFound' || status === 'DeleteFailed') return style.red
  if (status === 'Stopped' || status === 'Stopping') return style.yellow
  return (s) => s
}

const time = (at: number, style: Style) => style.dim(new Date(at).toISOString().slice(11, 19))
const after = (ms: number | undefined) => (ms === undefined ? '' : ` after ${formatDuration(ms / 1000)}`)

/** One line per event; its timestamp (UTC, as apply's lines) is when sageform saw the change. */
export function renderWatchEvent(raw: WatchEvent, style: Style): string {
  // Every string of the event (names, statuses, SageMaker's messages) on one line, escaped before styling (escape.ts).
  const event = escapeStrings(raw)
  const at = time(event.at, style)
  if (event.kind === 'backoff') {
    const why = event.reason === 'throttled' ? 'SageMaker is throttling Describe calls' : 'a Describe call failed'
    return `${at} ${style.yellow(`${why}: polling every ${formatInterval(event.intervalMs)}`)}`
  }
  const who = `${at} ${style.bold(event.address)}:`
  switch (event.kind) {
    case 'found': {
      const secondary = event.secondaryStatus && event.secondaryStatus !== event.status ? event.secondaryStatus : undefined
      const detail = secondary ? `, ${secondary}${event.message ? ` (${event.message})` : ''}` : event.counters ? `, training jobs: ${formatCounters(event.counters)}` : ''
      const elapsed = event.elapsedMs === undefined ? '' : ` [${formatDuration(event.elapsedMs / 1000)}]`
      return `${who} ${event.name} ${statusColor(event.status, style)(event.status)}${detail}${elapsed}${event.failureReason ? `: ${event.failureReason}` : ''}`
    }
    case 'secondary':
      return `${who} ${event.from && event.from !== event.to ? `${event.from} → ` : ''}${event.to}${event.message ? ` (${event.message})` : ''}`
    case 'counters':
      return `${who} training jobs: ${formatCounters(event.counters)}`
    case 'best':
      return `${who} best ${event.best.metric} = ${style.bold(formatObjective(event.best.value))} (${event.best.job}${event.best.tuningJob ? `, from parent ${event.best.tuningJob}` : ''})`
    case 'status':
      return `${who} ${event.from} → ${statusColor(event.to, style)(event.to)}${after(event.elapsedMs)}${event.failureReason ? `: ${event.failureReason}` : ''}`
    case 'missing':
      return `${who} ${style.red(`${event.name} not found in SageMaker`)}`
    case 'error':
      return `${who} ${style.yellow(`Describe failed (${event.message}); trying again`)}`
  }
}

export function renderWatchHeader(count: number, intervalMs: number, style: Style): string {
  return style.dim(`Waiting for ${count} job${count === 1 ? '' : 's'} to finish (polling every ${formatInterval(intervalMs)}; Ctrl-C stops watching, not the jobs).`)
}

/** The closing lines: all Completed, or which jobs did not complete and why. */
export function renderWatchSummary(raw: WatchOutcome, style: Style, interrupted = false): string {
  const outcome = escapeStrings(raw)
  const jobs = `${outcome.total} job${outcome.total === 1 ? '' : 's'}`
  if (interrupted) {
    const running = outcome.others.filter((j) => !['Failed', 'Stopped', 'NotFound', 'DeleteFailed'].includes(j.status)).length
    return style.yellow(`Stopped watching: ${outcome.completed} of ${jobs} completed${running ? `, ${running} still running in SageMaker (sageform watch picks them up again)` : ''}.`)
  }
  if (outcome.allCompleted) return style.green(style.bold(`All ${jobs} completed.`))
  const lines = [style.red(style.bold(`${outcome.others.length} of ${jobs} did not complete:`))]
  for (const job of outcome.others) lines.push(`  ${style.bold(job.address)}: ${job.name} ${statusColor(job.status, style)(job.status)}${job.failureReason ? `: ${job.failureReason}` : ''}`)
  return lines.join('\n')
}

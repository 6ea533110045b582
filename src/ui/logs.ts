// `sageform logs`: each line as the job wrote it (the host prefix dimmed), and at the end which job was read and how
// it stands, for stderr so that stdout holds only the log.
import type { LogLine, LogsResult } from '../services/logs.js'
import { escapeStrings, oneLine } from './escape.js'
import type { Style } from './style.js'

export function renderLogLine(line: LogLine, style: Style): string {
  // One event, one line: a message cannot fake a line of its own, nor carry an escape sequence (escape.ts).
  return line.text === line.message ? oneLine(line.message) : `${style.dim(`[${oneLine(line.host)}]`)} ${oneLine(line.message)}`
}

/** apply --wait --logs: a log line of one of the applied jobs, after its address; one event, one line, escaped. */
export function renderAppliedLogLine(address: string, text: string): string {
  return `${oneLine(address)} | ${oneLine(text)}`
}

/** Empty when there is nothing to add (an error diagnostic already says what went wrong). */
export function renderLogsEnd(raw: LogsResult, style: Style): string {
  const result = escapeStrings(raw)
  if (result.training_job === undefined || result.status === undefined) return ''
  const of = result.tuning_job === undefined ? '' : ` of tuning job ${result.tuning_job}`
  const colour = result.status === 'Failed' ? style.red : result.status === 'Completed' ? style.green : result.status === 'InProgress' ? style.cyan : style.yellow
  const reason = result.failure_reason ? `: ${result.failure_reason}` : ''
  return style.dim(`Training job ${result.training_job}${of}: `) + colour(result.status) + reason
}

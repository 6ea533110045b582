// `sageform logs`: each line as the job wrote it (the host prefix dimmed), and at the end which job was read and how
// it stands, for stderr so that stdout holds only the log.
import type { LogLine, LogsResult } from '../services/logs.js'
import type { Style } from './style.js'

export function renderLogLine(line: LogLine, style: Style): string {
  return line.text === line.message ? line.message : `${style.dim(`[${line.host}]`)} ${line.message}`
}

/** Empty when there is nothing to add (an error diagnostic already says what went wrong). */
export function renderLogsEnd(result: LogsResult, style: Style): string {
  if (result.training_job === undefined || result.status === undefined) return ''
  const of = result.tuning_job === undefined ? '' : ` of tuning job ${result.tuning_job}`
  const colour = result.status === 'Failed' ? style.red : result.status === 'Completed' ? style.green : result.status === 'InProgress' ? style.cyan : style.yellow
  const reason = result.failure_reason ? `: ${result.failure_reason}` : ''
  return style.dim(`Training job ${result.training_job}${of}: `) + colour(result.status) + reason
}

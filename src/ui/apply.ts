// Apply progress as plain, timestamped lines (what CI logs want), and the closing summary.
import type { ApplyEvent } from '../apply/engine.js'
import type { ApplyPayload } from '../services/apply.js'
import { renderDiagnostics } from './diagnostics.js'
import { oneLine } from './escape.js'
import type { Style } from './style.js'

const VERB: Record<ApplyEvent['action'], [string, string]> = {
  create: ['Creating...', 'Creation complete'],
  replace: ['Replacing...', 'Replacement complete'],
  update: ['Updating...', 'Update complete'],
  stop: ['Stopping...', 'Stopped and forgotten'],
  adopt: ['Adopting...', 'Adoption complete'],
  import: ['Importing...', 'Import complete'],
  retune: ['Re-tuning...', 'New generation started'],
  delete: ['Deleting an older generation...', 'Deletion complete'],
  'no-op': ['Refreshing...', 'Up to date'],
}

/** Stops that only forget a finished job, and stops of deposed jobs, are announced as what they are. */
function verbs(event: ApplyEvent): [string, string] {
  if (event.action === 'stop') {
    if (event.reason === 'deposed_running') return ['Stopping a deposed job...', 'Stop requested']
    if (event.effect === 'forgotten' || event.reason === 'removed_finished' || event.reason === 'destroy_finished' || event.reason === 'destroy_forget') return ['Forgetting...', 'Forgotten']
  }
  if (event.action === 'delete' && event.reason === 'destroy_delete') return ['Deleting the job record...', 'Deletion complete']
  if (event.action === 'no-op' && event.reason === 'deposed_finished') return ['Recording...', 'Moved to history']
  return VERB[event.action]
}

export function renderEvent(event: ApplyEvent, style: Style, now: Date = new Date()): string | undefined {
  if (event.action === 'no-op' && event.phase !== 'failed' && event.reason !== 'deposed_finished') return undefined
  const [starting, finished] = verbs(event)
  const time = style.dim(now.toISOString().slice(11, 19))
  switch (event.phase) {
    case 'start':
      return `${time} ${style.bold(event.address)}: ${starting}`
    case 'done':
      return `${time} ${style.bold(event.address)}: ${style.green(finished)}${event.message ? ` (${oneLine(event.message)})` : ''}`
    case 'failed':
      return `${time} ${style.bold(event.address)}: ${style.red('Failed')}: ${oneLine(event.message)}`
    case 'skipped':
      return `${time} ${style.bold(event.address)}: ${style.yellow('Skipped')}: ${oneLine(event.message)}`
    case 'deferred':
      return `${time} ${style.bold(event.address)}: ${style.yellow('Deferred')}: ${oneLine(event.message)}`
  }
}

/** `location`: where the state is (a path, or s3://bucket/key), as the backend names it. */
/** `waiting`: apply --wait follows, and creates the deferred changes once their parents have ended. */
export function renderApplySummary(result: ApplyPayload, style: Style, location: string, waiting = false): string {
  const s = result.summary
  const parts = [`${s.created} created`, `${s.replaced} replaced`, `${s.updated} updated`, `${s.stopped} stopped`]
  if (s.forgotten) parts.push(`${s.forgotten} forgotten`)
  if (s.adopted) parts.push(`${s.adopted} adopted`)
  if (s.imported) parts.push(`${s.imported} imported`)
  if (s.retuned) parts.push(`${s.retuned} re-tuned`)
  if (s.deleted && result.mode === 'apply') parts.push(`${s.deleted} deleted`)
  const out: string[] = []
  const errors = result.diagnostics.filter((d) => d.severity === 'error')
  if (result.diagnostics.length > 0) out.push('', renderDiagnostics(result.diagnostics, style))
  const line = `Resources: ${parts.join(', ')}.`
  const verb = result.mode === 'destroy' ? 'Destroy' : 'Apply'
  out.push('', errors.length > 0 ? style.red(style.bold(`${verb} finished with ${errors.length} error${errors.length === 1 ? '' : 's'}. ${line}`)) : style.green(style.bold(`${verb} complete! ${line}`)))
  if (result.mode === 'destroy') {
    out.push(s.deleted !== undefined ? `${s.deleted} job record${s.deleted === 1 ? '' : 's'} deleted from SageMaker.` : style.dim('The jobs remain in SageMaker\'s history (and keep their names); destroy --delete also deletes the records.'))
  }
  if (s.deferred) out.push(style.yellow(waiting ? `${s.deferred} deferred: created below once the jobs they wait for have finished.` : `${s.deferred} deferred: run sageform apply again once the jobs they wait for have finished.`))
  out.push(style.dim(`The state of every step is in ${location}.`))
  return out.join('\n')
}

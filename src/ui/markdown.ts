// A plan as Markdown, for a pull-request comment: the summary line as a heading, a table of the changes, each changed
// resource's attribute diff in a collapsible ```diff block, drift, the cost total and the warnings. Pure: no ANSI, no I/O.
import { diffLines } from 'diff'
import type { Diagnostic } from '../diagnostics/index.js'
import type { AttributeChange, Plan, ResourceChange } from '../plan/types.js'
import type { JsonValue } from '../model/state.js'
import { jobCostLine, totalCostLine } from './cost.js'
import { oneLine } from './escape.js'
import { quotaFigures, quotaHeading } from './quota.js'
import { headline, isShown, reasonText, startsNewJob, summaryLine, symbol, tagDiff } from './plan.js'

/** The first line of every plan comment, so a CI step can find and update its earlier comment. */
export const PLAN_COMMENT_MARKER = '<!-- sageform-plan -->'


function value(v: JsonValue | undefined): string {
  if (v === undefined) return 'null'
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && '$unknown' in v) return '(known after apply)'
  return JSON.stringify(v)
}

/** Table cells: no line breaks, and a `|` would end the cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')
}

/** Inline code that survives backticks inside: a longer fence, padded when the text starts or ends with one. */
function code(text: string): string {
  const runs = text.match(/`+/g) ?? []
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function attributeDiff(change: AttributeChange, action: ResourceChange['action']): string[] {
  const note = action === 'replace' && change.forces_replacement ? ' # forces replacement' : ''
  if (change.sensitive) {
    const lines: string[] = []
    if (change.before !== undefined) lines.push(`- ${change.path} = (sensitive value)${change.after === undefined ? note : ''}`)
    if (change.after !== undefined) lines.push(`+ ${change.path} = (sensitive value)${note}`)
    return lines
  }
  if (typeof change.before === 'string' && typeof change.after === 'string' && (change.before.includes('\n') || change.after.includes('\n'))) {
    const lines = [`  ${change.path} = <<-EOT${note}`]
    for (const part of diffLines(change.before, change.after)) {
      const mark = part.added ? '+' : part.removed ? '-' : ' '
      for (const line of part.value.replace(/\n$/, '').split('\n')) lines.push(`${mark}     ${line}`)
    }
    lines.push('  EOT')
    return lines
  }
  const lines: string[] = []
  if (change.before !== undefined) lines.push(`- ${change.path} = ${value(change.before)}${change.after === undefined ? note : ''}`)
  if (change.after !== undefined) lines.push(`+ ${change.path} = ${value(change.after)}${note}`)
  return lines
}

function diffBody(change: ResourceChange): string[] {
  const lines: string[] = []
  for (const attribute of change.attribute_changes) lines.push(...attributeDiff(attribute, change.action))
  for (const tag of tagDiff(change)) {
    if (tag.before !== undefined) lines.push(`- tags.${tag.key} = ${JSON.stringify(tag.before)}`)
    else if (tag.after === undefined) lines.push(`- tags.${tag.key}`)
    if (tag.after !== undefined) lines.push(`+ tags.${tag.key} = ${JSON.stringify(tag.after)}`)
  }
  for (const [member, v] of Object.entries(change.training_job_update ?? {})) lines.push(`+ ${member} = ${JSON.stringify(v)} # UpdateTrainingJob`)
  return lines
}

/** A fenced block whose fence is longer than any backtick run inside it. */
function fenced(language: string, lines: string[]): string[] {
  const runs = lines.join('\n').match(/`{3,}/g) ?? []
  const fence = '`'.repeat(Math.max(2, ...runs.map((r) => r.length)) + 1)
  return [fence + language, ...lines, fence]
}

function jobCell(change: ResourceChange): string {
  const before = change.before && change.action !== 'create' ? code(change.before.name) : ''
  const showsAfter = startsNewJob(change)
  const after = showsAfter ? (change.after!.name === null ? '(known after apply)' : code(change.after!.name)) : ''
  if (before && after) return change.before!.name === change.after!.name ? before : `${before} → ${after}`
  if (after) return `→ ${after}`
  return before
}

function notesCell(change: ResourceChange): string {
  const notes: string[] = []
  const why = reasonText(change)
  if (why) notes.push(why)
  if (change.deferred) notes.push(`deferred: ${change.deferred.reason}`)
  return cell(notes.join('; '))
}

function details(change: ResourceChange): string[] {
  const title = html(headline(change)).replace(html(change.address), `<code>${html(change.address)}</code>`)
  const moved = change.previous_address !== undefined && change.action !== 'no-op' ? ` (moved from <code>${html(change.previous_address)}</code>)` : ''
  const summary = `<summary>${symbol(change)} ${title}${moved}${reasonText(change) ? ` (${html(reasonText(change)!)})` : ''}</summary>`
  const body = diffBody(change)
  const out = ['<details>', summary, '']
  if (change.deferred) out.push(`Deferred: ${change.deferred.reason}; a later apply (or apply --wait) creates it.`, '')
  if (change.cost) out.push(jobCostLine(change.cost).trim().replace(/^# /, ''), '')
  if (body.length > 0) out.push(...fenced('diff', body), '')
  else if (!change.deferred && !change.cost) out.push('No attribute changes.', '')
  out.push('</details>')
  return out
}

function diagnosticLine(d: Diagnostic): string {
  const where = [d.address && code(d.address), d.attribute && code(d.attribute)].filter(Boolean).join(', ')
  const parts = [`**${d.summary}**${where ? ` (${where})` : ''}`]
  if (d.detail) parts.push(d.detail.replace(/\r?\n/g, ' '))
  if (d.hint) parts.push(`Hint: ${d.hint.replace(/\r?\n/g, ' ')}`)
  return `- ${parts.join(' — ')}`
}

export function renderPlanMarkdown(plan: Plan): string {
  const changes = plan.changes.filter(isShown)
  const unchanged = plan.changes.filter((c) => !isShown(c))
  const out: string[] = [PLAN_COMMENT_MARKER]
  const recorded = plan.changes.filter((c) => c.reason === 'status_changed').length
  out.push(plan.refresh_only ? `### Refresh only: ${recorded} status${recorded === 1 ? '' : 'es'} to record; no job is created, stopped or updated.` : changes.length === 0 ? '### No changes. Your jobs match the configuration.' : `### ${summaryLine(plan)}`, '')
  if (changes.length > 0) {
    out.push('| | Action | Resource | Job | Notes |', '|---|---|---|---|---|')
    for (const c of changes) out.push(`| ${code(symbol(c))} | ${c.action} | ${code(c.address)} | ${jobCell(c)} | ${notesCell(c)} |`)
    out.push('')
    for (const c of changes) out.push(...details(c), '')
  }
  if (unchanged.length > 0) {
    out.push('**Up to date:**', '')
    for (const c of unchanged) out.push(`- ${code(c.address)}: ${c.reason === 'status_changed' ? reasonText(c)! : `job ${c.before ? code(c.before.name) : '(none)'} (${c.before?.status ?? 'unknown status'})`}`)
    out.push('')
  }
  if (plan.drift.length > 0) {
    out.push('**Note: objects have changed outside of sageform**', '')
    for (const d of plan.drift) out.push(`- ${code(d.address)}: ${oneLine(d.detail)}`)
    out.push('')
  }
  if (plan.cost && changes.length > 0) out.push(totalCostLine(plan.cost).replace(/^Cost:/, '**Cost:**'), '')
  if (plan.quota_check && changes.length > 0) {
    out.push(`**${quotaHeading(plan.quota_check)}**`, '')
    for (const item of plan.quota_check.items) out.push(`- ${item.outcome === 'exceeds' ? '❌' : item.outcome === 'fits' ? '✅' : '⚠️'} ${code(oneLine(item.quota_name))}${quotaFigures(item)}`)
    if (plan.quota_check.items.length > 0) out.push('')
  }
  if (!plan.refreshed) out.push('_Planned from the state file alone (`--refresh=false`)._', '')
  const errors = plan.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) {
    out.push('**Errors (the plan cannot be applied):**', '')
    for (const e of errors) out.push(diagnosticLine(e))
    out.push('')
  }
  const warnings = plan.diagnostics.filter((d) => d.severity === 'warning')
  if (warnings.length > 0) {
    out.push('**Warnings:**', '')
    for (const w of warnings) out.push(diagnosticLine(w))
    out.push('')
  }
  while (out.at(-1) === '') out.pop()
  return out.join('\n')
}

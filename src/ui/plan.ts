// Renders a plan the way Terraform does: a symbol per action, a per-attribute diff (multi-line values as a line diff),
// drift found during refresh, and the summary line.
import { resourceOf } from '../config/address.js'
import { isAbsolute, join } from 'node:path'
import { diffLines } from 'diff'
import type { Diagnostic } from '../diagnostics/index.js'
import type { AttributeChange, Plan, ResourceChange } from '../plan/types.js'
import type { JsonValue } from '../model/state.js'
import { jobCostLine, totalCostLine } from './cost.js'
import { quotaHeading, quotaItemLine } from './quota.js'
import { renderDiagnostics } from './diagnostics.js'
import { oneLine } from './escape.js'
import type { Style } from './style.js'

/** How each action is announced, in text and in Markdown. */
export const HEADER: Record<ResourceChange['action'], string> = {
  create: 'will be created',
  replace: 'must be replaced',
  update: 'will be updated in-place',
  stop: 'will be stopped and forgotten',
  adopt: 'will be adopted',
  import: 'will be imported',
  retune: 'will be re-tuned: a new generation',
  delete: 'will be deleted',
  'no-op': 'has no changes',
}

/** Why a change is planned, in words (the plan carries ChangeReason codes and their figures). */
export function reasonText(change: ResourceChange): string | undefined {
  const args = change.reason_args ?? {}
  const job = change.deposed ?? change.before?.name
  switch (change.reason) {
    case undefined:
      return undefined
    case 'no_current_job':
      return 'no current job'
    case 'job_missing':
      return `job ${job} no longer exists in SageMaker`
    case 'spec_changed':
      return 'spec changed'
    case 'spec_unknown':
      return `spec depends on ${args.origin}`
    case 'replace_forced':
      return 'forced by --replace'
    case 'tags_changed':
      return 'tags changed'
    case 'settings_changed':
      return 'updatable settings changed'
    case 'tags_and_settings_changed':
      return 'tags changed, updatable settings changed'
    case 'job_exists':
      return `job ${job} already exists (${change.before?.status ?? 'unknown status'}); recording it in state`
    case 'import_differs':
      return 'the job differs from the configuration: a later plan replaces it'
    case 'retune_due':
      return `job ${job} started ${formatInterval(Number(args.started_ago_seconds))} ago; retune_every is ${formatInterval(Number(args.retune_every_seconds))}`
    case 'old_generation':
      return `generation ${change.before?.generation ?? 1} is older than the newest ${args.keep} (keep_generations)`
    case 'removed_running':
      return 'removed from the configuration: its job is stopped and forgotten'
    case 'removed_finished':
      return 'removed from the configuration: its finished job is forgotten'
    case 'destroy_running':
      return 'destroy: its job is stopped and forgotten'
    case 'destroy_finished':
      return `destroy: its job has ${change.before?.status ? `ended (${change.before.status})` : 'gone'}, so it is only forgotten`
    case 'destroy_forget':
      return 'destroy: only earlier, finished jobs are recorded; they are forgotten'
    case 'destroy_delete':
      return `destroy --delete: the job record is deleted from SageMaker${change.before?.status === 'InProgress' || change.before?.status === 'Stopping' ? ' once stopped' : ''}`
    case 'deposed_running':
      return `job ${job} was replaced but is still ${change.before?.status ?? 'running'}: stop pending`
    case 'deposed_finished':
      return `replaced job ${job} has ${change.before?.status ? `ended (${change.before.status})` : 'gone'}; moved to history`
    case 'status_changed':
      return `job ${job}: ${args.recorded_status ?? 'unknown'} → ${change.before?.status ?? 'unknown'}`
  }
}

/** 7d, 12h, 1d 6h, 45m, 30s: the largest two units, as retune_every is written. */
export function formatInterval(seconds: number): string {
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]]
  let left = Math.max(0, Math.floor(seconds))
  const parts: string[] = []
  for (const [unit, size] of units) {
    if (left >= size && parts.length < 2) {
      parts.push(`${Math.floor(left / size)}${unit}`)
      left %= size
    } else if (parts.length > 0) break
  }
  return parts.join(' ') || '0s'
}

/** The action as announced for this change: a stop that only forgets a finished job says so. */
export function headerOf(change: ResourceChange): string {
  if (change.action === 'stop' && change.reason === 'deposed_running') return 'will be stopped (deposed)'
  if (change.action === 'stop' && (change.reason === 'removed_finished' || change.reason === 'destroy_finished' || change.reason === 'destroy_forget')) return 'will be forgotten'
  if (change.action === 'no-op' && change.reason === 'deposed_finished') return 'will be moved to history'
  return HEADER[change.action]
}

/** Worth showing as a change: anything but a no-op, and a no-op whose record moves (apply still moves it). */
export function isShown(change: ResourceChange): boolean {
  return change.action !== 'no-op' || change.previous_address !== undefined
}

/** `x will be created`, or Terraform's `a has moved to b` for a record that only moves. */
export function headline(change: ResourceChange): string {
  if (change.previous_address !== undefined && change.action === 'no-op') return `${change.previous_address} has moved to ${change.address}`
  return `${change.address} ${headerOf(change)}`
}

export function symbol(change: ResourceChange): string {
  switch (change.action) {
    case 'create':
      return '+'
    case 'replace':
      return change.delete_before_create ? '-/+' : '+/-'
    case 'update':
      return '~'
    case 'stop':
      return '-'
    case 'adopt':
    case 'import':
      return '<='
    case 'retune':
      return '+'
    case 'delete':
      return '-'
    case 'no-op':
      return '='
  }
}

function colourFor(change: ResourceChange, style: Style): (s: string) => string {
  return change.action === 'create' || change.action === 'adopt' || change.action === 'import' || change.action === 'retune' ? style.green : change.action === 'update' ? style.yellow : change.action === 'no-op' ? style.dim : style.red
}

function show(value: JsonValue | undefined): string {
  if (value === undefined) return 'null'
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && '$unknown' in value) return '(known after apply)'
  return JSON.stringify(value)
}

function attributeLines(change: AttributeChange, action: ResourceChange['action'], style: Style): string[] {
  const note = action === 'replace' && change.forces_replacement ? style.red(' # forces replacement') : ''
  if (change.sensitive) {
    const mark = change.before === undefined ? style.green('+') : change.after === undefined ? style.red('-') : style.yellow('~')
    return [`      ${mark} ${change.path} = (sensitive value)${note}`]
  }
  if (typeof change.before === 'string' && typeof change.after === 'string' && (change.before.includes('\n') || change.after.includes('\n'))) {
    const lines = [`      ~ ${change.path} = <<-EOT${note}`]
    for (const part of diffLines(change.before, change.after)) {
      const mark = part.added ? style.green('+') : part.removed ? style.red('-') : ' '
      for (const line of part.value.replace(/\n$/, '').split('\n')) lines.push(`          ${mark} ${line}`)
    }
    lines.push('        EOT')
    return lines
  }
  if (change.before === undefined) return [`      ${style.green('+')} ${change.path} = ${show(change.after)}`]
  if (change.after === undefined) return [`      ${style.red('-')} ${change.path} = ${show(change.before)}${note}`]
  return [`      ${style.yellow('~')} ${change.path} = ${show(change.before)} -> ${show(change.after)}${note}`]
}

export function renderChange(change: ResourceChange, style: Style): string {
  const colour = colourFor(change, style)
  const [type, label] = [change.type, resourceOf(change.address).slice(change.type.length + 1)]
  const why = reasonText(change)
  const reason = why ? ` (${why})` : ''
  const heading = change.deposed ? `${change.address} (${change.reason === 'deposed_running' ? 'deposed' : `generation ${change.before?.generation ?? '?'}`}, job ${change.deposed}) ${headerOf(change)}` : headline(change)
  const lines = [style.bold(`  # ${heading}`) + reason]
  if (change.previous_address !== undefined && change.action !== 'no-op') lines.push(style.bold(`  # (moved from ${change.previous_address})`))
  if (change.deferred) lines.push(style.yellow(`  # deferred: ${change.deferred.reason}; a later apply (or apply --wait) creates it`))
  if (change.cost) lines.push(style.dim(jobCostLine(change.cost)))
  lines.push(`${colour(symbol(change).padStart(3))} resource "${type}" "${label}" {`)
  if (change.before && change.action !== 'create') lines.push(`      ${style.dim('job')}      = ${change.before.name}${change.before.status ? style.dim(` (${change.before.status})`) : ''}`)
  if (startsNewJob(change)) {
    const name = change.after!.name ?? '(known after apply)'
    lines.push(`      ${colour('+')} ${style.dim('new job')}  = ${name}`)
  }
  for (const attribute of change.attribute_changes) lines.push(...attributeLines(attribute, change.action, style))
  for (const tag of tagDiff(change)) {
    const mark = tag.before === undefined ? style.green('+') : tag.after === undefined ? style.red('-') : style.yellow('~')
    const values = [tag.before, tag.after].filter((v) => v !== undefined).map(show)
    lines.push(`      ${mark} tags.${tag.key}${values.length > 0 ? ` = ${values.join(' -> ')}` : ''}`)
  }
  for (const [member, value] of Object.entries(change.training_job_update ?? {})) lines.push(`      ${style.yellow('~')} ${member} = ${JSON.stringify(value)} ${style.dim('(UpdateTrainingJob)')}`)
  lines.push('    }')
  return lines.join('\n')
}

/** Does the change start a job of its own (and so show its name)? An in-place update or an adoption does not. */
export function startsNewJob(change: ResourceChange): boolean {
  return change.after !== undefined && (change.action === 'create' || change.action === 'replace' || change.action === 'retune')
}

/**
 * Tags as the plan changes them: a new job's tags (the user's; sageform's own are implied), or an update's old → new.
 * A removed tag has no `after`, an added one no `before`.
 */
export function tagDiff(change: ResourceChange): Array<{ key: string; before?: JsonValue; after?: JsonValue }> {
  if (startsNewJob(change)) return Object.entries(change.after!.tags).map(([key, after]) => ({ key, after: after as JsonValue }))
  const tags = change.tag_changes
  if (!tags) return []
  const old = (key: string) => (tags.before && key in tags.before ? { before: tags.before[key] } : {})
  return [...Object.entries(tags.set).map(([key, after]) => ({ key, ...old(key), after })), ...tags.remove.map((key) => ({ key, ...old(key) }))]
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary
  const moved = plan.changes.filter((c) => c.previous_address !== undefined).length
  const extra = [s.import && `${s.import} to import`, s.adopt && `${s.adopt} to adopt`, moved && `${moved} to move`, s.retune && `${s.retune} to re-tune`, s.delete && `${s.delete} to delete`].filter(Boolean).map((part) => `, ${part}`).join('')
  return `Plan: ${s.create} to create, ${s.replace} to replace, ${s.update} to update, ${s.stop} to stop${extra}.`
}

export function renderPlan(plan: Plan, style: Style): string {
  const out: string[] = []
  if (plan.drift.length > 0) {
    out.push(style.bold('Note: objects have changed outside of sageform'), '')
    for (const d of plan.drift) out.push(`  ${style.yellow('~')} ${d.address}: ${oneLine(d.detail)}`)
    out.push('')
  }
  if (plan.refresh_only) out.push(...refreshOnlyLines(plan, style))
  const changes = plan.refresh_only ? [] : plan.changes.filter(isShown)
  const unchanged = plan.refresh_only ? [] : plan.changes.filter((c) => !isShown(c))
  if (unchanged.length > 0) {
    out.push(style.dim('Up to date:'))
    for (const c of unchanged) out.push(style.dim(c.deposed ? `  = ${c.address}: ${reasonText(c)}` : `  = ${c.address}: job ${c.before?.name} (${c.before?.status ?? 'unknown status'})${c.retune_due_at ? `, re-tune due ${c.retune_due_at}` : ''}`))
    out.push('')
  }
  if (plan.refresh_only) {
    // refreshOnlyLines said it all.
  } else if (changes.length === 0) {
    out.push(style.green(style.bold('No changes.')) + ' Your jobs match the configuration.')
  } else {
    out.push('sageform will perform the following actions:', '')
    for (const c of changes) out.push(renderChange(c, style), '')
    out.push(style.bold(summaryLine(plan)))
    if (plan.cost) out.push(totalCostLine(plan.cost))
    if (plan.quota_check) out.push(...quotaSection(plan, style))
  }
  if (!plan.refreshed) out.push(style.dim('(planned from the state file alone: --refresh=false)'))
  const warnings = plan.diagnostics.filter((d) => d.severity === 'warning')
  if (warnings.length > 0) out.push('', renderDiagnostics(warnings, style))
  return out.join('\n')
}

/** A refresh-only plan: what apply would record, and Terraform's word that nothing else happens. */
function refreshOnlyLines(plan: Plan, style: Style): string[] {
  const recorded = plan.changes.filter((c) => c.reason === 'status_changed' || c.reason === 'deposed_finished')
  const out = recorded.map((c) => `  ${style.yellow('~')} ${c.address}: ${reasonText(c)}`)
  for (const c of plan.changes.filter((c) => !recorded.includes(c))) out.push(style.dim(`  = ${c.address}: job ${c.before?.name} (${c.before?.status ?? 'unknown status'})`))
  if (out.length > 0) out.push('')
  if (recorded.length === 0 && plan.drift.length === 0) return [...out, style.green(style.bold('No changes.')) + ' The state already records what SageMaker says.']
  return [
    ...out,
    `This is a refresh-only plan, so sageform will not create, stop or update any job. Applying it records what SageMaker says now in the state (${recorded.length} status${recorded.length === 1 ? '' : 'es'}, best training jobs, outputs) without changing anything remote.`,
  ]
}

function quotaSection(plan: Plan, style: Style): string[] {
  const check = plan.quota_check!
  const color = (line: string, outcome: string) => (outcome === 'exceeds' ? style.red(line) : outcome === 'fits' ? style.dim(line) : style.yellow(line))
  return [quotaHeading(check), ...check.items.map((i) => color(`  ${quotaItemLine(i)}`, i.outcome))]
}

/** `savedTo.chdir`: the -chdir the plan was made with, as typed, so the printed apply command works from there too. */
export function renderPlanResult(result: { plan: Plan | null; diagnostics: Diagnostic[] }, style: Style, savedTo?: { path: string; chdir?: string }): string {
  const errors = result.diagnostics.filter((d) => d.severity === 'error')
  // A plan refused only by quotas still shows what it would do and the quota figures, then why it cannot start.
  const quotaErrors = result.plan?.quota_check?.items.filter((i) => i.outcome === 'exceeds').length ?? 0
  if (result.plan && errors.length > 0 && errors.length === quotaErrors) return [renderPlan(result.plan, style), '', renderDiagnostics(errors, style)].join('\n')
  if (!result.plan || errors.length > 0) return renderDiagnostics(result.diagnostics, style)
  const out = [renderPlan(result.plan, style)]
  if (savedTo) {
    const { path, chdir } = savedTo
    const where = chdir && !isAbsolute(path) ? join(chdir, path) : path
    out.push('', `Saved the plan to ${where}. Apply exactly these changes with: sageform ${chdir ? `-chdir=${shellWord(chdir)} ` : ''}apply ${shellWord(path)}`)
  }
  return out.join('\n')
}

/** A word the shell reads back unchanged: as is when plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

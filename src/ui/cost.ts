// The cost lines of a plan: one per job it creates, under the resource header, and a total under the summary.
import type { InstanceHours, JobCost, JobCostUnknown, PlanCost } from '../plan/cost.js'
import { formatDuration } from './duration.js'

export function formatNumber(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 })
}

export function formatUsd(usd: number): string {
  if (usd > 0 && usd < 0.005) return '<$0.01'
  return '$' + usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

function instanceHours(hours: number): string {
  return `${formatNumber(hours)} instance-hour${hours === 1 ? '' : 's'}`
}

function priceOf(items: readonly InstanceHours[], usd: number | null): string {
  if (usd === null) return 'price unknown'
  const pinned = items.filter((i) => i.price_source === 'pinned').length
  return formatUsd(usd) + (pinned === 0 ? '' : pinned === items.length ? ' (pinned)' : ' (partly pinned)')
}

/** `# max size: 20 jobs × 1 × ml.g5.xlarge × 2h = 40 instance-hours, $56.58; wall time ≤ 10h (4 in parallel)` */
export function jobCostLine(cost: JobCost | JobCostUnknown): string {
  if ('unknown' in cost) return `  # max size: known after apply (${cost.unknown})`
  const instances = cost.instances.map((i) => `${formatNumber(i.count)} × ${i.instance_type}`)
  const machine = instances.length === 1 ? instances[0]! : `(${instances.join(' + ')})`
  const runtime = `${formatDuration(cost.max_runtime_seconds)}${cost.max_runtime_defaulted ? ' (default max runtime)' : ''}`
  let size = `${machine} × ${runtime}`
  if (cost.training_jobs !== undefined) {
    const basis = cost.training_jobs_basis === 'default-quota' ? ' (default quota)' : cost.training_jobs_basis === 'grid' ? ' (grid)' : ''
    size = `${formatNumber(cost.training_jobs)} jobs${basis} × ${size}`
  }
  if (cost.capped_by_tuning_runtime) size += `, capped at ${formatNumber(cost.max_parallel_training_jobs ?? 1)} in parallel × ${formatDuration(cost.tuning_max_runtime_seconds ?? 0)}`
  const hours = cost.instance_hours.reduce((s, i) => s + i.hours, 0)
  const notes: string[] = []
  if (cost.max_parallel_training_jobs !== undefined) notes.push(`wall time ≤ ${formatDuration(cost.wall_time_seconds)} (${formatNumber(cost.max_parallel_training_jobs)} in parallel)`)
  else if (cost.wall_time_seconds !== cost.max_runtime_seconds) notes.push(`wall time ≤ ${formatDuration(cost.wall_time_seconds)}`)
  if (cost.definition !== undefined) notes.push(`${cost.definition}, the largest of ${cost.candidates}`)
  if (cost.managed_spot) notes.push('managed spot: up to 90% cheaper, billed time only')
  return `  # max size: ${size} = ${instanceHours(hours)}, ${priceOf(cost.instance_hours, cost.usd)}${notes.map((n) => `; ${n}`).join('')}`
}

/** `Cost: at most 76 instance-hours (ml.g5.xlarge 40, ml.m5.2xlarge 36), $73.17 (us-east-1 on-demand prices as of 2026-11-01).` */
export function totalCostLine(cost: PlanCost): string {
  if (cost.instance_hours.length === 0) return `Cost: known only after apply (${cost.not_counted.join(', ')}).`
  const byType = cost.instance_hours.length > 1 ? ` (${cost.instance_hours.map((i) => `${i.instance_type} ${formatNumber(i.hours)}`).join(', ')})` : cost.instance_hours.length === 1 ? ` of ${cost.instance_hours[0]!.instance_type}` : ''
  let price: string
  const unknown = cost.instance_hours.filter((i) => i.usd === null)
  if (unknown.length > 0) {
    const reasons = [...new Set(unknown.map((i) => i.price_unknown_reason ?? 'no price'))]
    const which = unknown.length === cost.instance_hours.length ? '' : ` for ${unknown.map((i) => i.instance_type).join(', ')}`
    price = `price unknown${which} (${reasons.join('; ')})`
  } else {
    const pinned = cost.instance_hours.filter((i) => i.price_source === 'pinned').map((i) => i.instance_type)
    const sources: string[] = []
    if (pinned.length > 0) sources.push(pinned.length === cost.instance_hours.length ? 'pinned prices' : `pinned prices for ${pinned.join(', ')}`)
    if (pinned.length < cost.instance_hours.length) sources.push(`${cost.region} on-demand prices as of ${cost.prices_as_of ?? 'an unknown date'}`)
    price = cost.instance_hours.length === 0 ? '' : `${formatUsd(cost.usd ?? 0)} (${sources.join('; ')})`
  }
  const out = [`Cost: at most ${instanceHours(cost.hours)}${byType}${price ? `, ${price}` : ''}.`]
  if (cost.managed_spot) out.push('Managed spot jobs may cost up to 90% less.')
  if (cost.not_counted.length > 0) out.push(`Not counted (size known after apply): ${cost.not_counted.join(', ')}.`)
  return out.join(' ')
}

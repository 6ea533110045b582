// The policy block's guard rails, checked without I/O:
// - allowed_instance_types against every instance type a resource names (at validate time: it needs no prices);
// - max_instance_hours against the total maximum instance-hours of the jobs a plan would create (create/replace);
// - max_cost_usd against their total maximum cost, only when every price is known: an unknown price is a warning
//   that the limit could not be checked, never a guessed figure.
import { suggestFrom, type Diagnostic } from '../diagnostics/index.js'
import { isUnknown } from '../config/value.js'
import { apiPathKey, type ApiValue, type JobResource, type PolicySettings } from '../model/types.js'
import type { JobCost } from '../plan/cost.js'
import type { Plan } from '../plan/types.js'
import { costedChanges, jobCost, jobSize } from './cost.js'

/** Structures whose InstanceType member is a training instance type (debugger and profiler rules run processing ones). */
const INSTANCE_TYPE_HOLDERS = new Set(['ResourceConfig', 'HyperParameterTuningResourceConfig', 'InstanceGroups', 'InstanceConfigs'])

/** Every training instance type a resource's request names, with its API path. */
export function requestInstanceTypes(request: ApiValue): Array<{ path: Array<string | number>; type: string }> {
  const out: Array<{ path: Array<string | number>; type: string }> = []
  const walk = (value: ApiValue, path: Array<string | number>) => {
    if (isUnknown(value) || value === null || typeof value !== 'object') return
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]))
      return
    }
    for (const [key, member] of Object.entries(value)) {
      const holder = [...path].reverse().find((p) => typeof p === 'string')
      if (key === 'InstanceType' && typeof member === 'string' && holder !== undefined && INSTANCE_TYPE_HOLDERS.has(holder as string)) out.push({ path: [...path, key], type: member })
      else walk(member, [...path, key])
    }
  }
  walk(request, [])
  return out
}

/** Errors for instance types outside policy.allowed_instance_types, at the value that names them. */
export function instanceTypeViolations(policy: PolicySettings | undefined, resources: readonly JobResource[]): Diagnostic[] {
  const allowed = policy?.allowed_instance_types
  if (!allowed) return []
  const out: Diagnostic[] = []
  for (const resource of resources) {
    for (const { path, type } of requestInstanceTypes(resource.request)) {
      if (allowed.includes(type)) continue
      const source = resource.sources.get(apiPathKey(path))
      out.push({
        severity: 'error',
        summary: 'Instance type not allowed by policy',
        detail: `${resource.address} uses "${type}"${source ? ` (${source.manifestPath})` : ''}, which the policy does not allow. Allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'}.`,
        range: source?.range ?? resource.range,
        address: resource.address,
        attribute: source?.manifestPath,
        hint: [suggestFrom(type, allowed), 'Use one of the allowed instance types, or add this one to allowed_instance_types in the policy block.'].filter(Boolean).join(' '),
      })
    }
  }
  return out
}

export interface PolicyCheckOptions {
  /** Whether the plan's cost step ran (false with plan --no-cost, and for apply): without it max_cost_usd cannot be checked. */
  costEstimated: boolean
}

const hoursText = (h: number) => `${Number(h.toFixed(2))} instance-hour${h === 1 ? '' : 's'}`
const usdText = (usd: number) => `$${usd.toFixed(2)}`

/** Errors when the jobs a plan would create go over the policy's limits; warnings when a limit cannot be checked. */
export function policyViolations(policy: PolicySettings | undefined, plan: Pick<Plan, 'changes'>, options: PolicyCheckOptions): Diagnostic[] {
  if (!policy || (policy.max_instance_hours === undefined && policy.max_cost_usd === undefined)) return []
  const out: Diagnostic[] = []
  const range = policy.range
  const at = (key: 'max_instance_hours' | 'max_cost_usd') => policy.ranges?.[key] ?? range
  const jobs: Array<{ address: string; hours: number; cost?: JobCost }> = []
  const notCounted: string[] = []
  for (const change of costedChanges(plan)) {
    const size = jobSize(change.type, change.after!.request)
    if ('unknown' in size) {
      notCounted.push(`${change.address} (${size.unknown})`)
      continue
    }
    // Hours need no prices: the largest alternative in instance-hours, whatever the cost step chose in dollars.
    const hours = jobCost(size, { quotes: {} }).instance_hours.reduce((s, i) => s + i.hours, 0)
    jobs.push({ address: change.address, hours, cost: change.cost && !('unknown' in change.cost) ? change.cost : undefined })
  }
  if (notCounted.length > 0) {
    out.push({
      severity: 'warning',
      summary: 'Policy limits checked without some jobs',
      detail: `The size of ${notCounted.join(', ')} is known only after apply, so it is not counted against the policy's limits.`,
      range,
      address: 'policy',
    })
  }
  const max = policy.max_instance_hours
  const totalHours = jobs.reduce((s, j) => s + j.hours, 0)
  if (max !== undefined && totalHours > max) {
    const each = [...jobs].filter((j) => j.hours > 0).sort((a, b) => b.hours - a.hours).map((j) => `${j.address}: ${hoursText(j.hours)}`)
    out.push({
      severity: 'error',
      summary: 'Plan exceeds the policy\'s max_instance_hours',
      detail: `The jobs this plan would create may use up to ${hoursText(totalHours)} in total, over the limit of ${hoursText(max)}. ${each.join('; ')}.`,
      range: at('max_instance_hours'),
      address: 'policy',
      attribute: 'max_instance_hours',
      hint: 'Lower instance counts, max_runtime_in_seconds or the tuning job\'s max_number_of_training_jobs, or raise max_instance_hours.',
    })
  }
  const maxUsd = policy.max_cost_usd
  if (maxUsd === undefined) return out
  if (!options.costEstimated) {
    out.push({
      severity: 'warning',
      summary: 'Cost policy not checked',
      detail: `Prices were not looked up for this plan (plan --no-cost, or apply), so max_cost_usd (${usdText(maxUsd)}) could not be checked.`,
      range: at('max_cost_usd'),
      address: 'policy',
      attribute: 'max_cost_usd',
      hint: 'Run sageform plan without --no-cost to check it.',
    })
    return out
  }
  const unpriced = new Map<string, string>()
  for (const job of jobs) {
    for (const i of job.cost?.instance_hours ?? []) if (i.usd === null) unpriced.set(i.instance_type, i.price_unknown_reason ?? 'no price')
    if (!job.cost) unpriced.set(job.address, 'no cost estimate')
  }
  if (unpriced.size > 0) {
    out.push({
      severity: 'warning',
      summary: 'Cost policy not checked',
      detail: `max_cost_usd (${usdText(maxUsd)}) could not be checked: prices are unknown for ${[...unpriced].map(([t, why]) => `${t} (${why})`).join(', ')}.`,
      range: at('max_cost_usd'),
      address: 'policy',
      attribute: 'max_cost_usd',
      hint: 'Pin prices in sageform.pricing.json (or --pricing FILE), or make AWS\'s price list reachable.',
    })
    return out
  }
  const totalUsd = jobs.reduce((s, j) => s + (j.cost?.usd ?? 0), 0)
  if (totalUsd > maxUsd) {
    const each = [...jobs].filter((j) => (j.cost?.usd ?? 0) > 0).sort((a, b) => b.cost!.usd! - a.cost!.usd!).map((j) => `${j.address}: ${usdText(j.cost!.usd!)}`)
    out.push({
      severity: 'error',
      summary: 'Plan exceeds the policy\'s max_cost_usd',
      detail: `The jobs this plan would create may cost up to ${usdText(totalUsd)} on demand in total, over the limit of ${usdText(maxUsd)}. ${each.join('; ')}.`,
      range: at('max_cost_usd'),
      address: 'policy',
      attribute: 'max_cost_usd',
      hint: 'Use smaller or fewer instances, shorter runtimes or fewer tuning jobs, or raise max_cost_usd.',
    })
  }
  return out
}

// The plan's quota check in words: one line per quota the new jobs count against, for text and Markdown output.
import type { QuotaCheck, QuotaItem, QuotaOutcome } from '../plan/quota.js'
import { oneLine } from './escape.js'

const MARK: Record<QuotaOutcome, string> = { fits: 'ok', 'after-others': 'waits', exceeds: 'EXCEEDED', 'not-listed': 'not listed' }

/** "ml.m5.xlarge for training job usage (L-CCE2AFA6): need 2 + in use 1 of 4 — ok" (the name comes from AWS). */
export function quotaItemLine(item: QuotaItem): string {
  return `${oneLine(item.quota_name)}${quotaFigures(item)}`
}

/** The line after the quota's name: " (L-CCE2AFA6): need 2 + in use 1 of 4 — ok". */
export function quotaFigures(item: QuotaItem): string {
  const code = item.quota_code ? ` (${oneLine(item.quota_code)})` : ''
  const value = item.value === null ? 'not listed' : String(item.value)
  const figures = item.per_job ? `need ${item.need} per job, quota ${value}` : `need ${item.need} + in use ${item.usage}${item.released > 0 ? ` (${item.released} freed by this plan)` : ''} of ${value}`
  return `${code}: ${figures} — ${MARK[item.outcome]}`
}

/** The heading line of the check. */
export function quotaHeading(check: QuotaCheck): string {
  if (check.status === 'not-checked') return `Quotas: not checked (${oneLine(check.reason ?? 'unknown reason')})`
  const exceeded = check.items.filter((i) => i.outcome === 'exceeds').length
  const where = check.region ? ` in ${check.region}` : ''
  return exceeded > 0 ? `Quotas${where}: ${exceeded} exceeded` : `Quotas${where}: the new jobs fit`
}

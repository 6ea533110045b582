// The plan's quota check in words: one line per quota the new jobs count against, for text and Markdown output.
import type { QuotaCheck, QuotaItem, QuotaOutcome } from '../plan/quota.js'

const MARK: Record<QuotaOutcome, string> = { fits: 'ok', 'after-others': 'waits', exceeds: 'EXCEEDED', 'not-listed': 'not listed' }

/** "ml.m5.xlarge for training job usage (L-CCE2AFA6): need 2 + in use 1 of 4 — ok". */
export function quotaItemLine(item: QuotaItem): string {
  const code = item.quota_code ? ` (${item.quota_code})` : ''
  const value = item.value === null ? 'not listed' : String(item.value)
  const figures = item.per_job ? `need ${item.need} per job, quota ${value}` : `need ${item.need} + in use ${item.usage}${item.released > 0 ? ` (${item.released} freed by this plan)` : ''} of ${value}`
  return `${item.quota_name}${code}: ${figures} — ${MARK[item.outcome]}`
}

/** The heading line of the check. */
export function quotaHeading(check: QuotaCheck): string {
  if (check.status === 'not-checked') return `Quotas: not checked (${check.reason ?? 'unknown reason'})`
  const exceeded = check.items.filter((i) => i.outcome === 'exceeds').length
  const where = check.region ? ` in ${check.region}` : ''
  return exceeded > 0 ? `Quotas${where}: ${exceeded} exceeded` : `Quotas${where}: the new jobs fit`
}

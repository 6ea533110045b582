// Whether the jobs a plan starts fit the account's SageMaker quotas (schemas/plan.json `quota_check`). Computed by
// src/planner/quota.ts from the Service Quotas values and what SageMaker runs now; src/ui words it.

/**
 * fits             need + usage ≤ value
 * after-others     need ≤ value < need + usage: the plan can start only once running jobs have finished (or been
 *                  stopped by this plan first)
 * exceeds          need > value: the plan cannot start until the quota is raised
 * not-listed       the account lists no quota of that name in the region (the instance type may not be offered)
 */
export type QuotaOutcome = 'fits' | 'after-others' | 'exceeds' | 'not-listed'

/** What a quota counts. */
export type QuotaUnit = 'instances' | 'jobs'

export interface QuotaItem {
  quota_name: string
  /** AWS's code (L-XXXXXXXX), from the Service Quotas answer; null when neither it nor sageform knows one. */
  quota_code: string | null
  /** The applied value; null when the quota is not listed. */
  value: number | null
  unit: QuotaUnit
  /**
   * Per-job quotas (instances per training job, training jobs per tuning job, ...) have no usage: each job must fit
   * alone, and `need` is the largest job's.
   */
  per_job: boolean
  /** What runs now (from SageMaker's Search), counted against this quota. */
  usage: number
  /** Of `usage`, what jobs this plan stops or replaces hold. */
  released: number
  /** What the plan's new jobs need at their peak. */
  need: number
  outcome: QuotaOutcome
  /** The resources whose new jobs need it. */
  addresses: string[]
}

/**
 * checked      the quotas and usage were read
 * not-checked  they could not be read (no permission, no network, a timeout, no region): `reason` says why
 */
export type QuotaCheckStatus = 'checked' | 'not-checked'

export interface QuotaCheck {
  status: QuotaCheckStatus
  region: string | null
  /** not-checked: what failed, e.g. "AccessDeniedException: ..." or "no answer within 5000 ms". */
  reason?: string
  /** Every quota the plan's new jobs count against, errors first. */
  items: QuotaItem[]
  /** Jobs whose instance counts are known only after apply: not checked, never passed. */
  unchecked: Array<{ address: string; reason: string }>
}

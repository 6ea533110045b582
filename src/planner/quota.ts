// Do the jobs a plan starts fit the account's SageMaker quotas? Pure: the quota values (Service Quotas) and what runs
// now (Search for InProgress jobs) come in; a QuotaCheck and its diagnostics come out.
//
// What a new job needs, at its peak:
// - a training job: its instances per type ("<type> for training job usage", or "... for spot training job usage"
//   with managed spot training), their total against "Number of instances across all (spot) training jobs", and the
//   total against the per-job maximum;
// - a tuning job: max_parallel_training_jobs × the instances of one training job, taking for each quota the largest
//   over its definitions (and instance configs): SageMaker may run every parallel job on any of them. It also counts
//   one against the concurrent tuning jobs, and its MaxParallelTrainingJobs and MaxNumberOfTrainingJobs (the Random
//   search quota for that strategy) must each fit the per-tuning-job quota.
// What runs now: every InProgress training job's instances, except that an InProgress tuning job holds its peak
// (parallel × instances) or what its running training jobs hold, whichever is more: it keeps launching jobs.
import type { Diagnostic } from '../diagnostics/index.js'
import { QUOTA, increaseCommand, instanceQuotaName, knownQuotaCode, parseLimitMessage } from '../model/quotas.js'
import type { QuotaCheck, QuotaItem, QuotaOutcome, QuotaUnit } from '../plan/quota.js'
import { digJson, startsJob, type Plan, type ResourceChange } from '../plan/types.js'
import type { JsonValue } from '../model/state.js'
import { jobSize } from './cost.js'

/** A quota's applied value, by name. */
export interface QuotaValue {
  code: string
  value: number
}

/** Amounts by quota name. */
export type Amounts = Map<string, number>

/** What one job needs: amounts held while it runs, and amounts that must fit the per-job quotas. */
export interface JobNeed {
  held: Amounts
  perJob: Amounts
}

const JOB_QUOTAS = new Set<string>([QUOTA.concurrentTuningJobs, QUOTA.trainingJobsPerTuningJob, QUOTA.randomTrainingJobsPerTuningJob, QUOTA.parallelTrainingJobsPerTuningJob])

const maxInto = (into: Amounts, name: string, amount: number) => into.set(name, Math.max(into.get(name) ?? 0, amount))
const addInto = (into: Amounts, name: string, amount: number) => into.set(name, (into.get(name) ?? 0) + amount)

/** What a job of this type and Create request needs, or why that is known only after apply. */
export function jobNeed(type: ResourceChange['type'], request: JsonValue): JobNeed | { unknown: string } {
  const size = jobSize(type, request)
  if ('unknown' in size) return size
  const parallel = size.kind === 'tuning' ? (size.parallel ?? 1) : 1
  const held: Amounts = new Map()
  const perJob: Amounts = new Map()
  for (const candidate of size.candidates) {
    let total = 0
    for (const { instance_type, count } of candidate.instances) {
      maxInto(held, instanceQuotaName(instance_type, candidate.spot), parallel * count)
      total += count
    }
    maxInto(held, candidate.spot ? QUOTA.instancesAcrossSpotTraining : QUOTA.instancesAcrossTraining, parallel * total)
    maxInto(perJob, candidate.spot ? QUOTA.instancesPerSpotTrainingJob : QUOTA.instancesPerTrainingJob, total)
  }
  if (size.kind === 'tuning') {
    held.set(QUOTA.concurrentTuningJobs, 1)
    perJob.set(QUOTA.parallelTrainingJobsPerTuningJob, parallel)
    // Without MaxNumberOfTrainingJobs the service applies the quota itself: nothing to check.
    if (size.jobs?.basis === 'manifest') {
      const random = digJson(request, ['HyperParameterTuningJobConfig', 'Strategy']) === 'Random'
      perJob.set(random ? QUOTA.randomTrainingJobsPerTuningJob : QUOTA.trainingJobsPerTuningJob, size.jobs.count)
    }
  }
  return { held, perJob }
}

/** The part of a SageMaker Search record (SearchRecord) the usage count reads. */
export interface RunningRecord {
  TrainingJob?: { TrainingJobName?: string; TuningJobArn?: string }
  HyperParameterTuningJob?: { HyperParameterTuningJobName?: string; HyperParameterTuningJobArn?: string }
}

/** What each InProgress job holds now, by job name (training jobs of a running tuning job are inside its entry). */
export function runningUsage(training: readonly RunningRecord[], tuning: readonly RunningRecord[]): Map<string, Amounts> {
  const out = new Map<string, Amounts>()
  const tuningNames = new Map<string, string>()
  for (const record of tuning) {
    const job = record.HyperParameterTuningJob
    if (!job?.HyperParameterTuningJobName) continue
    const need = jobNeed('sagemaker_hyperparameter_tuning_job', job as unknown as JsonValue)
    out.set(job.HyperParameterTuningJobName, 'unknown' in need ? new Map([[QUOTA.concurrentTuningJobs, 1]]) : need.held)
    if (job.HyperParameterTuningJobArn) tuningNames.set(job.HyperParameterTuningJobArn.toLowerCase(), job.HyperParameterTuningJobName)
  }
  const children = new Map<string, Amounts>()
  for (const record of training) {
    const job = record.TrainingJob
    if (!job?.TrainingJobName) continue
    const need = jobNeed('sagemaker_training_job', job as unknown as JsonValue)
    if ('unknown' in need) continue
    const parent = job.TuningJobArn ? tuningNames.get(job.TuningJobArn.toLowerCase()) : undefined
    if (!parent) {
      out.set(job.TrainingJobName, need.held)
      continue
    }
    const sum = children.get(parent) ?? new Map()
    for (const [name, amount] of need.held) addInto(sum, name, amount)
    children.set(parent, sum)
  }
  for (const [parent, sum] of children) {
    const held = out.get(parent)!
    for (const [name, amount] of sum) maxInto(held, name, amount)
  }
  return out
}

export interface QuotaCheckInput {
  region: string | null
  /** Applied values by quota name, as ListServiceQuotas returned them. */
  quotas: ReadonlyMap<string, QuotaValue>
  /** runningUsage() of what SageMaker runs now. */
  running: ReadonlyMap<string, Amounts>
}

/** The plan's changes that start a job now or later (deferred ones too: they will need the same quotas). */
function starting(plan: Pick<Plan, 'changes'>): ResourceChange[] {
  return plan.changes.filter((c) => startsJob(c) && c.after !== undefined)
}

/** The names of the running jobs this plan stops: their instances free up once apply has stopped them. */
function stoppedByPlan(plan: Pick<Plan, 'changes'>): Set<string> {
  return new Set(plan.changes.filter((c) => (c.action === 'replace' || c.action === 'stop') && c.before?.name).map((c) => c.before!.name))
}

const OUTCOME_ORDER: Record<QuotaOutcome, number> = { exceeds: 0, 'not-listed': 1, 'after-others': 2, fits: 3 }

/** The check's value: every quota the plan's new jobs count against, with need, usage and outcome. */
export function checkQuotas(plan: Pick<Plan, 'changes'>, input: QuotaCheckInput): QuotaCheck {
  // `now`: what the jobs apply starts at once hold together. A deferred job (a warm start waiting for its parents to
  // finish) starts later, on its own: `later` is the largest such job, which must fit the quota alone.
  const needs = new Map<string, { now: number; later: number; perJob: boolean; addresses: Set<string> }>()
  const unchecked: QuotaCheck['unchecked'] = []
  for (const change of starting(plan)) {
    const need = jobNeed(change.type, change.after!.request)
    if ('unknown' in need) {
      unchecked.push({ address: change.address, reason: need.unknown })
      continue
    }
    for (const [perJob, amounts] of [[false, need.held], [true, need.perJob]] as const) {
      for (const [name, amount] of amounts) {
        const entry = needs.get(name) ?? { now: 0, later: 0, perJob, addresses: new Set<string>() }
        if (perJob || change.deferred) entry.later = Math.max(entry.later, amount)
        else entry.now += amount
        entry.addresses.add(change.address)
        needs.set(name, entry)
      }
    }
  }
  const stopped = stoppedByPlan(plan)
  const items: QuotaItem[] = []
  for (const [name, { now, later, perJob, addresses }] of needs) {
    const need = Math.max(now, later)
    let usage = 0
    let released = 0
    if (!perJob) {
      for (const [job, held] of input.running) {
        const amount = held.get(name) ?? 0
        usage += amount
        if (stopped.has(job)) released += amount
      }
    }
    const quota = input.quotas.get(name)
    const value = quota?.value ?? null
    const outcome: QuotaOutcome = value === null ? 'not-listed' : need > value ? 'exceeds' : now + usage > value ? 'after-others' : 'fits'
    const unit: QuotaUnit = JOB_QUOTAS.has(name) ? 'jobs' : 'instances'
    items.push({ quota_name: name, quota_code: quota?.code ?? knownQuotaCode(name) ?? null, value, unit, per_job: perJob, usage, released, need, outcome, addresses: [...addresses].sort() })
  }
  items.sort((a, b) => OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome] || (a.quota_name < b.quota_name ? -1 : 1))
  return { status: 'checked', region: input.region, items, unchecked }
}

const amount = (n: number, unit: QuotaUnit) => `${n} ${unit === 'jobs' ? (n === 1 ? 'job' : 'jobs') : n === 1 ? 'instance' : 'instances'}`

/** The diagnostics of a check: an error per quota the plan cannot fit, warnings for the rest that need attention. */
export function quotaDiagnostics(check: QuotaCheck): Diagnostic[] {
  if (check.status === 'not-checked') {
    return [
      {
        severity: 'warning',
        summary: 'Quotas not checked',
        detail: `sageform could not read the account's SageMaker quotas${check.region ? ` in ${check.region}` : ''} (${check.reason ?? 'unknown reason'}), so whether the new jobs fit them is unknown.`,
        hint: 'Allow servicequotas:GetServiceQuota, servicequotas:ListServiceQuotas and sagemaker:Search (see docs/iam.md), or skip the check with --no-quota-check.',
      },
    ]
  }
  const out: Diagnostic[] = []
  const where = check.region ? ` in ${check.region}` : ''
  for (const item of check.items) {
    const who = item.addresses.join(', ')
    const code = item.quota_code ? ` (${item.quota_code})` : ''
    if (item.outcome === 'exceeds') {
      const desired = item.per_job ? item.need : item.need + item.usage
      out.push({
        severity: 'error',
        summary: `Plan exceeds the SageMaker quota "${item.quota_name}"`,
        detail: item.per_job
          ? `${who} needs ${amount(item.need, item.unit)}; the quota${code} is ${item.value}${where}.`
          : `The jobs this plan starts need ${amount(item.need, item.unit)} at once (${who}); the quota${code} is ${item.value}${where}, and ${amount(item.usage, item.unit)} ${item.usage === 1 ? 'is' : 'are'} in use now.`,
        hint: `Ask AWS to raise it: ${increaseCommand(item.quota_code ?? undefined, item.quota_name, desired, check.region)}`,
      })
    } else if (item.outcome === 'after-others') {
      const freed = item.released > 0 ? `; ${amount(item.released, item.unit)} of them belong to jobs this plan stops` : ''
      out.push({
        severity: 'warning',
        summary: `Plan fits the SageMaker quota "${item.quota_name}" only once other jobs finish`,
        detail: `The jobs this plan starts need ${amount(item.need, item.unit)} (${who}) and ${amount(item.usage, item.unit)} ${item.usage === 1 ? 'is' : 'are'} in use now${freed}; the quota${code} is ${item.value}${where}.`,
        hint: `Create fails with ResourceLimitExceeded while they run: apply once they have finished, or raise the quota: ${increaseCommand(item.quota_code ?? undefined, item.quota_name, item.need + item.usage, check.region)}`,
      })
    } else if (item.outcome === 'not-listed') {
      out.push({
        severity: 'warning',
        summary: `No SageMaker quota "${item.quota_name}"${where}`,
        detail: `Service Quotas lists no quota of that name for ${who}, so it was not checked; SageMaker may not offer that instance type for training${where}.`,
      })
    }
  }
  if (check.unchecked.length > 0) {
    out.push({
      severity: 'warning',
      summary: 'Quotas checked without some jobs',
      detail: `The size of ${check.unchecked.map((u) => `${u.address} (${u.reason})`).join(', ')} is known only after apply, so it is not checked against the quotas.`,
    })
  }
  return out
}

/** The check of a plan whose quotas could not be read. */
export function notChecked(region: string | null, reason: string): QuotaCheck {
  return { status: 'not-checked', region, reason, items: [], unchecked: [] }
}

/** The names of every quota the plan's new jobs count against: the ones to look up. */
export function neededQuotaNames(plan: Pick<Plan, 'changes'>): string[] {
  const names = new Set<string>()
  for (const change of starting(plan)) {
    const need = jobNeed(change.type, change.after!.request)
    if ('unknown' in need) continue
    for (const name of [...need.held.keys(), ...need.perJob.keys()]) names.add(name)
  }
  return [...names].sort()
}

/** Does the plan start any job, that is, is there anything to check? */
export function needsQuotaCheck(plan: Pick<Plan, 'changes'>): boolean {
  return starting(plan).length > 0
}

/**
 * A ResourceLimitExceeded from Create, explained as the plan check explains a quota: which quota, its value, what is in
 * use, what the job needs, and the command that asks for the smallest value that lets it start. Undefined when the
 * message does not name a quota.
 */
export function limitExceededHelp(message: string, region?: string | null): { detail: string; hint: string } | undefined {
  const limit = parseLimitMessage(message)
  if (!limit) return undefined
  const code = knownQuotaCode(limit.name)
  const unit: QuotaUnit = /job/i.test(limit.unit) ? 'jobs' : 'instances'
  return {
    detail: `The SageMaker quota "${limit.name}"${code ? ` (${code})` : ''} is ${limit.value}${region ? ` in ${region}` : ''}; ${amount(limit.usage, unit)} ${limit.usage === 1 ? 'is' : 'are'} in use and this job needs ${amount(limit.delta, unit)} more.`,
    hint: `Wait for running jobs to finish, or ask AWS to raise it: ${increaseCommand(code, limit.name, limit.usage + limit.delta, region)}`,
  }
}

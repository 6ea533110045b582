// The account's SageMaker quotas on the local endpoint: the Service Quotas API (JSON 1.1, `X-Amz-Target:
// ServiceQuotasV20190624.<Operation>`) for service code `sagemaker`, and their enforcement on CreateTrainingJob and
// CreateHyperParameterTuningJob with the service's ResourceLimitExceeded wording.
//
// The quotas served are those src/model/quotas.ts knows a code for. Values: an override (`--quota NAME=VALUE`, by name
// or code, or RequestServiceQuotaIncrease, approved at once), else AWS's documented default, else LOCAL_DEFAULTS:
// AWS no longer documents per-instance-type defaults (they vary by account, and are often 0 for a new one), so the
// endpoint starts generous and a test or a user sets `<type> for training job usage=0` to see a new account.
import { randomUUID } from 'node:crypto'
import { QUOTA, QUOTA_SERVICE_CODE, QUOTA_SERVICE_NAME, instanceQuotaName, knownQuotas, type KnownQuota } from '../model/quotas.js'
import { ServiceError, quotaExceeded, validationError } from './errors.js'
import { paginate } from './listing.js'
import type { Context, TrainingJobRecord } from './store.js'
import { endOf } from './training.js'
import type { JsonObject } from './types.js'

export const QUOTAS_TARGET_PREFIX = 'ServiceQuotasV20190624.'

/** Values for the quotas AWS gives no documented default. */
export const LOCAL_DEFAULTS = { instanceType: 100, instancesAcrossTraining: 500 } as const

const MAX_RESULTS = 100

/** The quota values of one endpoint; overrides are validated when it starts. */
export class QuotaTable {
  private readonly known: KnownQuota[] = knownQuotas()
  private readonly values = new Map<string, number>()

  /** `overrides`: quota name or code → value. Throws on a name or code the endpoint does not know, or a bad value. */
  constructor(overrides: Readonly<Record<string, number>> = {}) {
    for (const q of this.known) this.values.set(q.code, q.awsDefault ?? localDefault(q.name))
    for (const [key, value] of Object.entries(overrides)) {
      const quota = this.find(key)
      if (!quota) throw new Error(`Unknown SageMaker quota "${key}": give a quota name such as "${instanceQuotaName('ml.m5.xlarge', false)}" or "${QUOTA.instancesAcrossTraining}", or its code (L-...).`)
      if (!Number.isFinite(value) || value < 0) throw new Error(`The value of quota "${key}" must be a number ≥ 0 (got ${value}).`)
      this.values.set(quota.code, value)
    }
  }

  /** The applied value of a quota by name; undefined for one the endpoint does not serve (not enforced). */
  value(name: string): number | undefined {
    const quota = this.known.find((q) => q.name === name)
    return quota ? this.values.get(quota.code) : undefined
  }

  find(nameOrCode: string): KnownQuota | undefined {
    return this.known.find((q) => q.name === nameOrCode || q.code === nameOrCode)
  }

  all(): Array<KnownQuota & { value: number }> {
    return this.known.map((q) => ({ ...q, value: this.values.get(q.code)! }))
  }

  set(code: string, value: number): void {
    this.values.set(code, value)
  }
}

function localDefault(name: string): number {
  return name === QUOTA.instancesAcrossTraining || name === QUOTA.instancesAcrossSpotTraining ? LOCAL_DEFAULTS.instancesAcrossTraining : LOCAL_DEFAULTS.instanceType
}

// ---- Service Quotas API -------------------------------------------------------------------------------------------

function quotaView(ctx: Context, quota: KnownQuota, value: number): JsonObject {
  return {
    ServiceCode: QUOTA_SERVICE_CODE,
    ServiceName: QUOTA_SERVICE_NAME,
    QuotaArn: `arn:aws:servicequotas:${ctx.region}:${ctx.accountId}:${QUOTA_SERVICE_CODE}/${quota.code}`,
    QuotaCode: quota.code,
    QuotaName: quota.name,
    Value: value,
    Unit: 'None',
    Adjustable: true,
    GlobalQuota: false,
    QuotaAppliedAtLevel: 'ACCOUNT',
  }
}

function requireService(input: JsonObject): void {
  if (typeof input.ServiceCode !== 'string' || input.ServiceCode === '') throw validationError('1 validation error detected: Value null at \'serviceCode\' failed to satisfy constraint: Member must not be null')
  if (input.ServiceCode !== QUOTA_SERVICE_CODE) throw new ServiceError('NoSuchResourceException', `The request failed because the specified service does not exist.`)
}

function requireQuota(ctx: Context, input: JsonObject): KnownQuota {
  requireService(input)
  const quota = typeof input.QuotaCode === 'string' ? ctx.quotas.find(input.QuotaCode) : undefined
  if (!quota || quota.code !== input.QuotaCode) throw new ServiceError('NoSuchResourceException', 'The request failed because the specified quota does not exist.')
  return quota
}

function listQuotas(ctx: Context, input: JsonObject, value: (q: KnownQuota & { value: number }) => number): JsonObject {
  requireService(input)
  const max = input.MaxResults
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_RESULTS)) {
    throw validationError(`1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${MAX_RESULTS}`)
  }
  const quotas = ctx.quotas.all().filter((q) => input.QuotaCode === undefined || q.code === input.QuotaCode)
  let page
  try {
    page = paginate(quotas, (q) => q.code, (q) => q.code, { scope: 'ListServiceQuotas', maxResults: max, defaultMaxResults: MAX_RESULTS, nextToken: input.NextToken })
  } catch (e) {
    if (e instanceof ServiceError) throw new ServiceError('InvalidPaginationTokenException', 'Invalid input: the pagination token is invalid.')
    throw e
  }
  return { Quotas: page.items.map((q) => quotaView(ctx, q, value(q))), ...(page.nextToken ? { NextToken: page.nextToken } : {}) }
}

export const QUOTAS_OPERATIONS: Record<string, (ctx: Context, input: JsonObject) => JsonObject> = {
  ListServiceQuotas: (ctx, input) => listQuotas(ctx, input, (q) => q.value),
  GetServiceQuota: (ctx, input) => {
    const quota = requireQuota(ctx, input)
    return { Quota: quotaView(ctx, quota, ctx.quotas.all().find((q) => q.code === quota.code)!.value) }
  },
  ListAWSDefaultServiceQuotas: (ctx, input) => listQuotas(ctx, input, (q) => q.awsDefault ?? localDefault(q.name)),
  GetAWSDefaultServiceQuota: (ctx, input) => {
    const quota = requireQuota(ctx, input)
    return { Quota: quotaView(ctx, quota, quota.awsDefault ?? localDefault(quota.name)) }
  },
  // Approved at once: there is nobody to ask.
  RequestServiceQuotaIncrease: (ctx, input) => {
    const quota = requireQuota(ctx, input)
    const desired = input.DesiredValue
    const current = ctx.quotas.all().find((q) => q.code === quota.code)!.value
    if (typeof desired !== 'number' || !Number.isFinite(desired) || desired < 0) throw validationError('1 validation error detected: Value null at \'desiredValue\' failed to satisfy constraint: Member must not be null')
    if (desired <= current) throw new ServiceError('IllegalArgumentException', `The requested value ${desired} must be greater than the current value ${current}.`)
    ctx.quotas.set(quota.code, desired)
    const at = ctx.now
    return {
      RequestedQuota: {
        Id: randomUUID().replace(/-/g, ''),
        ServiceCode: QUOTA_SERVICE_CODE,
        ServiceName: QUOTA_SERVICE_NAME,
        QuotaCode: quota.code,
        QuotaName: quota.name,
        DesiredValue: desired,
        Status: 'APPROVED',
        Created: at,
        LastUpdated: at,
        Requester: `arn:aws:iam::${ctx.accountId}:root`,
        QuotaArn: `arn:aws:servicequotas:${ctx.region}:${ctx.accountId}:${QUOTA_SERVICE_CODE}/${quota.code}`,
        GlobalQuota: false,
        Unit: 'None',
        QuotaRequestedAtLevel: 'ACCOUNT',
      },
    }
  },
}

// ---- Enforcement ---------------------------------------------------------------------------------------------------

interface Instances {
  spot: boolean
  byType: Map<string, number>
  total: number
}

/** The instances one training job of this spec runs (instance groups summed per type). */
function instancesOf(resourceConfig: JsonObject | undefined, spot: boolean): Instances {
  const byType = new Map<string, number>()
  const groups = Array.isArray(resourceConfig?.InstanceGroups) ? (resourceConfig.InstanceGroups as JsonObject[]) : []
  const entries = groups.length > 0 ? groups : resourceConfig ? [resourceConfig] : []
  for (const entry of entries) {
    if (typeof entry.InstanceType !== 'string') continue
    const count = typeof entry.InstanceCount === 'number' ? entry.InstanceCount : 1
    byType.set(entry.InstanceType, (byType.get(entry.InstanceType) ?? 0) + count)
  }
  return { spot, byType, total: [...byType.values()].reduce((s, n) => s + n, 0) }
}

/** A job's spec never changes, so what it holds is worked out once: usage() visits every job on each Create. */
const held = new WeakMap<TrainingJobRecord, ReadonlyArray<readonly [string, number]>>()

/** The instances a running job holds, per quota name. */
function heldBy(job: TrainingJobRecord): ReadonlyArray<readonly [string, number]> {
  let quotas = held.get(job)
  if (!quotas) {
    const instances = instancesOf(job.spec.ResourceConfig, job.spec.EnableManagedSpotTraining === true)
    quotas = [...[...instances.byType].map(([type, n]) => [instanceQuotaName(type, instances.spot), n] as const), [instances.spot ? QUOTA.instancesAcrossSpotTraining : QUOTA.instancesAcrossTraining, instances.total] as const]
    held.set(job, quotas)
  }
  return quotas
}

/** What running training jobs hold now, per quota name: a job holds its instances until it has ended (Stopping too). */
function usage(ctx: Context): Map<string, number> {
  const out = new Map<string, number>()
  const add = (name: string, n: number) => out.set(name, (out.get(name) ?? 0) + n)
  for (const job of ctx.store.trainingJobs.values()) {
    if (endOf(job) <= ctx.now) continue
    for (const [name, n] of heldBy(job)) add(name, n)
  }
  return out
}

/** Throws ResourceLimitExceeded when `times` training jobs of these instances would not fit on top of what runs now. */
function checkInstances(ctx: Context, needs: readonly Instances[], times: number): void {
  const running = usage(ctx)
  const perJob = (spot: boolean) => (spot ? QUOTA.instancesPerSpotTrainingJob : QUOTA.instancesPerTrainingJob)
  const wanted = new Map<string, number>()
  const want = (name: string, n: number) => wanted.set(name, Math.max(wanted.get(name) ?? 0, n))
  for (const need of needs) {
    const limit = ctx.quotas.value(perJob(need.spot))
    if (limit !== undefined && need.total > limit) throw quotaExceeded(perJob(need.spot), limit, 0, need.total, 'Instances')
    for (const [type, n] of need.byType) want(instanceQuotaName(type, need.spot), times * n)
    want(need.spot ? QUOTA.instancesAcrossSpotTraining : QUOTA.instancesAcrossTraining, times * need.total)
  }
  for (const [name, delta] of wanted) {
    const limit = ctx.quotas.value(name)
    const utilization = running.get(name) ?? 0
    if (limit !== undefined && utilization + delta > limit) throw quotaExceeded(name, limit, utilization, delta, 'Instances')
  }
}

export function checkTrainingJobQuotas(ctx: Context, spec: { ResourceConfig?: JsonObject; EnableManagedSpotTraining?: unknown }): void {
  checkInstances(ctx, [instancesOf(spec.ResourceConfig, spec.EnableManagedSpotTraining === true)], 1)
}

interface TuningQuotaInput {
  strategy: string
  maxJobs: number
  parallel: number
  runningTuningJobs: number
  definitions: ReadonlyArray<{ ResourceConfig?: JsonObject; HyperParameterTuningResourceConfig?: JsonObject & { InstanceConfigs?: JsonObject[] }; EnableManagedSpotTraining?: unknown }>
}

/**
 * The per-tuning-job limits, the concurrent tuning jobs, and the instances at the tuning job's peak (parallel × one
 * training job of each definition or instance config SageMaker may choose).
 */
export function checkTuningJobQuotas(ctx: Context, input: TuningQuotaInput): void {
  const jobsQuota = input.strategy === 'Random' ? QUOTA.randomTrainingJobsPerTuningJob : QUOTA.trainingJobsPerTuningJob
  const jobsLimit = ctx.quotas.value(jobsQuota)
  if (jobsLimit !== undefined && input.maxJobs > jobsLimit) throw quotaExceeded(jobsQuota, jobsLimit, 0, input.maxJobs, 'Jobs')
  const parallelLimit = ctx.quotas.value(QUOTA.parallelTrainingJobsPerTuningJob)
  if (parallelLimit !== undefined && input.parallel > parallelLimit) throw quotaExceeded(QUOTA.parallelTrainingJobsPerTuningJob, parallelLimit, 0, input.parallel, 'Jobs')
  const concurrentLimit = ctx.quotas.value(QUOTA.concurrentTuningJobs)
  if (concurrentLimit !== undefined && input.runningTuningJobs + 1 > concurrentLimit) throw quotaExceeded(QUOTA.concurrentTuningJobs, concurrentLimit, input.runningTuningJobs, 1, 'Jobs')
  const needs = input.definitions.flatMap((def) => {
    const spot = def.EnableManagedSpotTraining === true
    const hrc = def.HyperParameterTuningResourceConfig
    if (hrc?.InstanceConfigs?.length) return hrc.InstanceConfigs.map((c) => instancesOf(c, spot))
    if (hrc && typeof hrc.InstanceType === 'string') return [instancesOf(hrc, spot)]
    return [instancesOf(def.ResourceConfig, spot)]
  })
  checkInstances(ctx, needs, input.parallel)
}

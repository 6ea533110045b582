// The quota check of `plan`: the account's SageMaker quotas from the Service Quotas API (cached per region, account
// and endpoint for an hour), what runs now from SageMaker's Search, then the pure check of src/planner/quota.ts.
// Like prices, quotas are never a reason for a failed plan when they cannot be read: no permission, no network, no
// region or no answer within the request timeout (--request-timeout, as every remote call) make one warning,
// "Quotas not checked".
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Diagnostics } from '../../diagnostics/index.js'
import { knownQuotaCode } from '../../model/quotas.js'
import type { ProviderSettings } from '../../model/types.js'
import type { QuotaCheck } from '../../plan/quota.js'
import type { Plan } from '../../plan/types.js'
import { checkQuotas, neededQuotaNames, needsQuotaCheck, notChecked, quotaDiagnostics, runningUsage, type QuotaValue } from '../../planner/quota.js'
import { ServiceQuotasError, type ServiceQuota, type ServiceQuotasApi } from '../../sagemaker/quotas.js'
import { isSageMakerError, type SageMakerApi } from '../../sagemaker/types.js'
import { formatTimeout, requestTimeoutMs } from '../../sagemaker/timeouts.js'
import { withDeadline } from '../../util/deadline.js'
import { quotasEndpoint } from './connection.js'
import { cacheDir } from './cost.js'

/** A raised quota shows within the hour; a refusal is always confirmed against a fresh answer first. */
export const QUOTA_CACHE_TTL_MS = 3600 * 1000
const CACHE_FORMAT = 2

export interface QuotaCheckOptions {
  /** A Service Quotas client in place of AWS's (tests); without it the SDK client is created when needed. */
  serviceQuotas?: ServiceQuotasApi
  now?: () => Date
  /** The whole look-up (~1,600 quotas in pages of 100, Search included) gives up after this; else the request timeout. */
  timeoutMs?: number
}

export interface QuotaContext {
  env: NodeJS.ProcessEnv
  region?: string
  profile?: string
  provider: ProviderSettings
}

interface CacheEntry {
  format_version: number
  fetched_at: string
  /** A whole ListServiceQuotas answer: a name missing from it is not listed in the region. */
  complete: boolean
  quotas: ServiceQuota[]
}

/** The plan with `quota_check`, and its diagnostics; the plan unchanged when it starts no job. */
export async function withQuotaCheck(plan: Plan, context: QuotaContext, api: SageMakerApi | undefined, options: QuotaCheckOptions, diags: Diagnostics): Promise<Plan> {
  if (!needsQuotaCheck(plan)) return plan
  const check = await runCheck(plan, context, api, options)
  diags.append(quotaDiagnostics(check))
  return { ...plan, quota_check: check }
}

async function runCheck(plan: Plan, context: QuotaContext, api: SageMakerApi | undefined, options: QuotaCheckOptions): Promise<QuotaCheck> {
  const profile = context.profile ?? context.provider.profile
  let region = context.region || context.provider.region || context.env.AWS_REGION || context.env.AWS_DEFAULT_REGION || null
  if (!region && !options.serviceQuotas) region = (await (await import('../../sagemaker/pricing.js')).sdkDefaultRegion(profile)) ?? null
  if (!region) return notChecked(null, 'no AWS region')
  if (!api) return notChecked(region, 'SageMaker was not read (--refresh=false)')
  const ms = options.timeoutMs ?? requestTimeoutMs()
  const now = options.now?.() ?? new Date()
  const cache = cacheFile(context, region, profile)
  const names = neededQuotaNames(plan)
  let client: ServiceQuotasApi | undefined
  try {
    return await withDeadline(
      async (signal) => {
        const connect = async () => (client ??= options.serviceQuotas ?? (await import('../../sagemaker/service-quotas.js')).createServiceQuotasClient({ region, profile, endpoint: quotasEndpoint(context.provider.endpoint, context.env) }))
        const lookUp = async (cached: CacheEntry | undefined) => {
          const fetched = await fetchQuotas(await connect(), names, cached, now, signal)
          await writeCache(cache, fetched)
          return fetched.quotas
        }
        const cached = await readCache(cache, now)
        const covered = cached && (cached.complete || names.every((name) => cached.quotas.some((q) => q.name === name)))
        const [listed, training, tuning] = await Promise.all([covered ? cached.quotas : lookUp(cached), api.searchInProgress('TrainingJob', signal), api.searchInProgress('HyperParameterTuningJob', signal)])
        const running = runningUsage(training, tuning)
        const check = checkQuotas(plan, { region, quotas: byName(listed), running })
        // A cached value may predate an increase: never refuse a plan on it.
        const refuses = check.items.some((i) => i.outcome === 'exceeds' || i.outcome === 'not-listed')
        return covered && refuses ? checkQuotas(plan, { region, quotas: byName(await lookUp(undefined)), running }) : check
      },
      ms,
      () => new ServiceQuotasError('unreachable', `no answer within ${formatTimeout(ms)}`),
    )
  } catch (error) {
    if (error instanceof ServiceQuotasError) return notChecked(region, error.kind === 'credentials' ? `no AWS credentials: ${error.message}` : `Service Quotas: ${error.message}`)
    if (isSageMakerError(error)) return notChecked(region, `SageMaker Search: ${error.code}: ${error.message}`)
    return notChecked(region, (error as Error).message)
  } finally {
    if (!options.serviceQuotas) client?.destroy?.()
  }
}

/**
 * The quotas the plan needs, fresh: one GetServiceQuota each, in parallel, when sageform knows every code (one round
 * trip); else, or when one of them has no applied value, every page of ListServiceQuotas. The answer is merged into
 * what the cache held; a full list marks the entry complete (a name missing from it is not listed in the region).
 */
async function fetchQuotas(client: ServiceQuotasApi, names: readonly string[], cached: CacheEntry | undefined, now: Date, signal: AbortSignal): Promise<CacheEntry> {
  const codes = names.map((name) => knownQuotaCode(name))
  if (codes.every((code) => code !== undefined)) {
    const got = await Promise.all(codes.map((code) => client.sageMakerQuota(code!, signal)))
    if (got.every((q) => q !== undefined)) {
      const fresh = new Set(got.map((q) => q!.name))
      const kept = cached ? cached.quotas.filter((q) => !fresh.has(q.name)) : []
      // The entry is as old as its oldest value.
      return { format_version: CACHE_FORMAT, fetched_at: cached?.fetched_at ?? now.toISOString(), complete: cached?.complete ?? false, quotas: [...kept, ...(got as ServiceQuota[])] }
    }
  }
  return { format_version: CACHE_FORMAT, fetched_at: now.toISOString(), complete: true, quotas: await client.sageMakerQuotas(signal) }
}

function byName(quotas: readonly ServiceQuota[]): Map<string, QuotaValue> {
  return new Map(quotas.map((q) => [q.name, { code: q.code, value: q.value }]))
}

/**
 * One file per region and account: the key hashes the region, the profile, the endpoint and the access key ID, so
 * two accounts (or the local endpoint and AWS) never share an answer, and no identifier is written in clear.
 */
function cacheFile(context: QuotaContext, region: string, profile: string | undefined): string {
  const endpoint = quotasEndpoint(context.provider.endpoint, context.env) ?? context.env.AWS_ENDPOINT_URL_SERVICE_QUOTAS ?? context.env.AWS_ENDPOINT_URL ?? ''
  const key = createHash('sha256').update(JSON.stringify([region, profile ?? context.env.AWS_PROFILE ?? '', endpoint, context.env.AWS_ACCESS_KEY_ID ?? ''])).digest('hex').slice(0, 16)
  return join(cacheDir(context.env), `sagemaker-quotas.${region}.${key}.json`)
}

async function readCache(file: string, now: Date): Promise<CacheEntry | undefined> {
  let entry: CacheEntry
  try {
    entry = JSON.parse(await readFile(file, 'utf8')) as CacheEntry
  } catch {
    return undefined
  }
  if (entry?.format_version !== CACHE_FORMAT || !Array.isArray(entry.quotas)) return undefined
  const age = now.getTime() - Date.parse(entry.fetched_at)
  if (Number.isNaN(age) || age < -60_000 || age >= QUOTA_CACHE_TTL_MS) return undefined
  return { ...entry, complete: entry.complete === true, quotas: entry.quotas.filter((q) => typeof q?.name === 'string' && typeof q.code === 'string' && typeof q.value === 'number') }
}

async function writeCache(file: string, entry: CacheEntry): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`
  try {
    await mkdir(join(file, '..'), { recursive: true })
    await writeFile(tmp, JSON.stringify(entry) + '\n')
    await rename(tmp, file)
  } catch {
    // A cache that cannot be written only means asking again next time.
  }
}

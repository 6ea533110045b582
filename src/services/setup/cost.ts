// Prices for `plan`: pinned ones from a pricing file, the rest from AWS's Price List (cached per region for a week),
// then the pure arithmetic of src/planner/cost.ts. Prices are a nicety: whatever fails (no credentials, no network,
// no region, a type AWS does not list) leaves instance-hours and the words "price unknown", never a failed plan, and
// the look-up gives up after the request timeout (--request-timeout, as every remote call).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import type { Diagnostics } from '../../diagnostics/index.js'
import type { ProviderSettings } from '../../model/types.js'
import type { Plan } from '../../plan/types.js'
import { instanceTypes, withCost, type PriceBook, type PriceQuote } from '../../planner/cost.js'
import { withDeadline } from '../../util/deadline.js'
import { PriceListError, type PriceListApi, type TrainingPrices } from '../../sagemaker/price-list.js'
import { formatTimeout, requestTimeoutMs } from '../../sagemaker/timeouts.js'

/** The pinned prices file looked for beside the manifests. */
export const PRICING_FILE = 'sageform.pricing.json'
export const CACHE_TTL_MS = 7 * 24 * 3600 * 1000
const CACHE_FORMAT = 1

export interface CostOptions {
  /** --pricing FILE: pinned prices; else `sageform.pricing.json` in the configuration directory, when present. */
  pricingFile?: string
  /** A price list in place of AWS's (tests); without it the SDK client is created when a price is needed. */
  priceList?: PriceListApi
  now?: () => Date
  /** The whole AWS look-up (credentials, every page) gives up after this; else the request timeout. */
  timeoutMs?: number
}

export interface CostContext {
  dir: string
  env: NodeJS.ProcessEnv
  region?: string
  profile?: string
  provider: ProviderSettings
}

/** `$SAGEFORM_CACHE_DIR`, else `$XDG_CACHE_HOME/sageform`, else `~/.cache/sageform`. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.SAGEFORM_CACHE_DIR) return env.SAGEFORM_CACHE_DIR
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'sageform')
  return join(homedir(), '.cache', 'sageform')
}

export function cacheFile(env: NodeJS.ProcessEnv, region: string): string {
  return join(cacheDir(env), `sagemaker-training-prices.${region}.json`)
}

interface CacheEntry extends TrainingPrices {
  format_version: number
  fetched_at: string
}

/** The plan with its cost; diagnostics only for a pricing file that cannot be used. */
export async function estimateCost(plan: Plan, context: CostContext, options: CostOptions, diags: Diagnostics): Promise<Plan> {
  const types = instanceTypes(plan)
  const quotes: Record<string, PriceQuote> = {}
  const unknown: Record<string, string> = {}
  const pinned = await loadPinned(context.dir, options.pricingFile, diags)
  for (const type of types) if (pinned[type] !== undefined) quotes[type] = { usd_per_hour: pinned[type]!, source: 'pinned' }
  const missing = types.filter((t) => !quotes[t])
  let region = context.region || context.provider.region || context.env.AWS_REGION || context.env.AWS_DEFAULT_REGION || null
  // As for SageMaker, a profile's region in the shared config counts too; only asked when AWS prices are needed.
  if (!region && missing.length > 0 && !options.priceList) region = (await (await import('../../sagemaker/pricing.js')).sdkDefaultRegion(context.profile ?? context.provider.profile)) ?? null
  let asOf: string | null = null
  if (missing.length > 0) {
    const found = region ? await awsPrices(region, context, options) : { reason: 'no AWS region' }
    for (const type of missing) {
      const usd = 'prices' in found ? found.prices[type] : undefined
      if (usd !== undefined) quotes[type] = { usd_per_hour: usd, source: 'aws' }
      else unknown[type] = 'reason' in found ? found.reason : `not in AWS's price list for ${region}`
    }
    if ('prices' in found) asOf = found.publication_date?.slice(0, 10) ?? found.fetched_at.slice(0, 10)
  }
  const book: PriceBook = { quotes, unknown }
  return withCost(plan, book, { region, prices_as_of: asOf })
}

/** The region's training prices from the cache when fresh, else from AWS (and cached); or why there are none. */
async function awsPrices(region: string, context: CostContext, options: CostOptions): Promise<CacheEntry | { reason: string }> {
  const now = options.now?.() ?? new Date()
  const cached = await readCache(context.env, region, now)
  if (cached) return cached
  try {
    // The deadline covers loading the SDK and resolving credentials too, not only the requests.
    const ms = options.timeoutMs ?? requestTimeoutMs()
    const fetched = await withDeadline(async (signal) => {
      const api = options.priceList ?? (await import('../../sagemaker/pricing.js')).createPriceListClient({ profile: context.profile ?? context.provider.profile })
      try {
        signal.throwIfAborted()
        return await api.trainingPrices(region, signal)
      } finally {
        if (!options.priceList) api.destroy?.()
      }
    }, ms, () => new PriceListError('unreachable', `no answer within ${formatTimeout(ms)}`))
    const entry: CacheEntry = { format_version: CACHE_FORMAT, ...fetched, region, fetched_at: now.toISOString() }
    if (Object.keys(entry.prices).length > 0) await writeCache(context.env, entry)
    return entry
  } catch (error) {
    if (!(error instanceof PriceListError)) return { reason: `price list: ${(error as Error).message}` }
    return { reason: error.kind === 'credentials' ? 'no AWS credentials' : error.kind === 'unreachable' ? 'price list unreachable' : `price list answered ${error.message}` }
  }
}

async function readCache(env: NodeJS.ProcessEnv, region: string, now: Date): Promise<CacheEntry | undefined> {
  let entry: CacheEntry
  try {
    entry = JSON.parse(await readFile(cacheFile(env, region), 'utf8')) as CacheEntry
  } catch {
    return undefined
  }
  if (entry?.format_version !== CACHE_FORMAT || entry.region !== region || typeof entry.prices !== 'object' || entry.prices === null) return undefined
  const fetched = Date.parse(entry.fetched_at)
  const age = now.getTime() - fetched
  // A fetch time in the future (a clock set back) counts as stale too.
  if (Number.isNaN(fetched) || age < -60_000 || age >= CACHE_TTL_MS) return undefined
  const prices = Object.fromEntries(Object.entries(entry.prices).filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v > 0))
  return { ...entry, prices }
}

async function writeCache(env: NodeJS.ProcessEnv, entry: CacheEntry): Promise<void> {
  const file = cacheFile(env, entry.region)
  const tmp = `${file}.${process.pid}.tmp`
  try {
    await mkdir(cacheDir(env), { recursive: true })
    await writeFile(tmp, JSON.stringify(entry, null, 2) + '\n')
    await rename(tmp, file)
  } catch {
    // A cache that cannot be written only means asking again next time.
  }
}

/** Pinned prices: a JSON object of instance type → USD per hour. A bad file is a warning, and is not used. */
async function loadPinned(dir: string, explicit: string | undefined, diags: Diagnostics): Promise<Record<string, number>> {
  const path = explicit !== undefined ? resolve(explicit) : join(dir, PRICING_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (explicit === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    diags.warning('Cannot read the pricing file', { detail: `${path}: ${(error as Error).message}`, hint: 'Prices come from AWS\'s price list instead, where it can be reached.' })
    return {}
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    diags.warning('The pricing file is not valid JSON', { detail: `${path}: ${(error as Error).message}`, hint: 'Write an object of instance type to hourly USD: {"ml.m5.xlarge": 0.23}.' })
    return {}
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    diags.warning('The pricing file is not an object of prices', { detail: `${path} must hold a JSON object of instance type to hourly USD, such as {"ml.m5.xlarge": 0.23}.` })
    return {}
  }
  const out: Record<string, number> = {}
  const bad: string[] = []
  for (const [type, usd] of Object.entries(value)) {
    if (typeof usd === 'number' && Number.isFinite(usd) && usd >= 0) out[type] = usd
    else bad.push(type)
  }
  if (bad.length > 0) diags.warning('Pricing file entries ignored', { detail: `${path}: ${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not a non-negative number of USD per hour.` })
  return out
}

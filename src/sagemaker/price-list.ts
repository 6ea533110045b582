// SageMaker training prices from AWS's Price List Query API, behind a narrow interface (the SDK client is in
// pricing.ts and loaded only when a plan needs prices), with the parser of GetProducts' PriceList and a fake.
//
// The query (GetProducts, ServiceCode "AmazonSageMaker"), as assumed from the AmazonSageMaker offer file:
//   TERM_MATCH regionCode = <the plan's region>   e.g. "us-east-1" (the attribute beside "location": "US East (N. Virginia)")
//   TERM_MATCH component  = "Training"            ("Hosting", "Processing", "Notebook", ... are the other components)
// Each PriceList entry is a JSON string:
//   { "product": { "productFamily": "ML Instance", "sku": "...",
//                  "attributes": { "instanceName": "ml.m5.xlarge", "instanceType": "ml.m5.xlarge-Training",
//                                  "component": "Training", "usagetype": "USE1-Train:ml.m5.xlarge", "regionCode": "us-east-1", ... } },
//     "serviceCode": "AmazonSageMaker",
//     "terms": { "OnDemand": { "<sku>.<offer>": { "priceDimensions": { "<sku>.<offer>.<rate>": { "unit": "Hrs",
//                "pricePerUnit": { "USD": "0.2300000000" } } } } } },
//     "version": "...", "publicationDate": "2026-11-01T00:00:00Z" }
// The instance type is `instanceName`, else `instanceType` without its "-Training" suffix, else the part of
// `usagetype` after "-Train:". Only on-demand hourly USD prices count; should two products name the same instance
// type, the higher price is kept (the figure is an upper bound).
import { KindedServiceError } from './service-error.js'

export interface TrainingPrices {
  region: string
  /** USD per instance-hour, on demand, by instance type ("ml.m5.xlarge"). */
  prices: Record<string, number>
  /** The newest publicationDate among the products (ISO 8601), or null when the list gave none. */
  publication_date: string | null
}

export interface PriceListApi {
  /** Every on-demand training instance price of a region. Throws PriceListError. */
  trainingPrices(region: string, signal?: AbortSignal): Promise<TrainingPrices>
  /** Closes connections; the client is used once per plan. */
  destroy?(): void
}

/**
 * credentials  no credentials could be found (the Price List API needs signed requests)
 * unreachable  no connection, DNS failure, timeout or abort
 * service      the service answered with an error (access denied, throttling, ...)
 */
export type PriceListErrorKind = 'credentials' | 'unreachable' | 'service'

export class PriceListError extends KindedServiceError<PriceListErrorKind> {
  override readonly name = 'PriceListError'
}

export const SAGEMAKER_SERVICE_CODE = 'AmazonSageMaker'
export const TRAINING_COMPONENT = 'Training'

/** The GetProducts filters for one region's training prices. */
export function trainingFilters(region: string): Array<{ Type: 'TERM_MATCH'; Field: string; Value: string }> {
  return [
    { Type: 'TERM_MATCH', Field: 'regionCode', Value: region },
    { Type: 'TERM_MATCH', Field: 'component', Value: TRAINING_COMPONENT },
  ]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

const INSTANCE = /^ml\.[a-z0-9-]+\.[a-z0-9-]+$/

function instanceOf(attributes: Obj): string | undefined {
  const name = typeof attributes.instanceName === 'string' ? attributes.instanceName : undefined
  const type = typeof attributes.instanceType === 'string' ? attributes.instanceType.replace(/-Training$/, '') : undefined
  const usage = typeof attributes.usagetype === 'string' ? /-Train:(ml\.[^:]+)$/.exec(attributes.usagetype)?.[1] : undefined
  const found = [name, type, usage].find((v) => v !== undefined && INSTANCE.test(v))
  return found
}

function hourlyUsd(terms: unknown): number | undefined {
  if (!isObj(terms) || !isObj(terms.OnDemand)) return undefined
  let best: number | undefined
  for (const offer of Object.values(terms.OnDemand)) {
    if (!isObj(offer) || !isObj(offer.priceDimensions)) continue
    for (const dimension of Object.values(offer.priceDimensions)) {
      if (!isObj(dimension) || !isObj(dimension.pricePerUnit)) continue
      if (typeof dimension.unit === 'string' && !/^(hrs?|hours?)$/i.test(dimension.unit)) continue
      const usd = Number(dimension.pricePerUnit.USD)
      if (Number.isFinite(usd) && usd > 0 && (best === undefined || usd > best)) best = usd
    }
  }
  return best
}

/** Training prices from GetProducts' PriceList entries (JSON strings; the SDK may hand over String-like objects). */
export function parseTrainingPriceList(items: readonly unknown[], region: string): TrainingPrices {
  const prices: Record<string, number> = {}
  let published: string | null = null
  for (const item of items) {
    let entry: unknown
    try {
      entry = typeof item === 'string' || item instanceof String ? JSON.parse(String(item)) : item
    } catch {
      continue
    }
    if (!isObj(entry) || !isObj(entry.product) || !isObj(entry.product.attributes)) continue
    const attributes = entry.product.attributes
    if (typeof attributes.component === 'string' && attributes.component !== TRAINING_COMPONENT) continue
    if (typeof attributes.regionCode === 'string' && attributes.regionCode !== region) continue
    if (typeof attributes.usagetype === 'string' && !/Train/.test(attributes.usagetype)) continue
    if (typeof entry.publicationDate === 'string' && !Number.isNaN(Date.parse(entry.publicationDate)) && (published === null || entry.publicationDate > published)) published = entry.publicationDate
    const instance = instanceOf(attributes)
    const usd = hourlyUsd(entry.terms)
    if (!instance || usd === undefined) continue
    prices[instance] = Math.max(prices[instance] ?? 0, usd)
  }
  return { region, prices, publication_date: published }
}

/** Answers from a table per region (a missing region has no prices); records each region asked for. */
export class FakePriceList implements PriceListApi {
  readonly calls: string[] = []
  constructor(
    private readonly table: Record<string, Omit<TrainingPrices, 'region'>>,
    private readonly failure?: PriceListError,
  ) {}

  async trainingPrices(region: string): Promise<TrainingPrices> {
    this.calls.push(region)
    if (this.failure) throw this.failure
    const found = this.table[region]
    return { region, prices: { ...(found?.prices ?? {}) }, publication_date: found?.publication_date ?? null }
  }
}

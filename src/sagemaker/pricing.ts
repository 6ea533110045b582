// PriceListApi over the AWS SDK v3 Pricing client. The Price List Query API has endpoints in only a few regions
// (us-east-1, eu-central-1, ap-south-1); sageform asks us-east-1 whatever the plan's region, which it passes as the
// regionCode filter. One attempt, aborted by the caller's deadline (the request timeout, timeouts.ts).
import { GetProductsCommand, PricingClient, type PricingClientConfig } from '@aws-sdk/client-pricing'
import { requestHandlerOptions, requestTimeoutMs } from './timeouts.js'
import { PriceListError, SAGEMAKER_SERVICE_CODE, parseTrainingPriceList, trainingFilters, type PriceListApi, type TrainingPrices } from './price-list.js'

export const PRICING_API_REGION = 'us-east-1'
/** A region's training products fit in a few pages of 100; a runaway NextToken chain stops here. */
const MAX_PAGES = 20

export interface PriceListClientOptions {
  /** Shared config/credentials profile, as for SageMaker; the default credential chain otherwise. */
  profile?: string
  /** The request timeout the connect timeout derives from; else SAGEFORM_REQUEST_TIMEOUT, else 60 s. */
  requestTimeoutMs?: number
}

/** One attempt with the connect timeout of every client (timeouts.ts); the caller's signal bounds the whole look-up. */
export function pricingClientConfig(options: PriceListClientOptions): PricingClientConfig {
  return { region: PRICING_API_REGION, profile: options.profile, maxAttempts: 1, requestHandler: requestHandlerOptions(options.requestTimeoutMs ?? requestTimeoutMs()) }
}

export function createPriceListClient(options: PriceListClientOptions): PriceListApi {
  quietNodeVersionWarning()
  return new SdkPriceList(new PricingClient(pricingClientConfig(options)))
}

/** As for SageMaker (client.ts): the SDK's per-run warning about Node 20 is silenced unless the user chose otherwise. */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
}

/** The region the SDK would use for this profile (AWS_REGION, then the profile's `region` in the shared config). */
export async function sdkDefaultRegion(profile: string | undefined): Promise<string | undefined> {
  quietNodeVersionWarning()
  const client = new PricingClient({ profile })
  try {
    return (await client.config.region()) || undefined
  } catch {
    return undefined
  } finally {
    client.destroy()
  }
}

class SdkPriceList implements PriceListApi {
  constructor(private readonly sdk: PricingClient) {}

  async trainingPrices(region: string, signal?: AbortSignal): Promise<TrainingPrices> {
    const items: unknown[] = []
    let token: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      let out
      try {
        out = await this.sdk.send(new GetProductsCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, Filters: trainingFilters(region), FormatVersion: 'aws_v1', MaxResults: 100, NextToken: token }), { abortSignal: signal })
      } catch (error) {
        throw classify(error)
      }
      items.push(...((out.PriceList as unknown[] | undefined) ?? []))
      token = out.NextToken
      if (!token) break
    }
    return parseTrainingPriceList(items, region)
  }

  destroy(): void {
    this.sdk.destroy()
  }
}

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'EPIPE', 'ECONNABORTED'])

function classify(error: unknown): PriceListError {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } }
  const message = e?.message ?? String(error)
  if (e?.name === 'CredentialsProviderError' || /credential/i.test(e?.name ?? '')) return new PriceListError('credentials', message, { cause: error })
  const status = e?.$metadata?.httpStatusCode
  if (status !== undefined && status > 0) return new PriceListError('service', e?.name && e.name !== 'Unknown' ? e.name : `HTTP ${status}`, { cause: error })
  // AbortError (the caller's deadline), TimeoutError, and the socket errors of NETWORK_CODES; anything else without an
  // HTTP status is a transport failure too.
  return new PriceListError('unreachable', e?.code !== undefined && NETWORK_CODES.has(e.code) ? `${e.code}: ${message}` : message, { cause: error })
}

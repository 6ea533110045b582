// ServiceQuotasApi over the AWS SDK v3 Service Quotas client. One attempt per page, aborted by the caller's deadline:
// a plan must never wait long for quotas, and a failure only leaves them unchecked.
import { GetServiceQuotaCommand, ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas'
import { requestHandlerOptions, requestTimeoutMs } from './timeouts.js'
import { ServiceQuotasError, type ServiceQuota, type ServiceQuotasApi } from './quotas.js'

const SERVICE_CODE = 'sagemaker'
const PAGE_SIZE = 100
/** SageMaker lists about 1,600 quotas per region; a runaway NextToken chain stops here. */
const MAX_PAGES = 50

export interface ServiceQuotasClientOptions {
  region: string
  profile?: string
  /** Without it the SDK honours AWS_ENDPOINT_URL_SERVICE_QUOTAS, then AWS_ENDPOINT_URL. */
  endpoint?: string
  /** The request timeout the connect timeout derives from; else SAGEFORM_REQUEST_TIMEOUT, else 60 s. */
  requestTimeoutMs?: number
}

export function createServiceQuotasClient(options: ServiceQuotasClientOptions): ServiceQuotasApi {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  // As for prices: the connect timeout of every client (timeouts.ts); the caller's signal bounds the whole look-up.
  const requestHandler = requestHandlerOptions(options.requestTimeoutMs ?? requestTimeoutMs())
  return new SdkServiceQuotas(new ServiceQuotasClient({ region: options.region, profile: options.profile, endpoint: options.endpoint, maxAttempts: 1, requestHandler }))
}

class SdkServiceQuotas implements ServiceQuotasApi {
  constructor(private readonly sdk: ServiceQuotasClient) {}

  async sageMakerQuotas(signal?: AbortSignal): Promise<ServiceQuota[]> {
    const out: ServiceQuota[] = []
    let token: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      let answer
      try {
        answer = await this.sdk.send(new ListServiceQuotasCommand({ ServiceCode: SERVICE_CODE, MaxResults: PAGE_SIZE, NextToken: token }), { abortSignal: signal })
      } catch (error) {
        throw classify(error)
      }
      for (const q of answer.Quotas ?? []) {
        const quota = quotaOf(q)
        if (quota) out.push(quota)
      }
      token = answer.NextToken
      if (!token) break
    }
    return out
  }

  async sageMakerQuota(code: string, signal?: AbortSignal): Promise<ServiceQuota | undefined> {
    let answer
    try {
      answer = await this.sdk.send(new GetServiceQuotaCommand({ ServiceCode: SERVICE_CODE, QuotaCode: code }), { abortSignal: signal })
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchResourceException') return undefined
      throw classify(error)
    }
    return quotaOf(answer.Quota)
  }

  destroy(): void {
    this.sdk.destroy()
  }
}

function quotaOf(q: { QuotaName?: string; QuotaCode?: string; Value?: number } | undefined): ServiceQuota | undefined {
  return q && typeof q.QuotaName === 'string' && typeof q.QuotaCode === 'string' && typeof q.Value === 'number' ? { name: q.QuotaName, code: q.QuotaCode, value: q.Value } : undefined
}

function classify(error: unknown): ServiceQuotasError {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } }
  const message = e?.message ?? String(error)
  if (e?.name === 'CredentialsProviderError' || /credential/i.test(e?.name ?? '')) return new ServiceQuotasError('credentials', message, { cause: error })
  const status = e?.$metadata?.httpStatusCode
  if (status !== undefined && status > 0) {
    const name = e?.name && e.name !== 'Unknown' ? e.name : `HTTP ${status}`
    return new ServiceQuotasError(/AccessDenied|NoAvailableOrganization/.test(name) || status === 403 ? 'denied' : 'service', `${name}: ${message}`, { cause: error })
  }
  return new ServiceQuotasError('unreachable', e?.code ? `${e.code}: ${message}` : message, { cause: error })
}

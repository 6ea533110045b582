// The account's SageMaker quotas from the Service Quotas API, behind a narrow interface (the SDK client is in
// service-quotas.ts and loaded only when a plan checks quotas).
import { KindedServiceError } from './service-error.js'

/** One quota as ListServiceQuotas returns it, reduced to what the plan check reads. */
export interface ServiceQuota {
  name: string
  code: string
  value: number
}

export interface ServiceQuotasApi {
  /** Every quota of service code `sagemaker` in the client's region, following NextToken. Throws ServiceQuotasError. */
  sageMakerQuotas(signal?: AbortSignal): Promise<ServiceQuota[]>
  /** One quota by code (GetServiceQuota); undefined when the service has no applied value for it (NoSuchResource). */
  sageMakerQuota(code: string, signal?: AbortSignal): Promise<ServiceQuota | undefined>
  /** Closes connections; the client is used once per plan. */
  destroy?(): void
}

/**
 * credentials  no credentials could be found
 * denied       the caller may not read quotas (servicequotas:ListServiceQuotas missing)
 * unreachable  no connection, DNS failure, timeout or abort
 * service      any other error the service answered with
 */
export type ServiceQuotasErrorKind = 'credentials' | 'denied' | 'unreachable' | 'service'

export class ServiceQuotasError extends KindedServiceError<ServiceQuotasErrorKind> {
  override readonly name = 'ServiceQuotasError'
}

// The account's SageMaker quotas from the Service Quotas API, behind a narrow interface (the SDK client is in
// service-quotas.ts and loaded only when a plan checks quotas), with a fake for tests.

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

export class ServiceQuotasError extends Error {
  override readonly name = 'ServiceQuotasError'
  constructor(
    readonly kind: ServiceQuotasErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
  }
}

/** Answers from a list; records each call. */
export class FakeServiceQuotas implements ServiceQuotasApi {
  calls = 0
  constructor(
    public quotas: ServiceQuota[],
    private readonly failure?: ServiceQuotasError,
  ) {}

  async sageMakerQuotas(): Promise<ServiceQuota[]> {
    this.calls++
    if (this.failure) throw this.failure
    return this.quotas.map((q) => ({ ...q }))
  }

  async sageMakerQuota(code: string): Promise<ServiceQuota | undefined> {
    this.calls++
    if (this.failure) throw this.failure
    const found = this.quotas.find((q) => q.code === code)
    return found && { ...found }
  }
}

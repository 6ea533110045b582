/** A failure of an AWS service beside SageMaker (Price List, Service Quotas), sorted into a kind for one clear message. */
export class KindedServiceError<Kind extends string> extends Error {
  constructor(
    readonly kind: Kind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
  }
}

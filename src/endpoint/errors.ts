// Errors as SageMaker puts them on the wire: the bare shape name goes into `__type`, the text into `Message`.

export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message)
  }
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', message)
}

/** DescribeTrainingJob, Stop and Delete answer a missing training job this way, not with ResourceNotFound (aws/aws-sdk#165). */
export function trainingJobNotFound(): ServiceError {
  return validationError('Requested resource not found.')
}

export function tuningJobNotFound(name: string): ServiceError {
  return new ServiceError('ResourceNotFound', `Amazon SageMaker can't find a tuning job with name ${name}`)
}

export function resourceInUse(message: string): ServiceError {
  return new ServiceError('ResourceInUse', message)
}

/** Worded like the service's quota errors, which name the quota, its value and the requested amount. */
export function quotaExceeded(quota: string, limit: number, utilization: number, requested: number, unit: string): ServiceError {
  return new ServiceError(
    'ResourceLimitExceeded',
    `The account-level service limit '${quota}' is ${limit} ${unit}, with current utilization of ${utilization} ${unit} and a request delta of ${requested} ${unit}. ` +
      'Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.',
  )
}

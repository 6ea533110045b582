// The narrow SageMaker surface the rest of sageform programs against. Only src/sagemaker/ touches the AWS SDK at run
// time; everything else imports from here, which has no run-time SDK dependency (type-only re-exports).

import type {
  CreateHyperParameterTuningJobRequest,
  CreateTrainingJobRequest,
  DescribeHyperParameterTuningJobResponse,
  DescribeTrainingJobResponse,
  HyperParameterTrainingJobSummary,
  SearchRecord,
  Tag,
} from '@aws-sdk/client-sagemaker'

export type {
  CreateHyperParameterTuningJobRequest,
  CreateTrainingJobRequest,
  DescribeHyperParameterTuningJobResponse,
  DescribeTrainingJobResponse,
  HyperParameterTrainingJobSummary,
  HyperParameterTuningJobSearchEntity,
  HyperParameterTuningJobStatus,
  SearchRecord,
  SecondaryStatus,
  Tag,
  TrainingJob,
  TrainingJobStatus,
  TrainingJobSummary,
} from '@aws-sdk/client-sagemaker'

export type Described<T> = { found: true; job: T } | { found: false }

export type SearchResource = 'TrainingJob' | 'HyperParameterTuningJob'

/**
 * Stop and delete of a job that does not exist throw SageMakerError 'ResourceNotFound' (whichever spelling the service
 * used); the caller decides whether that means "already gone".
 */
export interface SageMakerApi {
  /** Throws SageMakerError 'ResourceInUse' when the name is taken, so the caller can adopt the existing job. */
  createTrainingJob(req: CreateTrainingJobRequest): Promise<{ arn: string }>
  describeTrainingJob(name: string): Promise<Described<DescribeTrainingJobResponse>>
  stopTrainingJob(name: string): Promise<void>
  deleteTrainingJob(name: string): Promise<void>
  /**
   * UpdateTrainingJob: `update` holds the request members besides the name (ProfilerConfig, ProfilerRuleConfigurations,
   * ResourceConfig.KeepAlivePeriodInSeconds, RemoteDebugConfig), in API spelling. Only a running job accepts it.
   */
  updateTrainingJob(name: string, update: Record<string, unknown>): Promise<void>
  /** Throws SageMakerError 'ResourceInUse' when the name is taken, so the caller can adopt the existing job. */
  createTuningJob(req: CreateHyperParameterTuningJobRequest): Promise<{ arn: string }>
  describeTuningJob(name: string): Promise<Described<DescribeHyperParameterTuningJobResponse>>
  stopTuningJob(name: string): Promise<void>
  deleteTuningJob(name: string): Promise<void>
  /** Every page. A missing tuning job throws SageMakerError 'ResourceNotFound' (an empty list would be ambiguous). */
  listTrainingJobsForTuningJob(tuningJobName: string): Promise<HyperParameterTrainingJobSummary[]>
  /** Every page, as key → value. */
  listTags(arn: string): Promise<Record<string, string>>
  /** An empty record sends nothing. */
  addTags(arn: string, tags: Record<string, string>): Promise<void>
  /** An empty list sends nothing (the service rejects an empty TagKeys). */
  deleteTags(arn: string, keys: string[]): Promise<void>
  /**
   * Search with tag filters: every record whose tag `key` equals `value`, following NextToken, 100 per page. A record
   * carries only a job's name, ARN, status (and secondary status), failure reason, tags, creation and end times, and
   * (training jobs) the tuning job that launched it.
   */
  searchByTag(resource: SearchResource, key: string, value: string): Promise<SearchRecord[]>
  /**
   * Every InProgress job of the account and region (Search on the status, 100 per page): what counts against the
   * quotas now. `signal` aborts it (the quota check's deadline).
   */
  searchInProgress(resource: SearchResource, signal?: AbortSignal): Promise<SearchRecord[]>
  /**
   * Now on the service's clock, learnt from its responses' Date header (this machine's clock until a response came):
   * job timestamps come from that clock, so durations since them are measured on it.
   */
  serviceTime(): Date
}

/**
 * What a plan's refresh reads (services/setup/refresh.ts): Search by tag, Describe and ListTags, on the service's clock.
 * The refresh's client in a worker thread (worker-client.ts) serves these and nothing else.
 */
export type RefreshApi = Pick<SageMakerApi, 'searchByTag' | 'describeTrainingJob' | 'describeTuningJob' | 'listTags' | 'serviceTime'>

/**
 * Every failure the SageMakerApi reports. `code` is the service's error code (`ResourceInUse`, `ValidationException`,
 * `ThrottlingException`, ...), normalised so that both spellings of "not found" read `ResourceNotFound`, or one of
 * sageform's own: `ConfigError`, `CredentialsError`. `retryable` means the same call may succeed later unchanged
 * (throttling, server faults, dropped connections) after the SDK's own retries ran out.
 */
export class SageMakerError extends Error {
  override readonly name = 'SageMakerError'
  readonly code: string
  readonly retryable: boolean
  readonly requestId: string | undefined

  constructor(code: string, message: string, options: { retryable?: boolean; requestId?: string; cause?: unknown } = {}) {
    // The service's message is one sentence wherever it is shown (a diagnostic's detail keeps its own line breaks), so a
    // message holding a line break could fake a line of sageform's output: it is joined into one line here.
    super(message.replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, ' '), { cause: options.cause })
    this.code = code
    this.retryable = options.retryable ?? false
    this.requestId = options.requestId
  }
}

/**
 * By name and shape, not instanceof: the module can be loaded twice (tsx's CommonJS copy next to the ESM one in tests,
 * or two installs of sageform), and an error from one copy must still be recognised by the other.
 */
export function isSageMakerError(err: unknown, code?: string): err is SageMakerError {
  return err instanceof Error && err.name === 'SageMakerError' && typeof (err as SageMakerError).code === 'string' && (code === undefined || (err as SageMakerError).code === code)
}

/**
 * A SageMakerApi served by a worker thread (worker-client.ts) could not serve a call: the worker did not start, died,
 * or was closed. Nothing is known of SageMaker's answer; the same call on a client of the caller's thread is the fallback.
 */
export class WorkerFailure extends Error {
  override readonly name = 'WorkerFailure'
}

export function isWorkerFailure(error: unknown): error is WorkerFailure {
  return error instanceof Error && error.name === 'WorkerFailure'
}

/** Create hit an existing name: adopt that job rather than fail. */
export function isResourceInUse(err: unknown): err is SageMakerError {
  return isSageMakerError(err, 'ResourceInUse')
}

export function isResourceNotFound(err: unknown): err is SageMakerError {
  return isSageMakerError(err, 'ResourceNotFound')
}

/** An account quota (instances, concurrent jobs) is exhausted: retrying soon will not help. */
export function isResourceLimitExceeded(err: unknown): err is SageMakerError {
  return isSageMakerError(err, 'ResourceLimitExceeded')
}

/** SageMaker's `[{Key, Value}]` tag list as a record; sageform handles tags as records everywhere else. */
export function tagRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']))
}

export function tagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
}

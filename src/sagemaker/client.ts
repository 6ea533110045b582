// SageMakerApi over the AWS SDK v3. Retries are the SDK's (adaptive mode: throttling and 5xx are retried with client-side
// rate limiting); this layer only shapes inputs and outputs, bounds every call (timeouts.ts) and turns every failure
// into a SageMakerError.

import {
  AddTagsCommand,
  CreateHyperParameterTuningJobCommand,
  CreateTrainingJobCommand,
  DeleteHyperParameterTuningJobCommand,
  DeleteTagsCommand,
  DeleteTrainingJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeTrainingJobCommand,
  ListTagsCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
  SageMakerClient as SdkClient,
  SearchCommand,
  SageMakerServiceException,
  StopHyperParameterTuningJobCommand,
  StopTrainingJobCommand,
  UpdateTrainingJobCommand,
  type SageMakerClient,
  type SageMakerClientConfig,
  type UpdateTrainingJobRequest,
} from '@aws-sdk/client-sagemaker'
import {
  SageMakerError,
  isSageMakerError,
  isResourceNotFound,
  tagList,
  tagRecord,
  type CreateHyperParameterTuningJobRequest,
  type CreateTrainingJobRequest,
  type Described,
  type DescribeHyperParameterTuningJobResponse,
  type DescribeTrainingJobResponse,
  type HyperParameterTrainingJobSummary,
  type SageMakerApi,
  type SearchRecord,
  type SearchResource,
} from './types.js'
import { withExactLongs } from '../model/api.js'
import { bounded, requestHandlerOptions, requestTimeoutMs, trackEndpoint, type SendOptions } from './timeouts.js'

export interface SageMakerClientOptions {
  region?: string
  /** Shared config/credentials profile; without it the SDK's default chain (env, AWS_PROFILE, SSO, IMDS...) applies. */
  profile?: string
  /** Without it the SDK itself honours AWS_ENDPOINT_URL_SAGEMAKER, then AWS_ENDPOINT_URL. */
  endpoint?: string
  maxAttempts?: number
  /** Replaces the SDK's adaptive strategy, whose backoff and rate limiter take seconds; tests retry without waiting. */
  retryStrategy?: SageMakerClientConfig['retryStrategy']
  /** The most one call may take, retries included; else SAGEFORM_REQUEST_TIMEOUT, else 60 s. */
  requestTimeoutMs?: number
}


/**
 * The SDK's default of 3 attempts gives up on 0.3^3 ≈ 3% of calls when SageMaker throttles a third of them, which
 * failed about one apply of 10 jobs in four; with 10 the adaptive rate limiter, not the attempt count, sets the pace.
 * AWS_MAX_ATTEMPTS, when set, still decides (the SDK reads it only when this is left undefined).
 */
const DEFAULT_MAX_ATTEMPTS = 10
const SEARCH_PAGE_SIZE = 100
const LIST_PAGE_SIZE = 100

export const NO_REGION_MESSAGE = 'No AWS region: set AWS_REGION, the provider "sagemaker" block\'s region, or --region.'

/**
 * The SDK's default logger drops everything, yet its logging middleware still makes a redacted copy of each response
 * for it (a walk over the 100 records of a Search page: ~20 ms of a plan's first page). The middleware asks for
 * `info` and `error` only if the logger has them; the SDK calls its other levels (warnings, debug) unconditionally.
 */
const SILENT_LOGGER = { trace() {}, debug() {}, warn() {} } as unknown as NonNullable<SageMakerClientConfig['logger']>

/** The SDK configuration sageform uses; exported so tests can pin it without waiting on real backoff. */
export function clientConfig(options: SageMakerClientOptions): SageMakerClientConfig {
  return {
    logger: SILENT_LOGGER,
    region: options.region || undefined,
    profile: options.profile,
    endpoint: options.endpoint,
    maxAttempts: options.maxAttempts ?? (process.env.AWS_MAX_ATTEMPTS ? undefined : DEFAULT_MAX_ATTEMPTS),
    retryMode: 'adaptive',
    retryStrategy: options.retryStrategy,
    requestHandler: requestHandlerOptions(options.requestTimeoutMs ?? requestTimeoutMs()),
  }
}

export function createSageMakerClient(options: SageMakerClientOptions = {}): SageMakerApi {
  // The SDK warns on every run under Node 20 that releases after January 2027 need Node 22. sageform users cannot act
  // on that per run (CI already tests Node 22), so it is silenced unless the user chose otherwise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  return new SdkSageMaker(new SdkClient(clientConfig(options)), options.profile, options.requestTimeoutMs ?? requestTimeoutMs())
}

class SdkSageMaker implements SageMakerApi {
  private regionChecked: Promise<void> | undefined
  private readonly endpoint: () => string | undefined

  constructor(
    private readonly sdk: SageMakerClient,
    private readonly profile: string | undefined,
    private readonly timeoutMs: number,
  ) {
    this.endpoint = trackEndpoint(sdk as never)
  }

  serviceTime(): Date {
    // The SDK keeps systemClockOffset from every signed response's Date header, to correct clock skew.
    return new Date(Date.now() + (this.sdk.config.systemClockOffset ?? 0))
  }

  async createTrainingJob(req: CreateTrainingJobRequest): Promise<{ arn: string }> {
    const exact = withExactLongs('CreateTrainingJobRequest', req) as CreateTrainingJobRequest
    const out = await this.call('CreateTrainingJob', (options) => this.sdk.send(new CreateTrainingJobCommand(exact), options))
    return { arn: requiredArn(out.TrainingJobArn, 'CreateTrainingJob') }
  }

  describeTrainingJob(name: string): Promise<Described<DescribeTrainingJobResponse>> {
    return this.describe('DescribeTrainingJob', (options) => this.sdk.send(new DescribeTrainingJobCommand({ TrainingJobName: name }), options))
  }

  async stopTrainingJob(name: string): Promise<void> {
    await this.call('StopTrainingJob', (options) => this.sdk.send(new StopTrainingJobCommand({ TrainingJobName: name }), options))
  }

  async deleteTrainingJob(name: string): Promise<void> {
    await this.call('DeleteTrainingJob', (options) => this.sdk.send(new DeleteTrainingJobCommand({ TrainingJobName: name }), options))
  }

  async updateTrainingJob(name: string, update: Record<string, unknown>): Promise<void> {
    // The members are checked by the caller (the planner builds them from the model); the name always wins.
    const input = { ...update, TrainingJobName: name } as UpdateTrainingJobRequest
    await this.call('UpdateTrainingJob', (options) => this.sdk.send(new UpdateTrainingJobCommand(input), options))
  }

  async createTuningJob(req: CreateHyperParameterTuningJobRequest): Promise<{ arn: string }> {
    const exact = withExactLongs('CreateHyperParameterTuningJobRequest', req) as CreateHyperParameterTuningJobRequest
    const out = await this.call('CreateHyperParameterTuningJob', (options) => this.sdk.send(new CreateHyperParameterTuningJobCommand(exact), options))
    return { arn: requiredArn(out.HyperParameterTuningJobArn, 'CreateHyperParameterTuningJob') }
  }

  describeTuningJob(name: string): Promise<Described<DescribeHyperParameterTuningJobResponse>> {
    return this.describe('DescribeHyperParameterTuningJob', (options) =>
      this.sdk.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }), options),
    )
  }

  async stopTuningJob(name: string): Promise<void> {
    await this.call('StopHyperParameterTuningJob', (options) => this.sdk.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }), options))
  }

  async deleteTuningJob(name: string): Promise<void> {
    await this.call('DeleteHyperParameterTuningJob', (options) => this.sdk.send(new DeleteHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }), options))
  }

  listTrainingJobsForTuningJob(tuningJobName: string): Promise<HyperParameterTrainingJobSummary[]> {
    return this.pages('ListTrainingJobsForHyperParameterTuningJob', (NextToken, options) =>
      this.sdk
        .send(new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: tuningJobName, MaxResults: LIST_PAGE_SIZE, NextToken }), options)
        .then((page) => ({ items: page.TrainingJobSummaries, next: page.NextToken })),
    )
  }

  async listTags(arn: string): Promise<Record<string, string>> {
    // No page size: the model gives ListTags a minimum of 50 and no maximum, and a resource holds at most 50 tags.
    const tags = await this.pages('ListTags', (NextToken, options) =>
      this.sdk.send(new ListTagsCommand({ ResourceArn: arn, NextToken }), options).then((page) => ({ items: page.Tags, next: page.NextToken })),
    )
    return tagRecord(tags)
  }

  async addTags(arn: string, tags: Record<string, string>): Promise<void> {
    if (Object.keys(tags).length === 0) return
    await this.call('AddTags', (options) => this.sdk.send(new AddTagsCommand({ ResourceArn: arn, Tags: tagList(tags) }), options))
  }

  async deleteTags(arn: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return
    await this.call('DeleteTags', (options) => this.sdk.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: keys }), options))
  }

  searchByTag(resource: SearchResource, key: string, value: string): Promise<SearchRecord[]> {
    const input = {
      Resource: resource,
      SearchExpression: { Filters: [{ Name: `Tags.${key}`, Operator: 'Equals' as const, Value: value }] },
      // Search sorts by LastModifiedTime by default, so a job that changes status during a multi-page read jumps
      // to a page already read and is missed. Creation time never changes: every job is seen exactly once.
      SortBy: 'CreationTime' as const,
      SortOrder: 'Ascending' as const,
      MaxResults: SEARCH_PAGE_SIZE,
    }
    return this.pages('Search', (NextToken, options) =>
      this.sdk.send(projected(new SearchCommand({ ...input, NextToken }), TAGGED_JOB_MEMBERS), options).then((page) => ({ items: page.Results, next: page.NextToken })),
    )
  }

  searchInProgress(resource: SearchResource, signal?: AbortSignal): Promise<SearchRecord[]> {
    const status = resource === 'TrainingJob' ? 'TrainingJobStatus' : 'HyperParameterTuningJobStatus'
    const input = { Resource: resource, SearchExpression: { Filters: [{ Name: status, Operator: 'Equals' as const, Value: 'InProgress' }] }, SortBy: 'CreationTime' as const, SortOrder: 'Ascending' as const, MaxResults: SEARCH_PAGE_SIZE }
    // Each page is bounded like every call; the caller's signal (the quota check's deadline) may end it sooner.
    return this.pages('Search', (NextToken, options) =>
      this.sdk.send(new SearchCommand({ ...input, NextToken }), { abortSignal: signal ? AbortSignal.any([options.abortSignal, signal]) : options.abortSignal }).then((page) => ({ items: page.Results, next: page.NextToken })),
    )
  }

  private async describe<T extends object>(operation: string, send: (options: SendOptions) => Promise<T>): Promise<Described<T>> {
    try {
      return { found: true, job: await this.call(operation, send) }
    } catch (err) {
      if (isResourceNotFound(err)) return { found: false }
      throw err
    }
  }

  /** Every SDK call goes through here, so each has its deadline and callers only ever see SageMakerError. */
  private async call<T>(operation: string, send: (options: SendOptions) => Promise<T>): Promise<T> {
    await (this.regionChecked ??= this.checkRegion())
    try {
      // Retryable like a dropped connection: a poll tries again next time; apply reports it and stops.
      return await bounded(this.timeoutMs, send, { service: 'SageMaker', operation, endpoint: this.endpoint }, (message) => new SageMakerError('RequestTimeout', message, { retryable: true }))
    } catch (err) {
      throw toSageMakerError(err, this.profile)
    }
  }

  /** A paginated listing, one call (and one deadline) per page. */
  private async pages<T>(operation: string, page: (token: string | undefined, options: SendOptions) => Promise<{ items?: T[]; next?: string }>): Promise<T[]> {
    const all: T[] = []
    let token: string | undefined
    do {
      const { items, next } = await this.call(operation, (options) => page(token, options))
      all.push(...(items ?? []))
      token = next
    } while (token)
    return all
  }

  // The SDK's own "Region is missing" names no way to fix it; resolving the region first lets us say how.
  private async checkRegion(): Promise<void> {
    const region = await this.sdk.config.region().catch(() => undefined)
    if (!region) throw new SageMakerError('ConfigError', NO_REGION_MESSAGE)
  }
}

/**
 * The members of a Search record searchByTag returns (what refresh and import read of a job): Search has no
 * projection, and its full records (a training job's whole Create request, status history and metrics) cost far more
 * to deserialise, field by field against the API's schema, than the few members read of them.
 */
const TAGGED_JOB_MEMBERS: Record<string, readonly string[]> = {
  TrainingJob: ['TrainingJobName', 'TrainingJobArn', 'TrainingJobStatus', 'SecondaryStatus', 'FailureReason', 'Tags', 'CreationTime', 'TrainingEndTime', 'TuningJobArn'],
  HyperParameterTuningJob: ['HyperParameterTuningJobName', 'HyperParameterTuningJobArn', 'HyperParameterTuningJobStatus', 'FailureReason', 'Tags', 'CreationTime', 'HyperParameterTuningEndTime'],
}

type SearchCommandInstance = InstanceType<typeof SearchCommand>

/**
 * The command with each successful answer's records cut down to `members` before the SDK deserialises them. It works
 * on the raw body of each attempt, below the SDK's deserialiser: errors, retries and signing are the SDK's as ever, and
 * a body that is not the JSON expected reaches the SDK untouched.
 */
function projected(command: SearchCommandInstance, members: Record<string, readonly string[]>): SearchCommandInstance {
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args)
      const response = result.response as { statusCode?: number; body?: unknown }
      if (response.statusCode === undefined || response.statusCode >= 300 || !isAsyncIterable(response.body)) return result
      const chunks: Buffer[] = []
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array))
      const raw = Buffer.concat(chunks)
      response.body = raw
      try {
        const page = JSON.parse(raw.toString('utf8')) as { Results?: Array<Record<string, Record<string, unknown> | undefined>> }
        if (!Array.isArray(page.Results)) return result
        page.Results = page.Results.map((record) => Object.fromEntries(Object.entries(members).flatMap(([kind, keep]) => (record?.[kind] ? [[kind, pick(record[kind], keep)]] : []))))
        response.body = Buffer.from(JSON.stringify(page))
      } catch {
        // Not JSON: the SDK's deserialiser says what is wrong with it.
      }
      return result
    },
    { step: 'deserialize', priority: 'low', name: 'sageformSearchProjection' },
  )
  return command
}

function pick(entity: Record<string, unknown>, keep: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keep.flatMap((key) => (entity[key] === undefined ? [] : [[key, entity[key]]])))
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}

// The model requires the ARN in both Create responses; an empty one must not reach the state file unnoticed.
function requiredArn(arn: string | undefined, operation: string): string {
  if (!arn) throw new SageMakerError('InvalidResponse', `SageMaker answered ${operation} without an ARN.`)
  return arn
}

// Codes the service uses for "slow down"; the SDK has already retried these, but a later attempt may still succeed.
const THROTTLING_CODES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded'])
// Connection-level failures Node reports in `code`, worth another try later.
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])

function toSageMakerError(err: unknown, profile: string | undefined): SageMakerError {
  if (isSageMakerError(err)) return err
  if (err instanceof SageMakerServiceException) {
    const status = err.$metadata.httpStatusCode ?? 0
    return new SageMakerError(serviceCode(err), err.message, {
      retryable: err.$retryable !== undefined || err.$fault === 'server' || status === 429 || THROTTLING_CODES.has(err.name),
      requestId: err.$metadata.requestId,
      cause: err,
    })
  }
  if (err instanceof Error && err.name === 'CredentialsProviderError') {
    return new SageMakerError('CredentialsError', noCredentialsMessage(profile), { cause: err })
  }
  const code = errorCode(err)
  return new SageMakerError(code, err instanceof Error ? err.message : String(err), {
    retryable: NETWORK_CODES.has(code) || code === 'TimeoutError',
    cause: err,
  })
}

// DescribeTrainingJob answers a missing job with ValidationException "Requested resource not found." instead of the
// modelled ResourceNotFound (aws/aws-sdk#165); folding both into one code keeps callers from matching messages.
function serviceCode(err: InstanceType<typeof SageMakerServiceException>): string {
  if (err.name === 'ValidationException' && /requested resource not found/i.test(err.message)) return 'ResourceNotFound'
  return err.name
}

export function errorCode(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code
    return typeof code === 'string' ? code : err.name
  }
  return 'UnknownError'
}

export function noCredentialsMessage(profile: string | undefined): string {
  return profile
    ? `No AWS credentials for profile "${profile}": check that profile in ~/.aws/config and ~/.aws/credentials, or run "aws sso login --profile ${profile}".`
    : 'No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile with AWS_PROFILE or the provider "sagemaker" block\'s profile.'
}

// LogsApi over the AWS SDK v3 CloudWatch Logs client: the same retry settings and error handling as the SageMaker
// client (client.ts), so a missing region or missing credentials read the same for both.
import {
  CloudWatchLogsClient,
  CloudWatchLogsServiceException,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  type CloudWatchLogsClientConfig,
} from '@aws-sdk/client-cloudwatch-logs'
import { NO_REGION_MESSAGE, clientConfig, noCredentialsMessage, type SageMakerClientOptions } from './client.js'
import type { LogEventsPage, LogStream, LogsApi } from './logs.js'
import { bounded, requestTimeoutMs, trackEndpoint, type SendOptions } from './timeouts.js'
import { SageMakerError } from './types.js'

/**
 * `endpoint` unset: the SDK honours AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, then AWS_ENDPOINT_URL (its service id is
 * "CloudWatch Logs"), then the shared config file's endpoint_url.
 */
export type LogsClientOptions = SageMakerClientOptions

export function createLogsClient(options: LogsClientOptions = {}): LogsApi {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  return new SdkLogs(new CloudWatchLogsClient(clientConfig(options) as CloudWatchLogsClientConfig), options.profile, options.requestTimeoutMs ?? requestTimeoutMs())
}

class SdkLogs implements LogsApi {
  private regionChecked: Promise<void> | undefined
  private readonly endpoint: () => string | undefined

  constructor(
    private readonly sdk: CloudWatchLogsClient,
    private readonly profile: string | undefined,
    private readonly timeoutMs: number,
  ) {
    this.endpoint = trackEndpoint(sdk as never)
  }

  async describeLogStreams(group: string, prefix: string): Promise<LogStream[]> {
    const streams: LogStream[] = []
    let nextToken: string | undefined
    do {
      const token = nextToken
      const page = await this.call('DescribeLogStreams', (options) => this.sdk.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: prefix, nextToken: token }), options))
      for (const s of page.logStreams ?? []) {
        if (!s.logStreamName) continue
        streams.push({
          name: s.logStreamName,
          ...(s.creationTime === undefined ? {} : { creationTime: s.creationTime }),
          ...(s.lastEventTimestamp === undefined ? {} : { lastEventTimestamp: s.lastEventTimestamp }),
        })
      }
      // A token equal to the one sent would loop forever; the service never does that, but a proxy might.
      nextToken = page.nextToken && page.nextToken !== token ? page.nextToken : undefined
    } while (nextToken)
    return streams
  }

  async getLogEvents(group: string, stream: string, token?: string): Promise<LogEventsPage> {
    // startFromHead must be true whenever a forward token is passed on, and from the head is where a reader starts.
    const page = await this.call('GetLogEvents', (options) => this.sdk.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, nextToken: token }), options))
    return {
      events: (page.events ?? []).map((e) => ({ timestamp: e.timestamp ?? 0, message: e.message ?? '' })),
      nextForwardToken: page.nextForwardToken,
    }
  }

  private async call<T>(operation: string, send: (options: SendOptions) => Promise<T>): Promise<T> {
    await (this.regionChecked ??= this.checkRegion())
    try {
      return await bounded(this.timeoutMs, send, { service: 'CloudWatch Logs', operation, endpoint: this.endpoint }, (message) => new SageMakerError('RequestTimeout', message, { retryable: true }))
    } catch (err) {
      throw toError(err, this.profile)
    }
  }

  private async checkRegion(): Promise<void> {
    const region = await this.sdk.config.region().catch(() => undefined)
    if (!region) throw new SageMakerError('ConfigError', NO_REGION_MESSAGE)
  }
}

const THROTTLING_CODES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'LimitExceededException'])
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])

function toError(err: unknown, profile: string | undefined): SageMakerError {
  if (err instanceof SageMakerError) return err
  if (err instanceof CloudWatchLogsServiceException) {
    const status = err.$metadata.httpStatusCode ?? 0
    return new SageMakerError(err.name === 'ResourceNotFoundException' ? 'ResourceNotFound' : err.name, err.message, {
      retryable: err.$retryable !== undefined || err.$fault === 'server' || status === 429 || THROTTLING_CODES.has(err.name),
      requestId: err.$metadata.requestId,
      cause: err,
    })
  }
  if (err instanceof Error && err.name === 'CredentialsProviderError') {
    return new SageMakerError('CredentialsError', noCredentialsMessage(profile), { cause: err })
  }
  const code = err instanceof Error ? (typeof (err as Error & { code?: unknown }).code === 'string' ? ((err as Error & { code: string }).code) : err.name) : 'UnknownError'
  return new SageMakerError(code, err instanceof Error ? err.message : String(err), { retryable: NETWORK_CODES.has(code) || code === 'TimeoutError', cause: err })
}

// The narrow CloudWatch Logs surface sageform reads training job logs through. Like types.ts it has no run-time SDK
// dependency: logs-client.ts implements it over @aws-sdk/client-cloudwatch-logs, test/helpers/fake-logs.ts in
// memory. Failures are SageMakerError, with the same codes (`ResourceNotFound` for a missing log group or stream,
// `CredentialsError`, `ConfigError`, the service's own otherwise), so callers handle one kind of error for both services.

/** Where SageMaker writes training job logs: one stream per instance, `<job>/algo-<n>-<epoch seconds>`. */
export const TRAINING_JOB_LOG_GROUP = '/aws/sagemaker/TrainingJobs'

export interface LogStream {
  name: string
  /** Epoch milliseconds. */
  creationTime?: number
  lastEventTimestamp?: number
}

export interface LogEvent {
  /** Epoch milliseconds. */
  timestamp: number
  message: string
}

export interface LogEventsPage {
  events: LogEvent[]
  /** Where to read on from; the service gives back the token it was sent once the stream has nothing newer. */
  nextForwardToken: string | undefined
}

export interface LogsApi {
  /** Every stream of `group` whose name starts with `prefix`, in name order, following nextToken. */
  describeLogStreams(group: string, prefix: string): Promise<LogStream[]>
  /** One page of a stream's events, oldest first: from its head without a token, else after `token` (GetLogEvents). */
  getLogEvents(group: string, stream: string, token?: string): Promise<LogEventsPage>
}

// The local endpoint started in the test process, reached through the real AWS SDK clients.
import assert from 'node:assert/strict'
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { SageMakerClient, paginateSearch, type CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker'
import { startEndpoint, type Endpoint, type EndpointOptions } from '../../src/endpoint/server.js'

export interface OpenEndpoint {
  endpoint: Endpoint
  sm: SageMakerClient
  logs: CloudWatchLogsClient
}

/**
 * For a suite: `open(options)` starts an endpoint (`defaults`, then `options`) with a SageMaker and a CloudWatch Logs
 * client for it, and the suite's `after` hook closes them all. One attempt per call: the endpoint's errors (throttling
 * included) reach the test as they are, not retried away.
 */
export function endpointsOfSuite(defaults: EndpointOptions): (options?: EndpointOptions) => Promise<OpenEndpoint> {
  const opened: OpenEndpoint[] = []
  after(async () => {
    for (const { endpoint, sm, logs } of opened) {
      sm.destroy()
      logs.destroy()
      await endpoint.close()
    }
  })
  return async (options = {}) => {
    // As sageform does for itself: the SDK's Node 20 deprecation notice says nothing about these tests.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    const endpoint = await startEndpoint({ ...defaults, ...options })
    const config = { endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 }
    const opening = { endpoint, sm: new SageMakerClient(config), logs: new CloudWatchLogsClient(config) }
    opened.push(opening)
    return opening
  }
}

/** A training job the endpoint runs to completion: one File-mode channel, one metric (validation:accuracy), 10 epochs. */
export function trainingJob(name: string, extra: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput {
  return {
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
    AlgorithmSpecification: {
      TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1',
      TrainingInputMode: 'File',
      MetricDefinitions: [{ Name: 'validation:accuracy', Regex: 'acc=([0-9.]+)' }],
    },
    HyperParameters: { epochs: '10' },
    InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/train' } } }],
    OutputDataConfig: { S3OutputPath: 's3://bucket/out/' },
    ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    ...extra,
  }
}

/** Asserts that `promise` rejects with an SDK error of this name (the service's error code) and, if given, message. */
export async function rejects(promise: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(promise, (e: Error) => {
    assert.equal(e.name, name)
    if (typeof message === 'string') assert.equal(e.message, message)
    else if (message) assert.match(e.message, message)
    return true
  })
}

/**
 * Reads until `done` holds: on a manual clock that moves per request, each read moves the job on; otherwise the job
 * moves on its own clock. The default bound is generous: a loaded machine is slow, and a wait that fails is a hang.
 */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, { timeoutMs = 60_000, intervalMs = 20 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Every training job `sm` can find, by the sageform:address tag sageform gives it: which resources have how many jobs. */
export async function trainingJobsByAddress(sm: SageMakerClient): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  for await (const page of paginateSearch({ client: sm, pageSize: 100 }, { Resource: 'TrainingJob' })) {
    for (const { TrainingJob: job } of page.Results ?? []) {
      const address = job?.Tags?.find((t) => t.Key === 'sageform:address')?.Value ?? '(untagged)'
      out.set(address, [...(out.get(address) ?? []), job!.TrainingJobName!])
    }
  }
  return out
}

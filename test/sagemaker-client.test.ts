import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nock from 'nock'
import {
  clientConfig,
  createSageMakerClient,
  NO_REGION_MESSAGE,
  type SageMakerClientOptions,
} from '../src/sagemaker/client.js'
import { FAKE_ARN_PREFIX, FakeSageMaker } from './helpers/fake-sagemaker.js'
import {
  isResourceInUse,
  isResourceNotFound,
  isSageMakerError,
  SageMakerError,
  type CreateTrainingJobRequest,
} from '../src/sagemaker/types.js'
import { AWS_JSON_HEADERS, dummyAwsEnv, isolateAwsEnvPerTest, nockOnly } from './helpers/aws.js'

const ENDPOINT = 'https://api.sagemaker.us-east-1.amazonaws.com'
const TRAINING_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:training-job/demo-1'

const demoRequest: CreateTrainingJobRequest = {
  TrainingJobName: 'demo-1',
  RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
  AlgorithmSpecification: {
    TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1',
    TrainingInputMode: 'File',
  },
  OutputDataConfig: { S3OutputPath: 's3://bucket/out' },
  ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
}

interface Seen {
  target: string | undefined
  body: unknown
}

/** Queues one reply per request and records what each request sent. */
function serve(...replies: Array<[status: number, body: object]>): Seen[] {
  const seen: Seen[] = []
  const scope = nock(ENDPOINT)
  for (const [status, body] of replies) {
    scope.post('/').reply(function (_uri, requestBody) {
      seen.push({
        target: this.req.headers['x-amz-target'],
        body: typeof requestBody === 'string' ? JSON.parse(requestBody) : requestBody,
      })
      return [status, JSON.stringify(body), AWS_JSON_HEADERS]
    })
  }
  return seen
}

/** A retry strategy that retries retryable errors at once: the SDK's adaptive one waits seconds on throttling. */
function immediateRetries(maxAttempts: number) {
  const errorTypes: string[] = []
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => 0 })
  const strategy = {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous: { getRetryCount(): number }, info: { errorType: string }) => {
      errorTypes.push(info.errorType)
      const next = previous.getRetryCount() + 1
      if (info.errorType === 'CLIENT_ERROR' || next >= maxAttempts) throw new Error('no more retries')
      return token(next)
    },
    recordSuccess: () => {},
  }
  return { strategy, errorTypes }
}

function client(options: SageMakerClientOptions = {}) {
  return createSageMakerClient({ region: 'us-east-1', retryStrategy: immediateRetries(3).strategy, ...options })
}

async function rejection(promise: Promise<unknown>): Promise<SageMakerError> {
  const err = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  )
  assert.ok(err instanceof SageMakerError, `expected a SageMakerError, got ${String(err)}`)
  return err
}

describe('SageMaker client (HTTP level)', () => {
  let home: string

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'sageform-sm-'))
  })
  isolateAwsEnvPerTest(() => dummyAwsEnv(home))
  nockOnly()

  after(async () => {
    await rm(home, { recursive: true, force: true })
  })

  it('creates a training job with X-Amz-Target SageMaker.CreateTrainingJob and the request as the body', async () => {
    const seen = serve([200, { TrainingJobArn: TRAINING_ARN }])
    assert.deepEqual(await client().createTrainingJob(demoRequest), { arn: TRAINING_ARN })
    assert.deepEqual(seen, [{ target: 'SageMaker.CreateTrainingJob', body: demoRequest }])
  })

  it('sends a long beyond 2^53 (held as its digits) as a JSON number, digit for digit', async () => {
    let raw = ''
    nock(ENDPOINT)
      .post('/')
      .reply(function (_uri, body) {
        raw = typeof body === 'string' ? body : JSON.stringify(body)
        return [200, JSON.stringify({ TrainingJobArn: TRAINING_ARN }), AWS_JSON_HEADERS]
      })
    const channel = { ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/t' } }, ShuffleConfig: { Seed: '9223372036854775807' } }
    await client().createTrainingJob({ ...demoRequest, InputDataConfig: [channel] } as unknown as CreateTrainingJobRequest)
    assert.match(raw, /"ShuffleConfig":\{"Seed":9223372036854775807\}/)
  })

  it('creates a tuning job', async () => {
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/hpo-1'
    const request = {
      HyperParameterTuningJobName: 'hpo-1',
      HyperParameterTuningJobConfig: {
        Strategy: 'Bayesian' as const,
        ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 },
      },
    }
    const seen = serve([200, { HyperParameterTuningJobArn: arn }])
    assert.deepEqual(await client().createTuningJob(request), { arn })
    assert.deepEqual(seen, [{ target: 'SageMaker.CreateHyperParameterTuningJob', body: request }])
  })

  it('stops training and tuning jobs by name', async () => {
    const seen = serve([200, {}], [200, {}])
    const sm = client()
    await sm.stopTrainingJob('demo-1')
    await sm.stopTuningJob('hpo-1')
    assert.deepEqual(seen, [
      { target: 'SageMaker.StopTrainingJob', body: { TrainingJobName: 'demo-1' } },
      { target: 'SageMaker.StopHyperParameterTuningJob', body: { HyperParameterTuningJobName: 'hpo-1' } },
    ])
  })

  it('updates a training job with X-Amz-Target SageMaker.UpdateTrainingJob, the name beside the members', async () => {
    const seen = serve([200, { TrainingJobArn: TRAINING_ARN }], [400, { __type: 'ResourceNotFound', Message: 'Training job gone-1 does not exist' }])
    const sm = client()
    await sm.updateTrainingJob('demo-1', { ResourceConfig: { KeepAlivePeriodInSeconds: 600 }, RemoteDebugConfig: { EnableRemoteDebug: true } })
    assert.ok(isResourceNotFound(await rejection(sm.updateTrainingJob('gone-1', { ResourceConfig: { KeepAlivePeriodInSeconds: 0 } }))))
    assert.deepEqual(seen, [
      {
        target: 'SageMaker.UpdateTrainingJob',
        body: { TrainingJobName: 'demo-1', ResourceConfig: { KeepAlivePeriodInSeconds: 600 }, RemoteDebugConfig: { EnableRemoteDebug: true } },
      },
      { target: 'SageMaker.UpdateTrainingJob', body: { TrainingJobName: 'gone-1', ResourceConfig: { KeepAlivePeriodInSeconds: 0 } } },
    ])
  })

  it('adds and deletes tags, and sends nothing for an empty change', async () => {
    const seen = serve([200, { Tags: [] }], [200, {}])
    const sm = client()
    await sm.addTags(TRAINING_ARN, { 'sageform:address': 'sagemaker_training_job.xgb', team: 'ml' })
    await sm.deleteTags(TRAINING_ARN, ['team'])
    await sm.addTags(TRAINING_ARN, {})
    await sm.deleteTags(TRAINING_ARN, [])
    assert.deepEqual(seen, [
      {
        target: 'SageMaker.AddTags',
        body: {
          ResourceArn: TRAINING_ARN,
          Tags: [
            { Key: 'sageform:address', Value: 'sagemaker_training_job.xgb' },
            { Key: 'team', Value: 'ml' },
          ],
        },
      },
      { target: 'SageMaker.DeleteTags', body: { ResourceArn: TRAINING_ARN, TagKeys: ['team'] } },
    ])
  })

  it('searches by tag 100 at a time, following NextToken', async () => {
    const job = (name: string) => ({ TrainingJob: { TrainingJobName: name } })
    const seen = serve([200, { Results: [job('a'), job('b')], NextToken: 'page-2' }], [200, { Results: [job('c')] }])
    const records = await client().searchByTag('TrainingJob', 'sageform:lineage', 'L1')
    assert.deepEqual(
      records.map((r) => r.TrainingJob?.TrainingJobName),
      ['a', 'b', 'c'],
    )
    const query = {
      Resource: 'TrainingJob',
      SearchExpression: { Filters: [{ Name: 'Tags.sageform:lineage', Operator: 'Equals', Value: 'L1' }] },
      SortBy: 'CreationTime',
      SortOrder: 'Ascending',
      MaxResults: 100,
    }
    assert.deepEqual(seen, [
      { target: 'SageMaker.Search', body: query },
      { target: 'SageMaker.Search', body: { ...query, NextToken: 'page-2' } },
    ])
  })

  it("lists every page of a resource's tags and of a tuning job's training jobs", async () => {
    const seen = serve(
      [200, { Tags: [{ Key: 'a', Value: '1' }], NextToken: 't2' }],
      [200, { Tags: [{ Key: 'b', Value: '2' }] }],
      [200, { TrainingJobSummaries: [{ TrainingJobName: 'hpo-1-001' }], NextToken: 'j2' }],
      [200, { TrainingJobSummaries: [{ TrainingJobName: 'hpo-1-002' }] }],
    )
    const sm = client()
    assert.deepEqual(await sm.listTags(TRAINING_ARN), { a: '1', b: '2' })
    const jobs = await sm.listTrainingJobsForTuningJob('hpo-1')
    assert.deepEqual(
      jobs.map((j) => j.TrainingJobName),
      ['hpo-1-001', 'hpo-1-002'],
    )
    assert.deepEqual(
      seen.map((s) => s.target),
      [
        'SageMaker.ListTags',
        'SageMaker.ListTags',
        'SageMaker.ListTrainingJobsForHyperParameterTuningJob',
        'SageMaker.ListTrainingJobsForHyperParameterTuningJob',
      ],
    )
    assert.deepEqual(seen[1]?.body, { ResourceArn: TRAINING_ARN, NextToken: 't2' })
    assert.deepEqual(seen[3]?.body, { HyperParameterTuningJobName: 'hpo-1', MaxResults: 100, NextToken: 'j2' })
  })

  it('describes a job, with timestamps as Dates', async () => {
    serve([
      200,
      { TrainingJobName: 'demo-1', TrainingJobArn: TRAINING_ARN, TrainingJobStatus: 'InProgress', CreationTime: 1795000000 },
    ])
    const described = await client().describeTrainingJob('demo-1')
    assert.ok(described.found)
    assert.equal(described.job.TrainingJobStatus, 'InProgress')
    assert.deepEqual(described.job.CreationTime, new Date(1795000000 * 1000))
  })

  it('reports a missing job as {found: false} for both spellings of not found', async () => {
    const seen = serve(
      [400, { __type: 'ValidationException', Message: 'Requested resource not found.' }],
      [400, { __type: 'ResourceNotFound', Message: 'Amazon SageMaker can\'t find a tuning job with name hpo-9' }],
    )
    const sm = client()
    assert.deepEqual(await sm.describeTrainingJob('nope'), { found: false })
    assert.deepEqual(await sm.describeTuningJob('hpo-9'), { found: false })
    assert.deepEqual(
      seen.map((s) => s.target),
      ['SageMaker.DescribeTrainingJob', 'SageMaker.DescribeHyperParameterTuningJob'],
    )
  })

  it('throws other validation errors, and normalises not found from other operations', async () => {
    serve(
      [400, { __type: 'ValidationException', Message: "1 validation error detected: Value 'a_b' at 'trainingJobName'" }],
      [400, { __type: 'ValidationException', Message: 'Requested resource not found.' }],
    )
    const sm = client()
    const invalid = await rejection(sm.describeTrainingJob('a_b'))
    assert.equal(invalid.code, 'ValidationException')
    assert.equal(invalid.retryable, false)
    assert.ok(isResourceNotFound(await rejection(sm.stopTrainingJob('gone'))))
  })

  it('rides out a throttling burst', async () => {
    const retries = immediateRetries(3)
    const seen = serve([400, { __type: 'ThrottlingException' }], [400, { __type: 'ThrottlingException' }], [200, {}])
    await client({ retryStrategy: retries.strategy }).stopTrainingJob('demo-1')
    assert.equal(seen.length, 3)
    assert.deepEqual(retries.errorTypes, ['THROTTLING', 'THROTTLING'])
  })

  it('marks throttling that outlasts the retries as retryable', async () => {
    serve([400, { __type: 'ThrottlingException', message: 'Rate exceeded' }], [400, { __type: 'ThrottlingException' }])
    const err = await rejection(client({ retryStrategy: immediateRetries(2).strategy }).stopTrainingJob('demo-1'))
    assert.equal(err.code, 'ThrottlingException')
    assert.equal(err.retryable, true)
  })

  it('surfaces a taken name as code ResourceInUse', async () => {
    serve([400, { __type: 'ResourceInUse', Message: 'Training job names must be unique within an AWS account and region' }])
    const err = await rejection(client().createTrainingJob(demoRequest))
    assert.equal(err.code, 'ResourceInUse')
    assert.ok(isResourceInUse(err))
  })

  it("gives the SDK a logger without info and error, which the SDK asks for only when present (no copy of each response to redact)", () => {
    const logger = clientConfig({}).logger as unknown as Record<string, unknown>
    assert.equal(logger.info, undefined)
    assert.equal(logger.error, undefined)
    // What esbuild bundles (the SDK's ES modules): a call to info or error without `?.(` would throw on this logger.
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.js') && dir.includes('dist-es') ? [join(dir, e.name)] : []))
    const unguarded = ['@aws-sdk', '@smithy'].flatMap((scope) =>
      files(join(import.meta.dirname, '..', 'node_modules', scope)).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/logger\??\.(info|error)(\?\.)?\(/g)].filter((m) => !m[2]).map((m) => `${file}: ${m[0]}`)),
    )
    assert.deepEqual(unguarded, [])
  })

  it('uses the SDK adaptive retry mode unless a strategy is injected', () => {
    const config = clientConfig({ maxAttempts: 5 })
    assert.equal(config.retryMode, 'adaptive')
    assert.equal(config.maxAttempts, 5)
    assert.equal(config.retryStrategy, undefined)
  })

  it('makes 10 attempts unless told otherwise: 3 give up on 3% of calls when a third are throttled', () => {
    assert.equal(clientConfig({}).maxAttempts, 10)
    process.env.AWS_MAX_ATTEMPTS = '4'
    try {
      // Left to the SDK, which reads AWS_MAX_ATTEMPTS itself.
      assert.equal(clientConfig({}).maxAttempts, undefined)
      assert.equal(clientConfig({ maxAttempts: 2 }).maxAttempts, 2)
    } finally {
      delete process.env.AWS_MAX_ATTEMPTS
    }
  })

  it('honours AWS_ENDPOINT_URL_SAGEMAKER, and an explicit endpoint over it', async () => {
    process.env.AWS_ENDPOINT_URL_SAGEMAKER = 'http://sagemaker.env.test:4566'
    const fromEnv = nock('http://sagemaker.env.test:4566').post('/').reply(200, '{}', AWS_JSON_HEADERS)
    await client().stopTrainingJob('demo-1')
    assert.ok(fromEnv.isDone())
    const explicit = nock('http://sagemaker.option.test:8080').post('/').reply(200, '{}', AWS_JSON_HEADERS)
    await client({ endpoint: 'http://sagemaker.option.test:8080' }).stopTrainingJob('demo-1')
    assert.ok(explicit.isDone())
  })

  it('passes the profile through to the credential chain', async () => {
    delete process.env.AWS_ACCESS_KEY_ID
    delete process.env.AWS_SECRET_ACCESS_KEY
    // A path no earlier test used: the SDK caches shared config files by path for the life of the process.
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(home, 'profile-credentials')
    await writeFile(process.env.AWS_SHARED_CREDENTIALS_FILE, '[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = secret-dev\n')
    let authorization = ''
    nock(ENDPOINT)
      .post('/')
      .reply(function () {
        authorization = this.req.headers.authorization ?? ''
        return [200, '{}', AWS_JSON_HEADERS]
      })
    await client({ profile: 'dev' }).stopTrainingJob('demo-1')
    assert.match(authorization, /Credential=AKIDDEV\/\d{8}\/us-east-1\/sagemaker\/aws4_request/)
  })

  it('fails with ConfigError, before any request, when no region is configured', async () => {
    const err = await rejection(client({ region: undefined }).describeTrainingJob('demo-1'))
    assert.equal(err.code, 'ConfigError')
    assert.equal(err.message, NO_REGION_MESSAGE)
  })

  it('fails with CredentialsError when no credentials can be found', async () => {
    delete process.env.AWS_ACCESS_KEY_ID
    delete process.env.AWS_SECRET_ACCESS_KEY
    const err = await rejection(client().describeTrainingJob('demo-1'))
    assert.equal(err.code, 'CredentialsError')
    assert.match(err.message, /^No AWS credentials: .*\.$/)
  })
})

describe('FakeSageMaker', () => {
  it('keeps names unique, reports missing jobs as not found, and stops and deletes jobs', async () => {
    const sm = new FakeSageMaker()
    const { arn } = await sm.createTrainingJob({ ...demoRequest, Tags: [{ Key: 'team', Value: 'ml' }] })
    assert.equal(arn, `${FAKE_ARN_PREFIX}:training-job/demo-1`)
    assert.ok(isResourceInUse(await rejection(sm.createTrainingJob({ ...demoRequest, TrainingJobName: 'DEMO-1' }))))
    assert.deepEqual(await sm.describeTrainingJob('other'), { found: false })

    await sm.stopTrainingJob('demo-1')
    const statuses = []
    for (let i = 0; i < 2; i++) {
      const d = await sm.describeTrainingJob('demo-1')
      statuses.push(d.found ? d.job.TrainingJobStatus : 'missing')
    }
    assert.deepEqual(statuses, ['Stopping', 'Stopped'])

    assert.deepEqual(await sm.listTags(arn), { team: 'ml' })
    await sm.deleteTrainingJob('demo-1')
    assert.deepEqual(await sm.describeTrainingJob('demo-1'), { found: false })
    assert.ok(isResourceNotFound(await rejection(sm.stopTrainingJob('demo-1'))))
    assert.deepEqual(
      sm.calls.map((c) => c.op),
      [
        'createTrainingJob',
        'createTrainingJob',
        'describeTrainingJob',
        'stopTrainingJob',
        'describeTrainingJob',
        'describeTrainingJob',
        'listTags',
        'deleteTrainingJob',
        'describeTrainingJob',
        'stopTrainingJob',
      ],
    )
  })

  it('updates only a running training job, amending ResourceConfig', async () => {
    const sm = new FakeSageMaker()
    await sm.createTrainingJob(demoRequest)
    await sm.updateTrainingJob('demo-1', { ResourceConfig: { KeepAlivePeriodInSeconds: 300 } })
    const d = await sm.describeTrainingJob('demo-1')
    assert.ok(d.found)
    assert.deepEqual(d.job.ResourceConfig, { ...demoRequest.ResourceConfig, KeepAlivePeriodInSeconds: 300 })
    assert.ok(isResourceNotFound(await rejection(sm.updateTrainingJob('nope', {}))))
    sm.seedTrainingJob('done-1', { status: 'Completed' })
    assert.ok(isSageMakerError(await rejection(sm.updateTrainingJob('done-1', { RemoteDebugConfig: { EnableRemoteDebug: true } })), 'ValidationException'))
    assert.deepEqual(sm.calls.at(-1), { op: 'updateTrainingJob', input: ['done-1', { RemoteDebugConfig: { EnableRemoteDebug: true } }] })
  })

  it('seeds jobs, refuses to delete a running one, stores tags per ARN and searches by tag', async () => {
    const sm = new FakeSageMaker()
    const done = sm.seedTrainingJob('done-1', { status: 'Completed', tags: { 'sageform:lineage': 'L1' } })
    sm.seedTrainingJob('other-1', { tags: { 'sageform:lineage': 'L2' } })
    const child = {
      TrainingJobName: 'HPO-1-001',
      TrainingJobArn: `${FAKE_ARN_PREFIX}:training-job/HPO-1-001`,
      TrainingJobStatus: 'Completed' as const,
      CreationTime: new Date(0),
      TunedHyperParameters: { eta: '0.1' },
    }
    const hpo = sm.seedTuningJob('HPO-1', { tags: { 'sageform:lineage': 'L1' }, trainingJobs: [child] })
    assert.ok(isResourceInUse(await rejection(sm.deleteTrainingJob('other-1'))))
    assert.ok(isSageMakerError(await rejection(sm.stopTrainingJob('done-1')), 'ValidationException'))

    await sm.addTags(done, { owner: 'me' })
    await sm.deleteTags(done, ['sageform:lineage'])
    assert.deepEqual(await sm.listTags(done), { owner: 'me' })
    // Tag calls need the ARN exactly as Create/Describe returned it.
    assert.ok(isSageMakerError(await rejection(sm.listTags(hpo.toLowerCase())), 'ValidationException'))

    const found = await sm.searchByTag('HyperParameterTuningJob', 'sageform:lineage', 'L1')
    assert.deepEqual(
      found.map((r) => r.HyperParameterTuningJob?.HyperParameterTuningJobArn),
      [hpo],
    )
    assert.deepEqual(await sm.searchByTag('TrainingJob', 'sageform:lineage', 'L1'), [])
    assert.deepEqual(await sm.listTrainingJobsForTuningJob('hpo-1'), [child])

    sm.failNext('createTuningJob', new SageMakerError('ResourceLimitExceeded', 'quota'))
    const failed = await rejection(
      sm.createTuningJob({
        HyperParameterTuningJobName: 'hpo-2',
        HyperParameterTuningJobConfig: { Strategy: 'Random', ResourceLimits: { MaxParallelTrainingJobs: 1 } },
      }),
    )
    assert.equal(failed.code, 'ResourceLimitExceeded')
    assert.deepEqual(await sm.describeTuningJob('hpo-2'), { found: false })
  })
})

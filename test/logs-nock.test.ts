// The CloudWatch Logs client over HTTP: the real SDK client against nock playing logs.us-east-1.amazonaws.com, so these
// tests pin the requests (X-Amz-Target and JSON body) that reading a job's logs sends, the nextToken and
// nextForwardToken it follows, and how the service's errors come back.
import assert from 'node:assert/strict'
import { FakeSageMaker } from './helpers/fake-sagemaker.js'
import { TRAINING_JOB_LOG_GROUP as GROUP } from '../src/sagemaker/logs.js'
import { AwsJsonDouble, dummyAwsEnv, isolateAwsEnvPerTest, nockOnly } from './helpers/aws.js'

const ENDPOINT = 'https://logs.us-east-1.amazonaws.com'
const STREAM = 'churn-1/algo-1-1795000000'

/** CloudWatch Logs over nock: each `on` queues one reply for `Logs_20140328.<op>` and records the body it got. */
const logsDouble = () => new AwsJsonDouble(ENDPOINT, 'Logs_20140328')

// Loaded with import(), as the CLI loads them, so the client and the SDK are one copy (see commands-nock.test.ts).
const load = async () => ({ ...(await import('../src/sagemaker/logs-client.js')), ...(await import('../src/services/logs.js')) })

describe('CloudWatch Logs client over HTTP (real SDK client, nock)', function () {
  this.timeout(30_000)
  isolateAwsEnvPerTest(() => ({ ...dummyAwsEnv(), AWS_REGION: 'us-east-1' }))
  nockOnly()

  it('lists the streams with the job prefix and reads each from its head, following nextToken and nextForwardToken', async () => {
    const { createLogsClient, followLogs } = await load()
    const logs = logsDouble()
      .on('DescribeLogStreams', [200, { logStreams: [{ logStreamName: STREAM, creationTime: 1795000000000 }], nextToken: 'page-2' }])
      .on('DescribeLogStreams', [200, { logStreams: [] }])
      .on('GetLogEvents', [200, { events: [{ timestamp: 1795000000001, message: 'one', ingestionTime: 1795000000002 }, { timestamp: 1795000000003, message: 'two' }], nextForwardToken: 'f/0002', nextBackwardToken: 'b/0000' }])
      .on('GetLogEvents', [200, { events: [{ timestamp: 1795000000004, message: 'three' }], nextForwardToken: 'f/0003', nextBackwardToken: 'b/0002' }])
      .on('GetLogEvents', [200, { events: [], nextForwardToken: 'f/0003', nextBackwardToken: 'b/0003' }])
    const api = new FakeSageMaker()
    api.seedTrainingJob('churn-1', { status: 'Completed', job: { ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 }, TrainingStartTime: new Date() } })
    const lines: string[] = []
    const result = await followLogs({ api, logs: createLogsClient({}), jobName: 'churn-1', follow: false, onLine: (l) => lines.push(l.text) })
    logs.scope.done()

    assert.deepEqual(lines, ['one', 'two', 'three'])
    assert.equal(result.lines, 3)
    assert.deepEqual(
      logs.calls.map((c) => [c.op, c.body]),
      [
        ['DescribeLogStreams', { logGroupName: GROUP, logStreamNamePrefix: 'churn-1/' }],
        ['DescribeLogStreams', { logGroupName: GROUP, logStreamNamePrefix: 'churn-1/', nextToken: 'page-2' }],
        ['GetLogEvents', { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true }],
        ['GetLogEvents', { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true, nextToken: 'f/0002' }],
        ['GetLogEvents', { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true, nextToken: 'f/0003' }],
      ],
    )
  })

  it('reports a missing log group as ResourceNotFound, and followLogs as a missing group rather than a failure', async () => {
    const { createLogsClient, followLogs } = await load()
    const notFound = { __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' }
    const logs = logsDouble().on('DescribeLogStreams', [400, notFound]).on('DescribeLogStreams', [400, notFound])
    const client = createLogsClient({})
    await assert.rejects(client.describeLogStreams(GROUP, 'x/'), (e: Error & { code?: string }) => {
      assert.equal(e.name, 'SageMakerError')
      assert.equal(e.code, 'ResourceNotFound')
      assert.equal(e.message, 'The specified log group does not exist.')
      return true
    })
    const api = new FakeSageMaker()
    api.seedTrainingJob('churn-1', { status: 'Completed', job: { TrainingStartTime: new Date() } })
    const result = await followLogs({ api, logs: client, jobName: 'churn-1', onLine: () => {} })
    assert.deepEqual({ missingGroup: result.missingGroup, lines: result.lines, status: result.status }, { missingGroup: true, lines: 0, status: 'Completed' })
    logs.scope.done()
  })

  it('says in one sentence that credentials or the region are missing, sending nothing', async () => {
    const { createLogsClient } = await load()
    delete process.env.AWS_ACCESS_KEY_ID
    delete process.env.AWS_SECRET_ACCESS_KEY
    await assert.rejects(createLogsClient({}).describeLogStreams(GROUP, 'x/'), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CredentialsError')
      assert.match(e.message, /^No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile/)
      return true
    })
    delete process.env.AWS_REGION
    await assert.rejects(createLogsClient({}).getLogEvents(GROUP, STREAM), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'ConfigError')
      assert.equal(e.message, 'No AWS region: set AWS_REGION, the provider "sagemaker" block\'s region, or --region.')
      return true
    })
  })
})

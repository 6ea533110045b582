// The local endpoint's CloudWatch Logs API, through the real AWS SDK client: streams per instance, lines that the
// jobs' MetricDefinitions read, time-based visibility, GetLogEvents and FilterLogEvents paging, and the service's errors.
import assert from 'node:assert/strict'
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  paginateDescribeLogStreams,
  paginateFilterLogEvents,
  paginateGetLogEvents,
  type FilteredLogEvent,
  type OutputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs'
import {
  CreateHyperParameterTuningJobCommand,
  CreateTrainingJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
  StopTrainingJobCommand,
  type CreateTrainingJobCommandInput,
  type DescribeTrainingJobCommandOutput,
} from '@aws-sdk/client-sagemaker'
import { sampleFor } from '../src/endpoint/metric-lines.js'
import { isolateAwsEnv } from './helpers/aws.js'
import { endpointsOfSuite, rejects, trainingJob as endpointTrainingJob, waitFor } from './helpers/endpoint.js'

const GROUP = '/aws/sagemaker/TrainingJobs'
const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }
/** The regex SageMaker's built-in XGBoost uses for validation:auc. */
const XGBOOST_VALIDATION_AUC = '.*\\[[0-9]+\\].*#011validation-auc:([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

/** The shared training job, with a second metric (train:loss) in its lines, and 5 epochs. */
function trainingJob(name: string, extra: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput {
  const job = endpointTrainingJob(name, { HyperParameters: { epochs: '5' } })
  job.AlgorithmSpecification!.MetricDefinitions!.push({ Name: 'train:loss', Regex: 'loss: ([0-9\\.]+)' })
  return { ...job, ...extra }
}

const ms = (date: Date | undefined) => (date as Date).getTime()

/** 5 simulated seconds per request: a job's log grows over many reads, and a stop lands between two epochs. */
const SLOW_CLOCK = { manualClock: { secondsPerRequest: 5 } }

describe('local endpoint: CloudWatch Logs API', function () {
  // The clock moves a set amount per request, never on its own: what a read sees depends on the reads before it only.
  const open = endpointsOfSuite({ manualClock: { secondsPerRequest: 20 } })

  const describeJob = (sm: SageMakerClient, name: string) => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))
  const finished = (sm: SageMakerClient, name: string) => waitFor(() => describeJob(sm, name), (j) => ['Completed', 'Failed', 'Stopped'].includes(j.TrainingJobStatus ?? ''))
  const streamNames = async (logs: CloudWatchLogsClient, job: string) =>
    ((await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, logStreamNamePrefix: `${job}/` }))).logStreams ?? []).map((s) => s.logStreamName as string)
  const allEvents = async (logs: CloudWatchLogsClient, stream: string) =>
    (await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true }))).events ?? []

  /** Every value `regex` reads from the events, as SageMaker reads metrics: the first group of each line's first match. */
  function readMetric(events: OutputLogEvent[], regex: string): number[] {
    const re = new RegExp(regex)
    return events.flatMap((e) => {
      const m = re.exec(e.message ?? '')
      return m ? [Number(m[1])] : []
    })
  }

  function withinRun(events: OutputLogEvent[], job: DescribeTrainingJobCommandOutput): void {
    for (const e of events) {
      assert.ok((e.timestamp as number) >= ms(job.TrainingStartTime), `${e.message} before TrainingStartTime`)
      assert.ok((e.timestamp as number) <= ms(job.TrainingEndTime), `${e.message} after TrainingEndTime`)
    }
    const times = events.map((e) => e.timestamp as number)
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'timestamps in order')
  }

  it('answers ResourceNotFoundException for a missing log group or stream, as the service does', async () => {
    const { sm, logs } = await open()
    await rejects(logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP })), 'ResourceNotFoundException', 'The specified log group does not exist.')
    await rejects(logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'x/algo-1-1' })), 'ResourceNotFoundException', 'The specified log group does not exist.')
    await sm.send(new CreateTrainingJobCommand(trainingJob('nf-1')))
    await finished(sm, 'nf-1')
    await rejects(logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'nf-1/algo-9-1' })), 'ResourceNotFoundException', 'The specified log stream does not exist.')
    await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/sagemaker/Endpoints/x' })), 'ResourceNotFoundException', 'The specified log group does not exist.')
    await rejects(
      logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, logStreamNamePrefix: 'nf-1/', orderBy: 'LastEventTime' })),
      'InvalidParameterException',
      'Cannot order by LastEventTime with a logStreamNamePrefix.',
    )
    await rejects(logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: (await streamNames(logs, 'nf-1'))[0], nextToken: 'bogus' })), 'InvalidParameterException')
  })

  it('keeps one stream per instance, named <job>/algo-<n>-<epoch of TrainingStartTime>, paged by DescribeLogStreams', async () => {
    const { sm, logs } = await open()
    await sm.send(new CreateTrainingJobCommand(trainingJob('two-hosts', { ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 10 } })))
    const job = await finished(sm, 'two-hosts')
    const epoch = Math.floor(ms(job.TrainingStartTime) / 1000)
    const pages: string[][] = []
    for await (const page of paginateDescribeLogStreams({ client: logs, pageSize: 1 }, { logGroupName: GROUP, logStreamNamePrefix: 'two-hosts/' })) {
      pages.push((page.logStreams ?? []).map((s) => s.logStreamName as string))
    }
    assert.deepEqual(pages, [[`two-hosts/algo-1-${epoch}`], [`two-hosts/algo-2-${epoch}`]])
    const [first] = (await logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}:*`, logStreamNamePrefix: 'two-hosts/algo-1' }))).logStreams ?? []
    assert.ok(first)
    assert.equal(first.creationTime, ms(job.TrainingStartTime))
    assert.ok((first.lastEventTimestamp as number) <= ms(job.TrainingEndTime))
    assert.equal(first.arn, `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}:log-stream:two-hosts/algo-1-${epoch}`)
    for (const stream of pages.flat()) {
      const events = await allEvents(logs, stream)
      withinRun(events, job)
      assert.match(events[0]?.message ?? '', new RegExp(`^INFO - Starting training job two-hosts on ${stream.includes('algo-1') ? 'algo-1' : 'algo-2'} \\(ml.m5.large, host \\d of 2\\)$`))
    }
  })

  it('prints one line per epoch that the MetricDefinitions read, ending at FinalMetricDataList', async () => {
    const { sm, logs } = await open()
    await sm.send(new CreateTrainingJobCommand(trainingJob('metrics-1')))
    const job = await finished(sm, 'metrics-1')
    const [stream] = await streamNames(logs, 'metrics-1')
    const events = await allEvents(logs, stream as string)
    withinRun(events, job)
    for (const definition of job.AlgorithmSpecification?.MetricDefinitions ?? []) {
      const values = readMetric(events, definition.Regex as string)
      assert.equal(values.length, 5, `one ${definition.Name} value per epoch`)
      assert.equal(values.at(-1), job.FinalMetricDataList?.find((m) => m.MetricName === definition.Name)?.Value)
    }
    assert.equal(events.at(-1)?.message, 'INFO - Reporting training SUCCESS')
    assert.ok(events.some((e) => e.message === 'INFO - Channel train: s3://bucket/train (File mode)'))
  })

  it("prints XGBoost's rounds for a tuning job's children, read by the built-in validation:auc regex", async () => {
    const { sm, logs } = await open()
    const { TrainingJobName: _name, HyperParameters: _hp, AlgorithmSpecification: _algo, ...definition } = trainingJob('unused', {
      InputDataConfig: ['train', 'validation'].map((ChannelName) => ({ ChannelName, DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://bucket/${ChannelName}` } } })),
    })
    await sm.send(
      new CreateHyperParameterTuningJobCommand({
        HyperParameterTuningJobName: 'xgb-hpo',
        HyperParameterTuningJobConfig: {
          Strategy: 'Random',
          HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
          ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 2 },
          ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.01', MaxValue: '0.5' }] },
        },
        TrainingJobDefinition: {
          ...definition,
          AlgorithmSpecification: { TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', TrainingInputMode: 'File' },
          StaticHyperParameters: { num_round: '4', eval_metric: 'auc' },
          StoppingCondition: { MaxRuntimeInSeconds: 3600 },
        } as never,
      }),
    )
    const tuning = await waitFor(
      () => sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'xgb-hpo' })),
      (t) => t.HyperParameterTuningJobStatus === 'Completed',
    )
    const best = tuning.BestTrainingJob
    const [stream] = await streamNames(logs, best?.TrainingJobName as string)
    const events = await allEvents(logs, stream as string)
    const rounds = events.filter((e) => e.message?.startsWith('['))
    assert.equal(rounds.length, 4)
    assert.match(rounds[0]?.message ?? '', /^\[0\]#011train-auc:[0-9.]+#011validation-auc:[0-9.]+$/)
    const values = readMetric(events, XGBOOST_VALIDATION_AUC)
    assert.equal(values.length, 4)
    assert.equal(values.at(-1), best?.FinalHyperParameterTuningJobObjectiveMetric?.Value)
  })

  it('shows lines as simulated time passes; the forward token brings only the new ones, then comes back unchanged', async () => {
    const { sm, logs } = await open(SLOW_CLOCK)
    await sm.send(new CreateTrainingJobCommand(trainingJob('live-1', { HyperParameters: { epochs: '20' } })))
    await waitFor(() => describeJob(sm, 'live-1'), (j) => j.TrainingStartTime !== undefined)
    const [stream] = await waitFor(() => streamNames(logs, 'live-1'), (names) => names.length === 1)
    const seen: OutputLogEvent[] = []
    let token: string | undefined
    let nonEmptyReads = 0
    for (;;) {
      const job = await describeJob(sm, 'live-1')
      const page = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true, nextToken: token }))
      if ((page.events ?? []).length > 0) nonEmptyReads++
      else assert.equal(page.nextForwardToken, token ?? page.nextForwardToken, 'an empty read gives back the token')
      seen.push(...(page.events ?? []))
      token = page.nextForwardToken
      if (job.TrainingJobStatus === 'Completed' && (page.events ?? []).length === 0) break
    }
    assert.ok(nonEmptyReads >= 3, `lines arrived over ${nonEmptyReads} reads`)
    assert.deepEqual(seen, await allEvents(logs, stream as string))
  })

  it('pages GetLogEvents forward to the end and backward from the tail', async () => {
    const { sm, logs } = await open()
    await sm.send(new CreateTrainingJobCommand(trainingJob('pages-1')))
    await finished(sm, 'pages-1')
    const [stream] = await streamNames(logs, 'pages-1')
    const all = await allEvents(logs, stream as string)
    const forward: OutputLogEvent[] = []
    const tokens: string[] = []
    for await (const page of paginateGetLogEvents({ client: logs, pageSize: 4, stopOnSameToken: true }, { logGroupName: GROUP, logStreamName: stream, startFromHead: true })) {
      forward.push(...(page.events ?? []))
      tokens.push(page.nextForwardToken as string)
    }
    assert.deepEqual(forward, all)
    // Without stopOnSameToken the SDK's paginator would ask forever: the service ends a stream by giving the token back.
    assert.equal(tokens.length, Math.ceil(all.length / 4) + 1, 'the paginator stops when the token comes back unchanged')
    assert.match(tokens[0] as string, /^f\/\d{56}$/)

    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, limit: 3 }))
    assert.deepEqual(tail.events, all.slice(-3))
    const before = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, limit: 3, nextToken: tail.nextBackwardToken }))
    assert.deepEqual(before.events, all.slice(-6, -3))
    const windowed = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true, startTime: all[2]?.timestamp, endTime: all.at(-1)?.timestamp }))
    assert.deepEqual(windowed.events, all.filter((e) => (e.timestamp as number) >= (all[2]?.timestamp as number) && (e.timestamp as number) < (all.at(-1)?.timestamp as number)))
  })

  it('interleaves streams by time in FilterLogEvents, pages with nextToken and applies term patterns', async () => {
    const { sm, logs } = await open()
    await sm.send(new CreateTrainingJobCommand(trainingJob('filter-1', { ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 10 } })))
    await sm.send(new CreateTrainingJobCommand(trainingJob('other-1')))
    await finished(sm, 'filter-1')
    await finished(sm, 'other-1')
    const streams = await streamNames(logs, 'filter-1')
    const total = (await allEvents(logs, streams[0] as string)).length + (await allEvents(logs, streams[1] as string)).length
    const events: FilteredLogEvent[] = []
    let pages = 0
    for await (const page of paginateFilterLogEvents({ client: logs, pageSize: 7 }, { logGroupName: GROUP, logStreamNamePrefix: 'filter-1/' })) {
      events.push(...(page.events ?? []))
      pages++
    }
    assert.equal(events.length, total)
    assert.equal(pages, Math.ceil(total / 7))
    const times = events.map((e) => e.timestamp as number)
    assert.deepEqual(times, [...times].sort((a, b) => a - b))
    assert.equal(new Set(events.map((e) => e.eventId)).size, total)
    assert.deepEqual(new Set(events.map((e) => e.logStreamName)), new Set(streams))

    const done = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '"Reporting training" SUCCESS' }))
    assert.deepEqual((done.events ?? []).map((e) => e.logStreamName?.split('/')[0]).sort(), ['filter-1', 'filter-1', 'other-1'])
    const named = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: [streams[1] as string], filterPattern: '?SUCCESS ?Hosts' }))
    assert.deepEqual((named.events ?? []).map((e) => e.message?.split(' ')[2]), ['Hosts:', 'Reporting'])
    const latest = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNamePrefix: 'filter-1/', startFromHead: false, limit: 2 }))
    assert.deepEqual(latest.events?.map((e) => e.eventId), events.slice(-2).reverse().map((e) => e.eventId))
    await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: ['a'], logStreamNamePrefix: 'a' })), 'InvalidParameterException')
  })

  it("ends a failed job's log with the algorithm error and a stopped job's with the stop, never rewriting what was shown", async () => {
    const { sm, logs } = await open(SLOW_CLOCK)
    await sm.send(new CreateTrainingJobCommand(trainingJob('fail-1', { Environment: { SAGEFORM_SIMULATE_FAILURE: 'CUDA out of memory' } })))
    await sm.send(new CreateTrainingJobCommand(trainingJob('stop-1', { HyperParameters: { epochs: '50' } })))
    const running = await waitFor(() => describeJob(sm, 'stop-1'), (j) => j.SecondaryStatus === 'Training')
    assert.equal(running.TrainingJobStatus, 'InProgress')
    const [stream] = await streamNames(logs, 'stop-1')
    await waitFor(() => allEvents(logs, stream as string), (events) => events.some((e) => e.message?.startsWith('Epoch 2:')))
    const shown = await allEvents(logs, stream as string)
    await sm.send(new StopTrainingJobCommand({ TrainingJobName: 'stop-1' }))
    const stopped = await finished(sm, 'stop-1')
    const after = await allEvents(logs, stream as string)
    assert.deepEqual(after.slice(0, shown.length), shown)
    assert.match(after.at(-1)?.message ?? '', /^WARNING - Received SIGTERM: the training job was stopped after \d+ of 50 epochs$/)
    assert.ok(!after.some((e) => e.message?.startsWith('Epoch 50:')))
    withinRun(after, stopped)

    const failed = await finished(sm, 'fail-1')
    assert.equal(failed.TrainingJobStatus, 'Failed')
    const failedEvents = await allEvents(logs, (await streamNames(logs, 'fail-1'))[0] as string)
    assert.deepEqual(failedEvents.slice(-2).map((e) => e.message?.replace(/after \d+/, 'after N')), ['ERROR - CUDA out of memory', 'ERROR - Reporting training FAILURE after N of 5 epochs'])
    withinRun(failedEvents, failed)
  })

  it('gives the same job the same lines on every run', async () => {
    const messages = async () => {
      const { sm, logs } = await open()
      await sm.send(new CreateTrainingJobCommand(trainingJob('same-1', { HyperParameters: { epochs: '3', eta: '0.2' } })))
      await finished(sm, 'same-1')
      return (await allEvents(logs, (await streamNames(logs, 'same-1'))[0] as string)).map((e) => e.message)
    }
    const first = await messages()
    assert.ok(first.length > 5)
    assert.deepEqual(await messages(), first)
  })

  it('is reached through AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, which the SDK honours itself', async () => {
    const { endpoint } = await open()
    const restoreEnv = isolateAwsEnv({ AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint.url })
    const client = new CloudWatchLogsClient({ region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 })
    try {
      await rejects(client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP })), 'ResourceNotFoundException')
      assert.equal(endpoint.callCounts().DescribeLogStreams, 1)
    } finally {
      client.destroy()
      restoreEnv()
    }
  })

  it('speaks JSON 1.1 with the Logs_20140328 target and a lower-case message in errors', async () => {
    const { endpoint } = await open()
    const post = async (target: string, body: object) => {
      const res = await fetch(endpoint.url, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target }, body: JSON.stringify(body) })
      return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as Record<string, unknown> }
    }
    assert.deepEqual(await post('Logs_20140328.GetLogEvents', { logGroupName: GROUP, logStreamName: 's' }), {
      status: 400,
      type: 'application/x-amz-json-1.1',
      json: { __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' },
    })
    assert.equal((await post('Logs_20140328.PutLogEvents', {})).json.__type, 'UnknownOperationException')
    assert.equal((await post('Logs_20140328.DescribeLogStreams', { logGroupName: GROUP, limit: 51 })).json.__type, 'InvalidParameterException')
    assert.equal(endpoint.callCounts().GetLogEvents, 1)
  })
})

describe('sample log text for a MetricDefinitions regex', () => {
  const cases: Array<[regex: string, sample: string]> = [
    ['acc=([0-9.]+)', 'acc=0.912345'],
    ['validation:accuracy=([0-9\\.]+)', 'validation:accuracy=0.912345'],
    ['^.*Test Accuracy: (\\d+\\.\\d+)', 'Test Accuracy: 0.912345'],
    ['loss: ([0-9\\.e-]+);', 'loss: 0.912345;'],
    [XGBOOST_VALIDATION_AUC, '[0]#011validation-auc:0.912345'],
    ['Epoch \\d+ .*val_f1=(?P<f1>[-+]?\\d*\\.\\d+)', 'Epoch 0 val_f1=0.912345'],
    ['(?:valid|val)_loss[:=]\\s*([0-9.]+)\\b', 'valid_loss:0.912345'],
    ['\\[[^\\]]*\\] mAP ([^ ]+)', '[] mAP 0.912345'],
  ]
  for (const [regex, sample] of cases) {
    it(`reads /${regex}/`, () => {
      assert.equal(sampleFor(regex, '0.912345'), sample)
      assert.equal(new RegExp(regex.replace('(?P<', '(?<')).exec(sample)?.[1], '0.912345')
    })
  }
  it('gives up on what it cannot sketch, and on invalid regexes', () => {
    assert.equal(sampleFor('(a)\\1 ([0-9.]+)', '0.5'), undefined)
    assert.equal(sampleFor('acc=([a-z]+)', '0.5'), undefined)
    assert.equal(sampleFor('acc=([0-9.]+', '0.5'), undefined)
  })
})

// `sageform logs`: followLogs() over fakes and over the local endpoint in-process (real SDK clients), the logs service
// resolving addresses and tuning jobs, the endpoint choice for CloudWatch Logs, and the built CLI spawned against the
// endpoint.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateHyperParameterTuningJobCommand, CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient, type CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import { FakeLogs } from './helpers/fake-logs.js'
import { TRAINING_JOB_LOG_GROUP as GROUP } from '../src/sagemaker/logs.js'
import { SageMakerError, type DescribeTrainingJobResponse, type SageMakerApi } from '../src/sagemaker/types.js'
import { logsEndpoint } from '../src/services/setup/connection.js'
import { followLogs, hostOf, type LogLine, type LogsClients } from '../src/services/logs.js'
import type { State } from '../src/model/state.js'
import { isolateAwsEnv } from './helpers/aws.js'
import { endpointEnv, runCli } from './helpers/cli.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole'
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' }

/** A SageMakerApi whose DescribeTrainingJob answers from a script, one answer per call (the last repeats). */
function scriptedApi(answers: Array<Partial<DescribeTrainingJobResponse> | undefined>, onDescribe?: (n: number) => void): SageMakerApi & { describes: number } {
  const api = {
    describes: 0,
    async describeTrainingJob(name: string) {
      onDescribe?.(api.describes + 1)
      const answer = answers[Math.min(api.describes++, answers.length - 1)]
      return answer ? { found: true as const, job: { TrainingJobName: name, ...answer } as DescribeTrainingJobResponse } : { found: false as const }
    },
  }
  return api as unknown as SageMakerApi & { describes: number }
}

function trainingJob(name: string, instances = 1, extra: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput {
  return {
    TrainingJobName: name,
    RoleArn: ROLE,
    AlgorithmSpecification: { TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', TrainingInputMode: 'File' },
    HyperParameters: { num_round: '12', eval_metric: 'auc' },
    InputDataConfig: ['train', 'validation'].map((ChannelName) => ({ ChannelName, DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://bucket/${ChannelName}` } } })),
    OutputDataConfig: { S3OutputPath: 's3://bucket/out/' },
    ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: instances, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    ...extra,
  }
}

/** A state directory whose resources point at the given jobs. */
function stateDir(resources: Record<string, { type: 'sagemaker_training_job' | 'sagemaker_hyperparameter_tuning_job'; name?: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sageform-logs-'))
  const now = new Date().toISOString()
  const state: State = {
    format_version: 1,
    lineage: '6f1c1f52-3b9e-4b8e-9d53-0f7e3a4c2b10',
    serial: 1,
    resources: Object.fromEntries(
      Object.entries(resources).map(([address, r]) => [
        address,
        { type: r.type, ...(r.name ? { current: { name: r.name, arn: `arn:aws:sagemaker:us-east-1:123456789012:x/${r.name}`, spec_hash: 'h', status: 'InProgress', created_at: now, updated_at: now } } : {}), history: [] },
      ]),
    ),
  }
  writeFileSync(join(dir, 'sageform.state.json'), JSON.stringify(state))
  return dir
}

describe('logs', function () {

  describe('which endpoint CloudWatch Logs is read from', () => {
    const local = 'http://127.0.0.1:4566'
    it('follows a SageMaker endpoint on this machine, from the provider block or AWS_ENDPOINT_URL_SAGEMAKER', () => {
      assert.equal(logsEndpoint(undefined, { AWS_ENDPOINT_URL_SAGEMAKER: local }), local)
      assert.equal(logsEndpoint(undefined, { AWS_ENDPOINT_URL_SAGEMAKER: 'http://localhost:9000/' }), 'http://localhost:9000/')
      assert.equal(logsEndpoint('http://[::1]:4566', {}), 'http://[::1]:4566')
      assert.equal(logsEndpoint(local, { AWS_ENDPOINT_URL_SAGEMAKER: 'https://vpce-1.api.sagemaker.us-east-1.vpce.amazonaws.com' }), local)
    })
    it('leaves the choice to the SDK otherwise', () => {
      assert.equal(logsEndpoint(undefined, {}), undefined)
      assert.equal(logsEndpoint(undefined, { AWS_ENDPOINT_URL_SAGEMAKER: 'https://vpce-1.api.sagemaker.us-east-1.vpce.amazonaws.com' }), undefined)
      assert.equal(logsEndpoint('https://sagemaker.internal.example.com', { AWS_ENDPOINT_URL_SAGEMAKER: local }), undefined)
      assert.equal(logsEndpoint(undefined, { AWS_ENDPOINT_URL_SAGEMAKER: local, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:9999' }), undefined)
      assert.equal(logsEndpoint(undefined, { AWS_ENDPOINT_URL_SAGEMAKER: local, AWS_ENDPOINT_URL: 'http://127.0.0.1:9999' }), undefined)
      assert.equal(logsEndpoint(undefined, { AWS_ENDPOINT_URL_SAGEMAKER: local, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }), undefined)
      assert.equal(logsEndpoint(undefined, { AWS_ENDPOINT_URL_SAGEMAKER: 'not a url' }), undefined)
    })
  })

  it('names the host of a stream', () => {
    assert.equal(hostOf('job-1', 'job-1/algo-2-1700000000'), 'algo-2')
    assert.equal(hostOf('job-1', 'job-1/algo-10-1700000000'), 'algo-10')
  })

  describe('followLogs over fakes', () => {
    it('waits for the log group to appear, then reads every page, and ends once the job has ended', async () => {
      const logs = new FakeLogs(2)
      const started = new Date()
      const api = scriptedApi([{ TrainingJobStatus: 'InProgress', SecondaryStatus: 'Starting' }, { TrainingJobStatus: 'InProgress', TrainingStartTime: started }, { TrainingJobStatus: 'Completed', TrainingStartTime: started }], (n) => {
        // SageMaker creates the group and the stream when the instance starts.
        if (n === 2) logs.addEvents(GROUP, 'j/algo-1-1', ['a1', 'a2', 'a3'])
      })
      const lines: string[] = []
      const result = await followLogs({ api, logs, jobName: 'j', pollIntervalMs: 1, onLine: (line) => lines.push(line.text) })
      assert.deepEqual(lines, ['a1', 'a2', 'a3'])
      assert.equal(result.status, 'Completed')
      assert.equal(result.missingGroup, false)
      assert.equal(logs.calls.filter((c) => c.op === 'describeLogStreams').length, 3, 'listed at each poll until the stream was found, then once more at the end')
    })

    it('polls until the job ends and prints what arrived in between, then stops reading', async () => {
      const logs = new FakeLogs(2)
      logs.addEvents(GROUP, 'j/algo-1-1', ['one', 'two', 'three'])
      const answers: Array<Partial<DescribeTrainingJobResponse>> = [
        { TrainingJobStatus: 'InProgress', TrainingStartTime: new Date() },
        { TrainingJobStatus: 'InProgress', TrainingStartTime: new Date() },
        { TrainingJobStatus: 'Failed', TrainingStartTime: new Date(), FailureReason: 'AlgorithmError: boom' },
      ]
      const api = scriptedApi(answers)
      const lines: string[] = []
      const result = await followLogs({
        api,
        logs,
        jobName: 'j',
        pollIntervalMs: 1,
        onLine: (line) => {
          lines.push(line.text)
          if (line.text === 'three') logs.addEvents(GROUP, 'j/algo-1-1', ['four', 'ERROR - boom'], 1_700_000_009_000)
        },
      })
      assert.deepEqual(lines, ['one', 'two', 'three', 'four', 'ERROR - boom'])
      assert.deepEqual(result, { jobName: 'j', status: 'Failed', secondaryStatus: undefined, failureReason: 'AlgorithmError: boom', started: true, lines: 5, streams: 1, missingGroup: false, aborted: false })
      assert.equal(api.describes, 3)
      const reads = logs.calls.filter((c) => c.op === 'getLogEvents').map((c) => c.input[2])
      // From the head, then on from each forward token; an unchanged token ends a drain.
      assert.deepEqual(reads, [undefined, 'f/2', 'f/3', 'f/3', 'f/5', 'f/5'])
    })

    it('prefixes each line with its host when the job runs on several instances, interleaved by time', async () => {
      const logs = new FakeLogs(10)
      logs.addEvents(GROUP, 'j/algo-1-1', ['first', 'third'], 1000)
      logs.addEvents(GROUP, 'j/algo-2-1', ['second'], 1000)
      const got: LogLine[] = []
      await followLogs({ api: scriptedApi([{ TrainingJobStatus: 'Completed', ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 1 } }]), logs, jobName: 'j', onLine: (l) => got.push(l) })
      assert.deepEqual(got.map((l) => l.text), ['[algo-1] first', '[algo-2] second', '[algo-1] third'])
      assert.deepEqual(got.map((l) => l.host), ['algo-1', 'algo-2', 'algo-1'])
    })

    it('stops when the signal aborts, and passes on failures other than a missing group', async () => {
      const logs = new FakeLogs()
      const controller = new AbortController()
      const running = followLogs({ api: scriptedApi([{ TrainingJobStatus: 'InProgress', TrainingStartTime: new Date() }]), logs, jobName: 'j', pollIntervalMs: 60_000, onLine: () => {}, signal: controller.signal })
      setTimeout(() => controller.abort(), 20)
      assert.equal((await running).aborted, true)
      logs.failNext('describeLogStreams', new SageMakerError('AccessDeniedException', 'not allowed'))
      await assert.rejects(followLogs({ api: scriptedApi([{ TrainingJobStatus: 'Completed' }]), logs, jobName: 'j', onLine: () => {} }), /not allowed/)
    })
  })

  describe('against the local endpoint', () => {
    let endpoint: Endpoint
    let sm: SageMakerClient
    let clients: LogsClients
    let restoreEnv: () => void
    before(async () => {
      endpoint = await startEndpoint({ manualClock: { secondsPerRequest: 5 } })
      sm = new SageMakerClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: CREDENTIALS })
      // Loaded the way the CLI loads them, so the SDK's classes are the ones the clients check errors against.
      const { createSageMakerClient } = await import('../src/sagemaker/client.js')
      const { createLogsClient } = await import('../src/sagemaker/logs-client.js')
      const options = { endpoint: endpoint.url, region: 'us-east-1' }
      // sageform's clients take credentials from the SDK's chain only.
      restoreEnv = isolateAwsEnv({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' })
      clients = { api: createSageMakerClient(options), logs: createLogsClient(options) }
    })
    after(async () => {
      sm.destroy()
      await endpoint.close()
      restoreEnv()
    })

    it('follows a two-instance job from before it starts until it completes, host by host', async () => {
      await sm.send(new CreateTrainingJobCommand(trainingJob('follow-2', 2)))
      const arrivals: Array<{ at: number; line: LogLine }> = []
      const result = await followLogs({ ...clients, jobName: 'follow-2', pollIntervalMs: 40, onLine: (line) => arrivals.push({ at: Date.now(), line }) })
      assert.equal(result.status, 'Completed')
      assert.equal(result.streams, 2)
      const texts = arrivals.map((a) => a.line.text)
      assert.ok(texts.every((t) => /^\[algo-[12]\] /.test(t)), texts[0])
      assert.ok(new Set(arrivals.map((a) => a.at)).size >= 3, 'lines arrived over several polls')
      for (const host of ['algo-1', 'algo-2']) {
        const own = texts.filter((t) => t.startsWith(`[${host}] `))
        assert.match(own[0] as string, new RegExp(`Starting training job follow-2 on ${host}`))
        assert.equal(own.filter((t) => /\] \[\d+\]#011train-auc:/.test(t)).length, 12)
        assert.equal(own.at(-1), `[${host}] INFO - Reporting training SUCCESS`)
      }
      // Nothing lost or doubled: a read after the end gives the same lines.
      const after: string[] = []
      await followLogs({ ...clients, jobName: 'follow-2', follow: false, onLine: (l) => after.push(l.text) })
      assert.deepEqual([...texts].sort(), [...after].sort())
    })

    it('without follow, prints what exists now and returns while the job runs', async () => {
      await sm.send(new CreateTrainingJobCommand(trainingJob('peek-1', 1, { HyperParameters: { num_round: '200' } })))
      const lines: string[] = []
      let result = await followLogs({ ...clients, jobName: 'peek-1', follow: false, onLine: (l) => lines.push(l.text) })
      // Started is not yet written to: on a loaded machine the first read can come between the two, so read again.
      while (!result.started || lines.length === 0) result = await followLogs({ ...clients, jobName: 'peek-1', follow: false, onLine: (l) => lines.push(l.text) })
      assert.equal(result.status, 'InProgress')
      assert.ok(lines.length > 0 && !lines.includes('INFO - Reporting training SUCCESS'))
      assert.ok(lines.every((l) => !l.startsWith('[algo-')), 'one instance: no host prefix')
    })

    it('reads a resource of the state: a training job, a tuning job\'s best or named child, and says what is wrong', async () => {
      const { logs } = await import('../src/services/logs.js')
      await sm.send(new CreateTrainingJobCommand(trainingJob('svc-train')))
      await sm.send(
        new CreateHyperParameterTuningJobCommand({
          HyperParameterTuningJobName: 'svc-hpo',
          HyperParameterTuningJobConfig: {
            Strategy: 'Random',
            HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
            ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 1 },
            ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.01', MaxValue: '0.5' }] },
          },
          TrainingJobDefinition: { ...trainingJob('unused'), StaticHyperParameters: { num_round: '3' }, HyperParameters: undefined, TrainingJobName: undefined } as never,
        }),
      )
      const dir = stateDir({
        'sagemaker_training_job.train': { type: 'sagemaker_training_job', name: 'svc-train' },
        'sagemaker_hyperparameter_tuning_job.hpo': { type: 'sagemaker_hyperparameter_tuning_job', name: 'svc-hpo' },
        'sagemaker_training_job.gone': { type: 'sagemaker_training_job' },
      })
      const base = { dir, follow: false, variables: [], env: {} }
      const run = async (address: string, extra: { trainingJob?: string; follow?: boolean } = {}) => {
        const lines: string[] = []
        const result = await logs({ ...base, address, ...extra, pollIntervalMs: 30 }, (l) => lines.push(l.text), clients)
        return { result, lines }
      }

      const early = await run('sagemaker_hyperparameter_tuning_job.hpo')
      assert.equal(early.result.diagnostics[0]?.summary, 'No best training job yet')

      const train = await run('sagemaker_training_job.train', { follow: true })
      assert.equal(train.result.training_job, 'svc-train')
      assert.equal(train.result.status, 'Completed')
      assert.deepEqual(train.result.diagnostics, [])
      assert.equal(train.lines.at(-1), 'INFO - Reporting training SUCCESS')

      const { DescribeHyperParameterTuningJobCommand } = await import('@aws-sdk/client-sagemaker')
      let tuning
      do tuning = await sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'svc-hpo' }))
      while (tuning.HyperParameterTuningJobStatus !== 'Completed')
      const best = await run('sagemaker_hyperparameter_tuning_job.hpo')
      assert.equal(best.result.tuning_job, 'svc-hpo')
      assert.equal(best.result.training_job, tuning.BestTrainingJob?.TrainingJobName)
      assert.ok(best.lines.some((l) => l.includes(`Starting training job ${tuning.BestTrainingJob?.TrainingJobName} on algo-1`)))

      const children = ['svc-hpo-001', 'svc-hpo-002']
      const other = (await clients.api.listTrainingJobsForTuningJob('svc-hpo')).map((c) => c.TrainingJobName as string).find((n) => n !== best.result.training_job) as string
      assert.ok(children.some((prefix) => other.startsWith(prefix)))
      const named = await run('sagemaker_hyperparameter_tuning_job.hpo', { trainingJob: other })
      assert.equal(named.result.training_job, other)
      assert.ok(named.lines.some((l) => l.includes(`Starting training job ${other}`)))

      const typo = await run('sagemaker_hyperparameter_tuning_job.hpo', { trainingJob: `${other}x` })
      assert.equal(typo.result.diagnostics[0]?.summary, 'Not a training job of this tuning job')
      assert.equal(typo.result.diagnostics[0]?.hint, `Did you mean ${other}?`)
      assert.equal((await run('sagemaker_training_job.train', { trainingJob: 'x' })).result.diagnostics[0]?.summary, '--training-job applies to tuning jobs only')
      assert.equal((await run('sagemaker_training_job.trian')).result.diagnostics[0]?.hint, 'Did you mean sagemaker_training_job.train?')
      assert.equal((await run('sagemaker_training_job.gone')).result.diagnostics[0]?.summary, 'No current job')
    })

    it("warns that a job which has not started has no logs yet, and errors on a job SageMaker does not have", async () => {
      const { logs } = await import('../src/services/logs.js')
      const slow = await startEndpoint({ manualClock: {} })
      try {
        const { createSageMakerClient } = await import('../src/sagemaker/client.js')
        const { createLogsClient } = await import('../src/sagemaker/logs-client.js')
        const options = { endpoint: slow.url, region: 'us-east-1' }
        const slowClients = { api: createSageMakerClient(options), logs: createLogsClient(options) }
        const slowSm = new SageMakerClient({ ...options, credentials: CREDENTIALS })
        await slowSm.send(new CreateTrainingJobCommand(trainingJob('not-yet')))
        slowSm.destroy()
        const dir = stateDir({ 'sagemaker_training_job.a': { type: 'sagemaker_training_job', name: 'not-yet' }, 'sagemaker_training_job.b': { type: 'sagemaker_training_job', name: 'never-made' } })
        const early = await logs({ dir, address: 'sagemaker_training_job.a', follow: false, variables: [], env: {} }, () => {}, slowClients)
        assert.deepEqual(early.diagnostics.map((d) => [d.severity, d.summary]), [['warning', 'Training job not-yet has not started yet (InProgress, Starting), so it has no logs yet; --follow waits for them.']])
        const missing = await logs({ dir, address: 'sagemaker_training_job.b', follow: true, variables: [], env: {} }, () => {}, slowClients)
        assert.deepEqual(missing.diagnostics.map((d) => [d.severity, d.summary]), [['error', 'SageMaker has no training job named "never-made".']])
      } finally {
        await slow.close()
      }
    })
  })

  describe('the CLI', () => {
    let endpoint: Endpoint
    before(async () => {
      endpoint = await startEndpoint({ manualClock: { secondsPerRequest: 5 } })
    })
    after(() => endpoint.close())

    const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd, env: endpointEnv(endpoint.url, env) })

    it('follows a two-instance job to its end, reading the logs from the SageMaker endpoint on 127.0.0.1', async () => {
      const sm = new SageMakerClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: CREDENTIALS })
      await sm.send(new CreateTrainingJobCommand(trainingJob('cli-follow', 2)))
      sm.destroy()
      const dir = stateDir({ 'sagemaker_training_job.churn': { type: 'sagemaker_training_job', name: 'cli-follow' } })
      const run = await cli(['logs', 'sagemaker_training_job.churn', '--follow', '--poll-interval', '100ms'], dir)
      assert.equal(run.status, 0, run.stderr)
      const lines = run.stdout.trimEnd().split('\n')
      assert.match(lines[0] as string, /^\[algo-[12]\] INFO - Starting training job cli-follow on algo-[12] \(ml\.m5\.large, host [12] of 2\)$/)
      assert.equal(lines.filter((l) => l.endsWith('INFO - Reporting training SUCCESS')).length, 2)
      assert.equal(lines.filter((l) => /^\[algo-1\] \[\d+\]#011train-auc:[0-9.]+#011validation-auc:[0-9.]+$/.test(l)).length, 12)
      assert.equal(run.stderr.trim(), 'Training job cli-follow: Completed')
      assert.ok((endpoint.callCounts().GetLogEvents ?? 0) > 0)
    })

    it('reads from AWS_ENDPOINT_URL_CLOUDWATCH_LOGS when it is set, and says so when the log group is missing there', async () => {
      const elsewhere = await startEndpoint()
      const sm = new SageMakerClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: CREDENTIALS })
      try {
        await sm.send(new CreateTrainingJobCommand(trainingJob('cli-elsewhere')))
        while ((await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'cli-elsewhere' }))).TrainingJobStatus !== 'Completed') await new Promise((resolve) => setTimeout(resolve, 50))
        const dir = stateDir({ 'sagemaker_training_job.churn': { type: 'sagemaker_training_job', name: 'cli-elsewhere' } })
        const before = endpoint.callCounts().GetLogEvents
        const run = await cli(['logs', 'sagemaker_training_job.churn'], dir, { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: elsewhere.url })
        assert.equal(run.status, 1)
        assert.equal(run.stdout, '')
        assert.equal(
          run.stderr.trim(),
          "Training job cli-elsewhere: Completed\nError: CloudWatch Logs has no log group /aws/sagemaker/TrainingJobs in this region, so training job cli-elsewhere left no logs there; check the region, and that the job's role may write to CloudWatch Logs.",
        )
        assert.equal(elsewhere.callCounts().DescribeLogStreams, 1)
        assert.equal(endpoint.callCounts().GetLogEvents, before)
      } finally {
        sm.destroy()
        await elsewhere.close()
      }
    })

    it('says in one sentence that there is no region', async () => {
      const dir = stateDir({ 'sagemaker_training_job.churn': { type: 'sagemaker_training_job', name: 'cli-follow' } })
      const run = await cli(['logs', 'sagemaker_training_job.churn'], dir, { AWS_REGION: undefined })
      assert.equal(run.status, 1)
      assert.equal(run.stdout, '')
      assert.equal(run.stderr.trim(), 'Error: No AWS region: set AWS_REGION, the provider "sagemaker" block\'s region, or --region.')
    })
  })
})

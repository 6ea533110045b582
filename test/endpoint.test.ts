import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AddTagsCommand,
  CreateHyperParameterTuningJobCommand,
  CreateTrainingJobCommand,
  DeleteHyperParameterTuningJobCommand,
  DeleteTrainingJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeTrainingJobCommand,
  ListHyperParameterTuningJobsCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
  SageMakerClient,
  SearchCommand,
  StopHyperParameterTuningJobCommand,
  StopTrainingJobCommand,
  type CreateHyperParameterTuningJobCommandInput,
  type DescribeHyperParameterTuningJobCommandOutput,
  type DescribeTrainingJobCommandOutput,
  type HyperParameterTrainingJobSummary,
} from '@aws-sdk/client-sagemaker'
import { checkShape, type Violation } from '../src/model/api.js'
import type { Endpoint } from '../src/endpoint/server.js'
import { endpointsOfSuite, rejects, trainingJob } from './helpers/endpoint.js'

function tuningJob(name: string, extra: Partial<CreateHyperParameterTuningJobCommandInput['HyperParameterTuningJobConfig']> = {}): CreateHyperParameterTuningJobCommandInput {
  const { TrainingJobName: _name, HyperParameters, AlgorithmSpecification, ...definition } = trainingJob('unused')
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:accuracy' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 7, MaxParallelTrainingJobs: 3 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.001', MaxValue: '0.5', ScalingType: 'Logarithmic' }],
        IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '2', MaxValue: '10' }],
        CategoricalParameterRanges: [{ Name: 'booster', Values: ['gbtree', 'dart'] }],
      },
      RandomSeed: 7,
      ...extra,
    },
    TrainingJobDefinition: {
      ...definition,
      StaticHyperParameters: HyperParameters,
      AlgorithmSpecification: {
        TrainingImage: AlgorithmSpecification?.TrainingImage,
        TrainingInputMode: 'File',
        MetricDefinitions: AlgorithmSpecification?.MetricDefinitions,
      },
    } as CreateHyperParameterTuningJobCommandInput['TrainingJobDefinition'],
    Tags: [{ Key: 'team', Value: 'ml' }],
  }
}

/**
 * Reads until `done` holds. The endpoints here run on a manual clock that moves a set amount on every request, so what
 * a read sees depends on how many requests came before it, never on how busy the machine is; a job still going after
 * a thousand reads (days of simulated time) is stuck.
 */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read()
  for (let reads = 1; !done(value); reads++) {
    assert.ok(reads < 1000, `still not done after ${reads} reads; last value: ${JSON.stringify(value)}`)
    value = await read()
  }
  return value
}

async function raw(endpoint: Endpoint, target: string, body: string): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target, Authorization: 'AWS4-HMAC-SHA256 Credential=x' },
    body,
  })
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> }
}

function violationsOf(shapeName: string, value: unknown): Violation[] {
  const found: Violation[] = []
  checkShape(shapeName, value, (v) => found.push(v))
  return found
}

/** A simulated minute per request: a tuning job's waves of training jobs end within a few dozen reads. */
const TUNING_CLOCK = { manualClock: { secondsPerRequest: 60 } }

describe('local SageMaker endpoint', function () {
  // 20 simulated seconds per request: a job just created is Starting (60 s at least); one ends within some 30 reads.
  const open = endpointsOfSuite({ manualClock: { secondsPerRequest: 20 } })

  describe('training jobs', () => {
    let endpoint: Endpoint
    let sm: SageMakerClient
    before(async () => {
      ;({ endpoint, sm } = await open())
    })
    const describeJob = (name: string) => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))

    it('creates and describes a job with the service defaults and real dates', async () => {
      const created = await sm.send(new CreateTrainingJobCommand(trainingJob('Demo-1', { StoppingCondition: undefined })))
      assert.equal(created.TrainingJobArn, 'arn:aws:sagemaker:us-east-1:123456789012:training-job/Demo-1')
      const job = await describeJob('Demo-1')
      assert.ok(job.CreationTime instanceof Date)
      assert.equal(job.TrainingJobStatus, 'InProgress')
      assert.equal(job.SecondaryStatus, 'Starting')
      assert.deepEqual(job.StoppingCondition, { MaxRuntimeInSeconds: 86400 })
      assert.equal(job.EnableNetworkIsolation, false)
      assert.equal(job.EnableManagedSpotTraining, false)
      assert.equal(job.InputDataConfig?.[0]?.CompressionType, 'None')
      assert.equal(job.InputDataConfig?.[0]?.RecordWrapperType, 'None')
      assert.equal(job.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3DataDistributionType, 'FullyReplicated')
      assert.equal(job.OutputDataConfig?.KmsKeyId, undefined)
      assert.equal(job.ModelArtifacts, undefined)
    })

    it('refuses a duplicate name with ResourceInUse', async () => {
      await sm.send(new CreateTrainingJobCommand(trainingJob('dup-1')))
      await rejects(
        sm.send(new CreateTrainingJobCommand(trainingJob('dup-1'))),
        'ResourceInUse',
        'Training job names must be unique within an AWS account and region, and a training job with this name already exists (arn:aws:sagemaker:us-east-1:123456789012:training-job/dup-1)',
      )
    })

    it('answers a missing job with ValidationException, as the service does', async () => {
      await rejects(describeJob('no-such-job'), 'ValidationException', 'Requested resource not found.')
      await rejects(sm.send(new StopTrainingJobCommand({ TrainingJobName: 'no-such-job' })), 'ValidationException', 'Requested resource not found.')
      await rejects(sm.send(new DeleteTrainingJobCommand({ TrainingJobName: 'no-such-job' })), 'ValidationException', 'Requested resource not found.')
    })

    it('reports constraint violations in the service words', async () => {
      await rejects(
        describeJob('abc_def'),
        'ValidationException',
        "1 validation error detected: Value 'abc_def' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
      )
      const bad = trainingJob('bad-1', { ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1 } })
      bad.InputDataConfig = [{ ChannelName: 'bad channel', DataSource: {} }]
      await rejects(
        sm.send(new CreateTrainingJobCommand({ ...bad, RoleArn: 'role' })),
        'ValidationException',
        "3 validation errors detected: Value 'role' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
          "Value 'role' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+; " +
          "Value 'bad channel' at 'inputDataConfig.1.member.channelName' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9\\.\\-_]+",
      )
    })

    it('applies the cross-field rules', async () => {
      await rejects(
        sm.send(new CreateTrainingJobCommand(trainingJob('both-1', { AlgorithmSpecification: { TrainingImage: 'img', AlgorithmName: 'algo', TrainingInputMode: 'File' } }))),
        'ValidationException',
        /either AlgorithmName or TrainingImage/,
      )
      await rejects(
        sm.send(new CreateTrainingJobCommand(trainingJob('spot-1', { EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 1800 } }))),
        'ValidationException',
        /MaxWaitTimeInSeconds \(1800\) must be greater than or equal to MaxRuntimeInSeconds \(3600\)/,
      )
    })

    it('completes a job with metrics, artifacts and the documented secondary statuses', async () => {
      await sm.send(new CreateTrainingJobCommand(trainingJob('complete-1')))
      const job = await waitFor(() => describeJob('complete-1'), (j) => j.TrainingJobStatus !== 'InProgress')
      assert.equal(job.TrainingJobStatus, 'Completed')
      assert.deepEqual(
        job.SecondaryStatusTransitions?.map((t) => t.Status),
        ['Starting', 'Downloading', 'Training', 'Uploading', 'Completed'],
      )
      assert.equal(job.ModelArtifacts?.S3ModelArtifacts, 's3://bucket/out/complete-1/output/model.tar.gz')
      assert.equal(job.FinalMetricDataList?.[0]?.MetricName, 'validation:accuracy')
      assert.equal(typeof job.FinalMetricDataList?.[0]?.Value, 'number')
      assert.ok(job.TrainingStartTime && job.TrainingEndTime && job.TrainingEndTime > job.TrainingStartTime)
      assert.equal(job.TrainingTimeInSeconds, Math.round((job.TrainingEndTime.getTime() - job.TrainingStartTime.getTime()) / 1000))
      assert.equal(job.BillableTimeInSeconds, job.TrainingTimeInSeconds)
    })

    it('stops a job: Stopping, then Stopped; a stopped job cannot be stopped again', async () => {
      // 5 simulated seconds per request, so that the 30 simulated seconds of Stopping outlast the next few requests.
      const slow = (await open({ manualClock: { secondsPerRequest: 5 } })).sm
      const describeSlow = () => slow.send(new DescribeTrainingJobCommand({ TrainingJobName: 'stop-1' }))
      await slow.send(new CreateTrainingJobCommand(trainingJob('stop-1')))
      await slow.send(new StopTrainingJobCommand({ TrainingJobName: 'stop-1' }))
      assert.equal((await describeSlow()).TrainingJobStatus, 'Stopping')
      await rejects(slow.send(new StopTrainingJobCommand({ TrainingJobName: 'stop-1' })), 'ValidationException', 'The request was rejected because the training job is in status Stopping.')
      const job = await waitFor(describeSlow, (j) => j.TrainingJobStatus === 'Stopped')
      assert.equal(job.SecondaryStatus, 'Stopped')
      assert.deepEqual(job.SecondaryStatusTransitions?.map((t) => t.Status), ['Starting', 'Stopping', 'Stopped'])
      assert.equal(job.ModelArtifacts, undefined)
    })

    it('stops a job that exceeds MaxRuntimeInSeconds', async () => {
      await sm.send(new CreateTrainingJobCommand(trainingJob('runtime-1', { StoppingCondition: { MaxRuntimeInSeconds: 60 } })))
      const job = await waitFor(() => describeJob('runtime-1'), (j) => j.TrainingJobStatus === 'Stopped')
      assert.equal(job.SecondaryStatus, 'MaxRuntimeExceeded')
      assert.equal(job.TrainingTimeInSeconds, 60)
    })

    it('deletes only finished jobs, which frees the name', async () => {
      await sm.send(new CreateTrainingJobCommand(trainingJob('delete-1')))
      await rejects(sm.send(new DeleteTrainingJobCommand({ TrainingJobName: 'delete-1' })), 'ResourceInUse')
      await waitFor(() => describeJob('delete-1'), (j) => j.TrainingJobStatus === 'Completed')
      await sm.send(new DeleteTrainingJobCommand({ TrainingJobName: 'delete-1' }))
      await rejects(describeJob('delete-1'), 'ValidationException', 'Requested resource not found.')
      await sm.send(new CreateTrainingJobCommand(trainingJob('delete-1')))
      assert.equal((await describeJob('delete-1')).TrainingJobStatus, 'InProgress')
    })

    it('lists with filters, sorting and pagination', async () => {
      const names: string[] = []
      let token: string | undefined
      do {
        const page = await sm.send(new ListTrainingJobsCommand({ NameContains: 'DEMO', MaxResults: 1, NextToken: token, SortBy: 'Name' }))
        names.push(...(page.TrainingJobSummaries ?? []).map((s) => s.TrainingJobName as string))
        token = page.NextToken
      } while (token)
      assert.deepEqual(names, ['Demo-1'])
      const all = await sm.send(new ListTrainingJobsCommand({ MaxResults: 100, SortBy: 'CreationTime', SortOrder: 'Descending' }))
      const times = (all.TrainingJobSummaries ?? []).map((s) => s.CreationTime?.getTime() ?? 0)
      assert.deepEqual(times, [...times].sort((a, b) => b - a))
    })

    it('returns responses that conform to the output shapes', async () => {
      const described = await raw(endpoint, 'SageMaker.DescribeTrainingJob', JSON.stringify({ TrainingJobName: 'complete-1' }))
      assert.equal(described.status, 200)
      assert.equal(typeof described.json.CreationTime, 'number')
      assert.deepEqual(violationsOf('DescribeTrainingJobResponse', described.json), [])
    })
  })

  describe('tuning jobs', () => {
    let endpoint: Endpoint
    let sm: SageMakerClient
    before(async () => {
      ;({ endpoint, sm } = await open(TUNING_CLOCK))
    })
    const describeTuning = (name: string) => sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }))
    const finished = (j: DescribeHyperParameterTuningJobCommandOutput) => j.HyperParameterTuningJobStatus !== 'InProgress'

    async function children(name: string, pageSize = 2): Promise<HyperParameterTrainingJobSummary[]> {
      const out: HyperParameterTrainingJobSummary[] = []
      let token: string | undefined
      do {
        const page = await sm.send(new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name, MaxResults: pageSize, NextToken: token }))
        assert.ok((page.TrainingJobSummaries ?? []).length <= pageSize)
        out.push(...(page.TrainingJobSummaries ?? []))
        token = page.NextToken
      } while (token)
      return out
    }

    it('launches children within the limits and reports the best job', async () => {
      const arn = (await sm.send(new CreateHyperParameterTuningJobCommand(tuningJob('MyTune')))).HyperParameterTuningJobArn
      assert.equal(arn, 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/MyTune')
      const job = await waitFor(() => describeTuning('MyTune'), finished)
      assert.equal(job.HyperParameterTuningJobStatus, 'Completed')
      assert.equal(job.HyperParameterTuningJobConfig?.TrainingJobEarlyStoppingType, 'Off')
      assert.deepEqual(job.TrainingJobStatusCounters, { Completed: 7, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 })
      assert.deepEqual(job.ObjectiveStatusCounters, { Succeeded: 7, Pending: 0, Failed: 0 })

      const summaries = await children('MyTune')
      assert.equal(summaries.length, 7)
      assert.equal(new Set(summaries.map((s) => s.TrainingJobName)).size, 7)
      for (const s of summaries) assert.match(s.TrainingJobName as string, /^MyTune-00[1-7]-[0-9a-f]{8}$/)
      const values = summaries.map((s) => s.FinalHyperParameterTuningJobObjectiveMetric?.Value as number)
      assert.equal(job.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value, Math.max(...values))

      // Never more than MaxParallelTrainingJobs at once.
      const details: DescribeTrainingJobCommandOutput[] = await Promise.all(summaries.map((s) => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: s.TrainingJobName }))))
      const events = details.flatMap((d) => [
        { at: d.CreationTime?.getTime() as number, delta: 1 },
        { at: d.SecondaryStatusTransitions?.at(-1)?.StartTime?.getTime() as number, delta: -1 },
      ])
      events.sort((a, b) => a.at - b.at || a.delta - b.delta)
      let running = 0
      let peak = 0
      for (const e of events) peak = Math.max(peak, (running += e.delta))
      assert.equal(peak, 3)
      const child = details[0] as DescribeTrainingJobCommandOutput
      assert.equal(child.TuningJobArn, arn)
      assert.equal(child.HyperParameters?._tuning_objective_metric, 'validation:accuracy')
      assert.equal(child.HyperParameters?.epochs, '10')
      const tags = await sm.send(new ListTagsCommand({ ResourceArn: child.TrainingJobArn }))
      assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'ml' }])
    })

    it('picks the same best hyperparameters on every run', async () => {
      const other = (await open(TUNING_CLOCK)).sm
      await other.send(new CreateHyperParameterTuningJobCommand(tuningJob('MyTune')))
      const again = await waitFor(() => other.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'MyTune' })), finished)
      const first = await describeTuning('MyTune')
      assert.deepEqual(again.BestTrainingJob?.TunedHyperParameters, first.BestTrainingJob?.TunedHyperParameters)
      assert.equal(again.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value, first.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value)
    })

    it('infers the number of jobs of a grid search and walks every combination', async () => {
      const grid = tuningJob('grid-1', {
        Strategy: 'Grid',
        ResourceLimits: { MaxParallelTrainingJobs: 4 },
        ParameterRanges: { CategoricalParameterRanges: [{ Name: 'booster', Values: ['gbtree', 'dart'] }, { Name: 'depth', Values: ['2', '4', '6'] }] },
      })
      await sm.send(new CreateHyperParameterTuningJobCommand(grid))
      await waitFor(() => describeTuning('grid-1'), finished)
      const combos = (await children('grid-1', 100)).map((s) => `${s.TunedHyperParameters?.booster}/${s.TunedHyperParameters?.depth}`)
      assert.deepEqual(combos.sort(), ['dart/2', 'dart/4', 'dart/6', 'gbtree/2', 'gbtree/4', 'gbtree/6'])
    })

    it('a warm start with IdenticalDataAndAlgorithm reports OverallBestTrainingJob across its parent; TransferLearning does not', async () => {
      await sm.send(new CreateHyperParameterTuningJobCommand(tuningJob('warm-parent')))
      const parent = await waitFor(() => describeTuning('warm-parent'), finished)
      for (const type of ['IdenticalDataAndAlgorithm', 'TransferLearning'] as const) {
        await sm.send(new CreateHyperParameterTuningJobCommand({ ...tuningJob(`warm-${type}`), WarmStartConfig: { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'warm-parent' }], WarmStartType: type } }))
      }
      const identical = await waitFor(() => describeTuning('warm-IdenticalDataAndAlgorithm'), finished)
      const transfer = await waitFor(() => describeTuning('warm-TransferLearning'), finished)
      assert.equal(transfer.OverallBestTrainingJob, undefined)
      const candidates = [parent.BestTrainingJob!, identical.BestTrainingJob!]
      const top = Math.max(...candidates.map((b) => b.FinalHyperParameterTuningJobObjectiveMetric!.Value!))
      const overall = identical.OverallBestTrainingJob!
      assert.equal(overall.FinalHyperParameterTuningJobObjectiveMetric?.Value, top)
      const holders = candidates.filter((b) => b.FinalHyperParameterTuningJobObjectiveMetric!.Value === top)
      assert.ok(holders.some((b) => b.TrainingJobName === overall.TrainingJobName && b.TuningJobName === overall.TuningJobName), 'the best of the parent\'s and its own, naming the tuning job that launched it')
      assert.equal(identical.BestTrainingJob?.TuningJobName, 'warm-IdenticalDataAndAlgorithm')
    })

    it('completes when the target objective value is reached', async () => {
      const limits = { MaxNumberOfTrainingJobs: 30, MaxParallelTrainingJobs: 3 }
      await sm.send(new CreateHyperParameterTuningJobCommand(tuningJob('target-1', { ResourceLimits: limits, TuningJobCompletionCriteria: { TargetObjectiveMetricValue: 0.95 } })))
      const job = await waitFor(() => describeTuning('target-1'), finished)
      assert.equal(job.HyperParameterTuningJobStatus, 'Completed')
      assert.ok((job.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? 0) >= 0.95)
      const launched = await children('target-1', 100)
      assert.ok(launched.length < 30)
      // The jobs still running when the target was reached are stopped.
      const counters = job.TrainingJobStatusCounters
      assert.ok((counters?.Stopped ?? 0) >= 1)
      assert.equal((counters?.Completed ?? 0) + (counters?.Stopped ?? 0), launched.length)
    })

    it('stops its children when stopped', async () => {
      await sm.send(new CreateHyperParameterTuningJobCommand(tuningJob('stop-tune', { ResourceLimits: { MaxNumberOfTrainingJobs: 50, MaxParallelTrainingJobs: 2 } })))
      await waitFor(() => describeTuning('stop-tune'), (j) => (j.TrainingJobStatusCounters?.Completed ?? 0) >= 2)
      await sm.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'stop-tune' }))
      // Stopping lasts 30 simulated seconds, less than a request here: either is right by now.
      assert.ok(['Stopping', 'Stopped'].includes((await describeTuning('stop-tune')).HyperParameterTuningJobStatus as string))
      const job = await waitFor(() => describeTuning('stop-tune'), (j) => j.HyperParameterTuningJobStatus === 'Stopped')
      assert.equal(job.TrainingJobStatusCounters?.InProgress, 0)
      assert.ok((job.TrainingJobStatusCounters?.Stopped ?? 0) >= 1)
      const launched = await children('stop-tune', 100)
      assert.ok(launched.length < 50)
      const stopped = launched.find((c) => c.TrainingJobStatus === 'Stopped') as HyperParameterTrainingJobSummary
      const detail = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: stopped.TrainingJobName }))
      assert.deepEqual(detail.SecondaryStatusTransitions?.slice(-2).map((t) => t.Status), ['Stopping', 'Stopped'])
      await sm.send(new DeleteHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'stop-tune' }))
      await rejects(describeTuning('stop-tune'), 'ResourceNotFound', "Amazon SageMaker can't find a tuning job with name stop-tune")
    })

    it('runs several training job definitions with Hyperband, stopping poor jobs early', async () => {
      const base = tuningJob('unused').TrainingJobDefinition as NonNullable<CreateHyperParameterTuningJobCommandInput['TrainingJobDefinition']>
      const definition = (DefinitionName: string) => ({
        ...base,
        DefinitionName,
        TuningObjective: { Type: 'Minimize' as const, MetricName: 'validation:loss' },
        HyperParameterRanges: { ContinuousParameterRanges: [{ Name: 'lr', MinValue: '0.0001', MaxValue: '0.1', ScalingType: 'Logarithmic' as const }] },
        StaticHyperParameters: { epochs: '50' },
      })
      await sm.send(
        new CreateHyperParameterTuningJobCommand({
          HyperParameterTuningJobName: 'hyperband-1',
          HyperParameterTuningJobConfig: { Strategy: 'Hyperband', StrategyConfig: { HyperbandStrategyConfig: { MinResource: 5 } }, ResourceLimits: { MaxNumberOfTrainingJobs: 12, MaxParallelTrainingJobs: 4 } },
          TrainingJobDefinitions: [definition('xgb'), definition('linear')],
        }),
      )
      const job = await waitFor(() => describeTuning('hyperband-1'), finished)
      assert.equal(job.HyperParameterTuningJobStatus, 'Completed')
      const launched = await children('hyperband-1', 100)
      assert.deepEqual(new Set(launched.map((c) => c.TrainingJobDefinitionName)), new Set(['xgb', 'linear']))
      assert.ok(launched.some((c) => c.TrainingJobStatus === 'Stopped' && c.ObjectiveStatus === 'Succeeded'))
      const best = Math.min(...launched.map((c) => c.FinalHyperParameterTuningJobObjectiveMetric?.Value as number))
      assert.equal(job.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value, best)
    })

    it('fails when every training job fails', async () => {
      const failing = tuningJob('failing-1', { ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 2 } })
      failing.TrainingJobDefinition = { ...failing.TrainingJobDefinition!, Environment: { SAGEFORM_SIMULATE_FAILURE: 'out of memory' } }
      await sm.send(new CreateHyperParameterTuningJobCommand(failing))
      const job = await waitFor(() => describeTuning('failing-1'), finished)
      assert.equal(job.HyperParameterTuningJobStatus, 'Failed')
      assert.deepEqual(job.ObjectiveStatusCounters, { Succeeded: 0, Pending: 0, Failed: 2 })
      assert.equal(job.TrainingJobStatusCounters?.NonRetryableError, 2)
      const [child] = await children('failing-1')
      assert.equal(child?.FailureReason, 'AlgorithmError: out of memory')
    })

    it('returns tuning responses that conform to the output shapes', async () => {
      const described = await raw(endpoint, 'SageMaker.DescribeHyperParameterTuningJob', JSON.stringify({ HyperParameterTuningJobName: 'MyTune' }))
      assert.deepEqual(violationsOf('DescribeHyperParameterTuningJobResponse', described.json), [])
      const listed = await raw(endpoint, 'SageMaker.ListTrainingJobsForHyperParameterTuningJob', JSON.stringify({ HyperParameterTuningJobName: 'MyTune' }))
      assert.deepEqual(violationsOf('ListTrainingJobsForHyperParameterTuningJobResponse', listed.json), [])
      for (const Resource of ['TrainingJob', 'HyperParameterTuningJob']) {
        const found = await raw(endpoint, 'SageMaker.Search', JSON.stringify({ Resource, MaxResults: 100 }))
        assert.deepEqual(violationsOf('SearchResponse', found.json), [])
      }
    })

    it('validates tuning-specific rules', async () => {
      const both = tuningJob('both-defs')
      await rejects(sm.send(new CreateHyperParameterTuningJobCommand({ ...both, TrainingJobDefinitions: [both.TrainingJobDefinition!] })), 'ValidationException', /not both/)
      await rejects(
        sm.send(new CreateHyperParameterTuningJobCommand(tuningJob('limits', { ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 3 } }))),
        'ValidationException',
        'MaxParallelTrainingJobs (3) must be less than or equal to MaxNumberOfTrainingJobs (2).',
      )
      await rejects(sm.send(new CreateHyperParameterTuningJobCommand(tuningJob('MyTune'))), 'ResourceInUse')
      await rejects(
        sm.send(new CreateHyperParameterTuningJobCommand(tuningJob('too-parallel', { ResourceLimits: { MaxNumberOfTrainingJobs: 40, MaxParallelTrainingJobs: 20 } }))),
        'ResourceLimitExceeded',
      )
    })

    it('lists tuning jobs and searches them with their tags, by the ARN exactly as Create returned it', async () => {
      const listed = await sm.send(new ListHyperParameterTuningJobsCommand({ NameContains: 'mytune' }))
      assert.deepEqual(listed.HyperParameterTuningJobSummaries?.map((s) => [s.HyperParameterTuningJobName, s.HyperParameterTuningJobArn]), [['MyTune', 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/mytune']])
      // As the service does (boto/boto3#4606): List lower-cases the ARN, and the tag calls refuse that spelling.
      await rejects(sm.send(new ListTagsCommand({ ResourceArn: listed.HyperParameterTuningJobSummaries![0]!.HyperParameterTuningJobArn })), 'ValidationException', 'Resource does not exist')
      await sm.send(new AddTagsCommand({ ResourceArn: 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/MyTune', Tags: [{ Key: 'stage', Value: 'dev' }] }))
      const found = await sm.send(
        new SearchCommand({ Resource: 'HyperParameterTuningJob', SearchExpression: { Filters: [{ Name: 'Tags.stage', Operator: 'Equals', Value: 'dev' }] } }),
      )
      assert.equal(found.Results?.length, 1)
      assert.deepEqual(found.Results?.[0]?.HyperParameterTuningJob?.Tags, [{ Key: 'team', Value: 'ml' }, { Key: 'stage', Value: 'dev' }])
    })
  })

  it('searches training jobs by tag, two pages', async () => {
    const { sm } = await open()
    for (const [i, project] of ['alpha', 'alpha', 'beta', 'alpha'].entries()) {
      await sm.send(new CreateTrainingJobCommand(trainingJob(`search-${i}`, { Tags: [{ Key: 'project', Value: project }] })))
    }
    const search = (NextToken?: string) =>
      sm.send(
        new SearchCommand({
          Resource: 'TrainingJob',
          SearchExpression: { Filters: [{ Name: 'Tags.project', Operator: 'Equals', Value: 'alpha' }, { Name: 'TrainingJobStatus', Operator: 'In', Value: 'InProgress,Completed' }] },
          SortBy: 'TrainingJobName',
          SortOrder: 'Ascending',
          MaxResults: 2,
          NextToken,
        }),
      )
    const first = await search()
    assert.deepEqual(first.Results?.map((r) => r.TrainingJob?.TrainingJobName), ['search-0', 'search-1'])
    assert.ok(first.NextToken)
    const second = await search(first.NextToken)
    assert.deepEqual(second.Results?.map((r) => r.TrainingJob?.TrainingJobName), ['search-3'])
    assert.equal(second.NextToken, undefined)
    assert.deepEqual(second.Results?.[0]?.TrainingJob?.Tags, [{ Key: 'project', Value: 'alpha' }])
    await rejects(
      sm.send(new SearchCommand({ Resource: 'TrainingJob', SearchExpression: { Filters: [{ Name: 'TrainingJobName', Operator: 'Contains', Value: 'a' }, { Name: 'Tags.project', Operator: 'Contains', Value: 'b' }] } })),
      'ValidationException',
      "'CONTAINS' operator usage limit of 1 exceeded.",
    )
  })

  it('keeps its state across a restart with a data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sageform-endpoint-'))
    try {
      const first = await open({ dataDir })
      await first.sm.send(new CreateTrainingJobCommand(trainingJob('persist-1', { Tags: [{ Key: 'k', Value: 'v' }] })))
      await first.sm.send(new CreateHyperParameterTuningJobCommand(tuningJob('persist-tune')))
      await first.endpoint.close()
      assert.ok(existsSync(join(dataDir, 'sagemaker-endpoint-state.json')))

      const second = await open({ dataDir })
      const job = await waitFor(() => second.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'persist-1' })), (j) => j.TrainingJobStatus === 'Completed')
      assert.equal(job.TrainingJobName, 'persist-1')
      await rejects(second.sm.send(new CreateTrainingJobCommand(trainingJob('persist-1'))), 'ResourceInUse')
      const tags = await second.sm.send(new ListTagsCommand({ ResourceArn: job.TrainingJobArn }))
      assert.deepEqual(tags.Tags, [{ Key: 'k', Value: 'v' }])
      const tuning = await second.sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'persist-tune' }))
      assert.equal(tuning.HyperParameterTuningJobName, 'persist-tune')
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('injects throttling and faults from a seeded generator, counting every call', async () => {
    const throttled = await open({ throttleRate: 1 })
    await rejects(throttled.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'x' })), 'ThrottlingException', 'Rate exceeded')
    await rejects(throttled.sm.send(new ListTrainingJobsCommand({})), 'ThrottlingException')
    assert.deepEqual(throttled.endpoint.callCounts(), { DescribeTrainingJob: 1, ListTrainingJobs: 1 })

    const failing = await open({ errorRate: 1 })
    const reply = await raw(failing.endpoint, 'SageMaker.ListTrainingJobs', '{}')
    assert.equal(reply.status, 500)
    assert.deepEqual(reply.json, { __type: 'InternalFailure' })

    const outcomes = async () => {
      const { endpoint } = await open({ throttleRate: 0.5, seed: 42 })
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) statuses.push((await raw(endpoint, 'SageMaker.ListTrainingJobs', '{}')).status)
      return statuses
    }
    const once = await outcomes()
    assert.deepEqual(await outcomes(), once)
    assert.ok(once.includes(200) && once.includes(400))
  })

  it('speaks the wire protocol: request ids, bare error codes, unknown targets, bad JSON', async () => {
    const { endpoint } = await open()
    const ok = await raw(endpoint, 'SageMaker.ListTrainingJobs', '{}')
    assert.equal(ok.status, 200)
    assert.equal(ok.headers.get('content-type'), 'application/x-amz-json-1.1')
    assert.match(ok.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/)
    assert.deepEqual(ok.json, { TrainingJobSummaries: [] })

    const unknown = await raw(endpoint, 'SageMaker.CreateEndpoint', '{}')
    assert.equal(unknown.status, 400)
    assert.equal(unknown.json.__type, 'UnknownOperationException')
    assert.equal(unknown.headers.get('x-amzn-errortype'), null)

    const malformed = await raw(endpoint, 'SageMaker.ListTrainingJobs', '{"MaxResults": ')
    assert.equal(malformed.json.__type, 'SerializationException')
    const wrongType = await raw(endpoint, 'SageMaker.ListTrainingJobs', '{"MaxResults": "ten"}')
    assert.equal(wrongType.json.__type, 'SerializationException')
    const tooMany = await raw(endpoint, 'SageMaker.ListTrainingJobs', '{"MaxResults": 101}')
    assert.deepEqual(tooMany.json, {
      __type: 'ValidationException',
      Message: "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    })
  })
})

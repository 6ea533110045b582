// One contract, three doubles: the same scenarios run against the in-memory fake, the local endpoint and nock (the last
// two through sageform's real client), so none of them can drift from the others or from the real service, whose
// documented or observed behaviour each scenario states. Through SageMakerApi every double must answer alike; where a
// double has a wire, what it put there (the error code and message SageMaker uses) is checked too.
import assert from 'node:assert/strict'
import { ListTrainingJobsForHyperParameterTuningJobCommand, SearchCommand, type SearchCommandInput } from '@aws-sdk/client-sagemaker'
import { sageformTags } from '../src/apply/records.js'
import { requestStop } from '../src/apply/jobs.js'
import { TAG } from '../src/model/kinds.js'
import { jobOps } from '../src/sagemaker/jobs.js'
import {
  isResourceInUse,
  isResourceNotFound,
  isSageMakerError,
  tagList,
  type CreateHyperParameterTuningJobRequest,
  type CreateTrainingJobRequest,
  type SageMakerError,
} from '../src/sagemaker/types.js'
import { dummyAwsEnv, isolateAwsEnv } from './helpers/aws.js'
import { trainingJob } from './helpers/endpoint.js'
import { DOUBLES, type SageMakerDouble } from './helpers/sagemaker-doubles.js'

const ACCOUNT = 'arn:aws:sagemaker:us-east-1:123456789012'
const LINEAGE = '0c0ffee0-0000-4000-8000-00000000c0de'
const USER_TAGS = { team: 'ml' }
const HOUR = 3600

function training(name: string, tags: Record<string, string> = {}): CreateTrainingJobRequest {
  return { ...trainingJob(name), Tags: tagList(tags) } as CreateTrainingJobRequest
}

function tuning(name: string, tags: Record<string, string> = {}, limits = { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 }): CreateHyperParameterTuningJobRequest {
  const { TrainingJobName: _name, HyperParameters, AlgorithmSpecification, Tags: _tags, ...definition } = trainingJob('unused')
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: 'Random',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:accuracy' },
      ResourceLimits: limits,
      ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.001', MaxValue: '0.5' }], IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '2', MaxValue: '10' }] },
    },
    TrainingJobDefinition: { ...definition, StaticHyperParameters: HyperParameters, AlgorithmSpecification: { TrainingImage: AlgorithmSpecification?.TrainingImage, TrainingInputMode: 'File', MetricDefinitions: AlgorithmSpecification?.MetricDefinitions } },
    Tags: tagList(tags),
  } as CreateHyperParameterTuningJobRequest
}

const own = (address: string): Record<string, string> => ({ ...USER_TAGS, ...sageformTags({ address, lineage: LINEAGE, specHash: 'f'.repeat(64) }) })

async function rejection(promise: Promise<unknown>): Promise<SageMakerError> {
  const err = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  )
  assert.ok(isSageMakerError(err), `not a SageMakerError: ${String(err)}`)
  return err
}

/** What the service put on the wire for this failure: the SDK exception the client wrapped (doubles with a wire only). */
function onWire(double: SageMakerDouble, err: SageMakerError): { code: string; message: string } | undefined {
  if (!double.wire) return undefined
  const cause = err.cause as Error | undefined
  assert.ok(cause, `no wire error behind ${err.code}`)
  return { code: cause.name, message: cause.message }
}

for (const [doubleName, open] of Object.entries(DOUBLES)) {
  describe(`SageMaker contract: ${doubleName}`, function () {
    this.timeout(60_000)
    let double: SageMakerDouble
    let restoreEnv: () => void = () => {}

    beforeEach(async () => {
      restoreEnv = isolateAwsEnv({ ...dummyAwsEnv(), AWS_REGION: 'us-east-1' })
      double = await open()
    })
    afterEach(async () => {
      await double.close()
      restoreEnv()
    })

    it('creates a training job: its ARN keeps the name, Describe shows it InProgress with the request, ListTags its tags', async () => {
      const { arn } = await double.api.createTrainingJob(training('Create-1', own('sagemaker_training_job.a')))
      assert.equal(arn, `${ACCOUNT}:training-job/Create-1`)
      const described = await double.api.describeTrainingJob('Create-1')
      assert.ok(described.found)
      const job = described.job
      assert.equal(job.TrainingJobName, 'Create-1')
      assert.equal(job.TrainingJobArn, arn)
      assert.equal(job.TrainingJobStatus, 'InProgress')
      assert.ok(job.CreationTime instanceof Date)
      const sent = trainingJob('Create-1')
      assert.equal(job.RoleArn, sent.RoleArn)
      assert.deepEqual(job.HyperParameters, sent.HyperParameters)
      assert.equal(job.AlgorithmSpecification?.TrainingImage, sent.AlgorithmSpecification?.TrainingImage)
      assert.equal(job.ResourceConfig?.InstanceType, 'ml.m5.large')
      const live = await jobOps(double.api, 'sagemaker_training_job').describe('Create-1')
      assert.deepEqual({ ...live, created_at: typeof live?.created_at }, { name: 'Create-1', arn, status: 'InProgress', created_at: 'string', ended_at: undefined, failure_reason: undefined })
      assert.deepEqual(await double.api.listTags(arn), own('sagemaker_training_job.a'))
    })

    it('creates a tuning job: its ARN keeps the name, Describe shows it InProgress, and it has no training jobs yet', async () => {
      const { arn } = await double.api.createTuningJob(tuning('Tune-1', own('sagemaker_hyperparameter_tuning_job.t')))
      assert.equal(arn, `${ACCOUNT}:hyper-parameter-tuning-job/Tune-1`)
      const described = await double.api.describeTuningJob('Tune-1')
      assert.ok(described.found)
      assert.equal(described.job.HyperParameterTuningJobName, 'Tune-1')
      assert.equal(described.job.HyperParameterTuningJobArn, arn)
      assert.equal(described.job.HyperParameterTuningJobStatus, 'InProgress')
      assert.ok(described.job.CreationTime instanceof Date)
      assert.equal(described.job.HyperParameterTuningJobConfig?.Strategy, 'Random')
      assert.deepEqual(await double.api.listTrainingJobsForTuningJob('Tune-1'), [])
      assert.deepEqual(await double.api.listTags(arn), own('sagemaker_hyperparameter_tuning_job.t'))
    })

    it('refuses a taken name with ResourceInUse, in any case ("The name is not case sensitive"), and keeps the first job', async () => {
      const { arn } = await double.api.createTrainingJob(training('Dup-1', { v: '1' }))
      for (const name of ['Dup-1', 'dup-1']) {
        const err = await rejection(double.api.createTrainingJob(training(name, { v: '2' })))
        assert.ok(isResourceInUse(err), err.code)
        const wire = onWire(double, err)
        if (wire) assert.deepEqual(wire, { code: 'ResourceInUse', message: `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn})` })
      }
      assert.deepEqual(await double.api.listTags(arn), { v: '1' })

      await double.api.createTuningJob(tuning('DupTune', { v: '1' }))
      for (const name of ['DupTune', 'duptune']) {
        const err = await rejection(double.api.createTuningJob(tuning(name)))
        assert.ok(isResourceInUse(err), err.code)
        assert.equal(onWire(double, err)?.code ?? 'ResourceInUse', 'ResourceInUse')
      }
    })

    it('answers a missing training job with ValidationException "Requested resource not found." and a missing tuning job with ResourceNotFound', async () => {
      assert.deepEqual(await double.api.describeTrainingJob('nope'), { found: false })
      assert.deepEqual(await double.api.describeTuningJob('nope'), { found: false })
      const missingTraining = [double.api.stopTrainingJob('nope'), double.api.deleteTrainingJob('nope')]
      for (const attempt of missingTraining) {
        const err = await rejection(attempt)
        assert.ok(isResourceNotFound(err), err.code)
        const wire = onWire(double, err)
        if (wire) assert.deepEqual(wire, { code: 'ValidationException', message: 'Requested resource not found.' })
      }
      const missingTuning = [double.api.stopTuningJob('nope'), double.api.deleteTuningJob('nope'), double.api.listTrainingJobsForTuningJob('nope')]
      for (const attempt of missingTuning) {
        const err = await rejection(attempt)
        assert.ok(isResourceNotFound(err), err.code)
        assert.equal(onWire(double, err)?.code ?? 'ResourceNotFound', 'ResourceNotFound')
      }
    })

    /** Stop asked, Describe says Stopping; once the stop has completed, Stopped with an end time, and Stop is refused. */
    async function stopAndSettle(type: 'sagemaker_training_job' | 'sagemaker_hyperparameter_tuning_job', name: string): Promise<SageMakerError> {
      const ops = jobOps(double.api, type)
      await ops.stop(name)
      assert.equal((await ops.describe(name))?.status, 'Stopping')
      double.elapse(HOUR)
      const stopped = await ops.describe(name)
      assert.equal(stopped?.status, 'Stopped')
      assert.ok(stopped?.ended_at, 'a stopped job has its end time (TrainingEndTime, HyperParameterTuningEndTime)')
      const again = await rejection(ops.stop(name))
      assert.equal(again.code, 'ValidationException')
      // What apply does with that refusal: the job had already ended, so its own status is recorded.
      assert.equal(await requestStop(ops, name), 'Stopped')
      return again
    }

    it('stops a training job: Stopping, then Stopped with an end time; a job no longer InProgress cannot be stopped (ValidationException)', async () => {
      await double.api.createTrainingJob(training('Stop-1'))
      // Past the start of training: TrainingEndTime is "the time after model artifacts are uploaded" for a stopped job.
      double.elapse(240)
      assert.equal((await jobOps(double.api, 'sagemaker_training_job').describe('Stop-1'))?.status, 'InProgress')
      const again = await stopAndSettle('sagemaker_training_job', 'Stop-1')
      const wire = onWire(double, again)
      if (wire) assert.deepEqual(wire, { code: 'ValidationException', message: 'The request was rejected because the training job is in status Stopped.' })
    })

    it('stops a tuning job: Stopping, then Stopped, its training jobs stopped too; stopping it again is a ValidationException', async () => {
      await double.api.createTuningJob(tuning('StopTune'))
      double.elapse(60)
      assert.ok((await double.api.listTrainingJobsForTuningJob('StopTune')).some((c) => c.TrainingJobStatus === 'InProgress'))
      await stopAndSettle('sagemaker_hyperparameter_tuning_job', 'StopTune')
      const children = await double.api.listTrainingJobsForTuningJob('StopTune')
      assert.deepEqual(children.filter((c) => c.TrainingJobStatus === 'InProgress' || c.TrainingJobStatus === 'Stopping'), [])
    })

    it('keeps tags per ARN as Create returned it: AddTags adds and overwrites, DeleteTags removes, another case of the ARN does not exist', async () => {
      const tags = own('sagemaker_training_job.tagged')
      const { arn } = await double.api.createTrainingJob(training('Tagged-1', tags))
      await double.api.addTags(arn, { team: 'ai', cost: 'c1' })
      assert.deepEqual(await double.api.listTags(arn), { ...tags, team: 'ai', cost: 'c1' })
      await double.api.deleteTags(arn, ['cost', 'absent'])
      assert.deepEqual(await double.api.listTags(arn), { ...tags, team: 'ai' })
      // boto/boto3#4606: ListTags with a lower-cased ARN answers "Resource does not exist".
      for (const wrong of [arn.toLowerCase(), `${ACCOUNT}:training-job/never-created`]) {
        const err = await rejection(double.api.listTags(wrong))
        assert.equal(err.code, 'ValidationException')
        const wire = onWire(double, err)
        if (wire) assert.deepEqual(wire, { code: 'ValidationException', message: 'Resource does not exist' })
      }
      const [record] = await double.api.searchByTag('TrainingJob', TAG.address, tags[TAG.address]!)
      assert.equal(record?.TrainingJob?.TrainingJobArn, arn)
      assert.deepEqual(Object.fromEntries((record?.TrainingJob?.Tags ?? []).map((t) => [t.Key, t.Value])), { ...tags, team: 'ai' })
    })

    it('Search by tag returns every match once, in creation order, over pages of at most 100 (NextToken)', async () => {
      const names = Array.from({ length: 205 }, (_, i) => `page-${String(i).padStart(3, '0')}`)
      for (const name of names) await double.api.createTrainingJob(training(name, { [TAG.lineage]: LINEAGE }))
      for (const name of ['other-1', 'other-2']) await double.api.createTrainingJob(training(name, { [TAG.lineage]: 'another' }))
      await double.api.stopTrainingJob('other-2')

      const found = await double.api.searchByTag('TrainingJob', TAG.lineage, LINEAGE)
      assert.deepEqual(found.map((r) => r.TrainingJob?.TrainingJobName), names)
      const running = await double.api.searchInProgress('TrainingJob')
      assert.deepEqual(running.map((r) => r.TrainingJob?.TrainingJobName).sort(), [...names, 'other-1'].sort())
      if (!double.wire) return
      const { sdk, requests } = double.wire
      assert.equal(requests('Search'), 3 + 3, 'ceil(205 / 100) pages for each of the two searches')

      const query: SearchCommandInput = { Resource: 'TrainingJob', SearchExpression: { Filters: [{ Name: `Tags.${TAG.lineage}`, Operator: 'Equals', Value: LINEAGE }] }, SortBy: 'CreationTime', SortOrder: 'Ascending' }
      const first = await sdk.send(new SearchCommand({ ...query, MaxResults: 2 }))
      assert.deepEqual(first.Results?.map((r) => r.TrainingJob?.TrainingJobName), ['page-000', 'page-001'])
      assert.ok(first.NextToken)
      const second = await sdk.send(new SearchCommand({ ...query, MaxResults: 2, NextToken: first.NextToken }))
      assert.deepEqual(second.Results?.map((r) => r.TrainingJob?.TrainingJobName), ['page-002', 'page-003'])
      const last = await sdk.send(new SearchCommand({ ...query, SortOrder: 'Descending', MaxResults: 100 }))
      assert.equal(last.Results?.[0]?.TrainingJob?.TrainingJobName, 'page-204')
      await assert.rejects(sdk.send(new SearchCommand({ ...query, MaxResults: 101 })), { name: 'ValidationException' })
    })

    it('a tuning job launches training jobs named after it, linked to it and carrying its tags ("also added to all training jobs")', async () => {
      const tags = own('sagemaker_hyperparameter_tuning_job.children')
      const { arn } = await double.api.createTuningJob(tuning('Kids', tags))
      double.elapse(60)
      const children = await double.api.listTrainingJobsForTuningJob('Kids')
      assert.ok(children.length >= 1 && children.length <= 2, `MaxParallelTrainingJobs 2: ${children.length} launched`)
      for (const child of children) {
        assert.match(child.TrainingJobName ?? '', /^Kids-\d{3}-[0-9a-f]{8}$/)
        assert.equal(child.TrainingJobArn, `${ACCOUNT}:training-job/${child.TrainingJobName}`)
        assert.ok(child.CreationTime instanceof Date)
        assert.deepEqual(Object.keys(child.TunedHyperParameters ?? {}).sort(), ['eta', 'max_depth'])
        const live = await jobOps(double.api, 'sagemaker_training_job').describe(child.TrainingJobName!)
        assert.equal(live?.tuning_job_arn, arn)
        assert.deepEqual(await double.api.listTags(child.TrainingJobArn!), tags)
      }
      const tagged = await double.api.searchByTag('TrainingJob', TAG.lineage, LINEAGE)
      assert.deepEqual(tagged.map((r) => r.TrainingJob?.TrainingJobName).sort(), children.map((c) => c.TrainingJobName).sort())

      double.elapse(HOUR * 24)
      const later = await double.api.listTrainingJobsForTuningJob('Kids')
      assert.equal(later.length, 4, 'MaxNumberOfTrainingJobs in all')
      assert.deepEqual(later.filter((c) => c.TrainingJobStatus === 'InProgress'), [])
      const done = await double.api.describeTuningJob('Kids')
      assert.equal(done.found && done.job.HyperParameterTuningJobStatus, 'Completed')
      if (!double.wire) return
      // The client reads 100 a page; the pages themselves, as the service's MaxResults and NextToken make them.
      const page = (NextToken?: string) => double.wire!.sdk.send(new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'Kids', SortBy: 'Name', MaxResults: 3, NextToken }))
      const first = await page()
      const second = await page(first.NextToken)
      assert.deepEqual([first.TrainingJobSummaries?.length, second.TrainingJobSummaries?.length, second.NextToken], [3, 1, undefined])
      assert.deepEqual([...first.TrainingJobSummaries!, ...second.TrainingJobSummaries!].map((c) => c.TrainingJobName), later.map((c) => c.TrainingJobName).sort())
    })
  })
}

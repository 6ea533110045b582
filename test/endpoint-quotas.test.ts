// The local endpoint's Service Quotas API and its enforcement of SageMaker's quotas, through the real AWS SDK clients.
import assert from 'node:assert/strict'
import { CreateHyperParameterTuningJobCommand, CreateTrainingJobCommand, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker'
import { GetServiceQuotaCommand, ListServiceQuotasCommand, RequestServiceQuotaIncreaseCommand, ServiceQuotasClient, paginateListServiceQuotas } from '@aws-sdk/client-service-quotas'
import { serveLocalEndpoint } from '../src/services/local-endpoint.js'
import { endpointsOfSuite, rejects, trainingJob, type OpenEndpoint } from './helpers/endpoint.js'
import { sageform } from './helpers/cli.js'

const limitMessage = (name: string, value: number, usage: number, delta: number, unit: string) =>
  `The account-level service limit '${name}' is ${value} ${unit}, with current utilization of ${usage} ${unit} and a request delta of ${delta} ${unit}. Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.`

function tuning(name: string, parallel: number, resourceConfig: object, extra: object = {}) {
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: 'Random' as const,
      ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: parallel },
      HyperParameterTuningJobObjective: { Type: 'Maximize' as const, MetricName: 'validation:accuracy' },
      ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.1', MaxValue: '0.5' }] },
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1', TrainingInputMode: 'File' as const, MetricDefinitions: [{ Name: 'validation:accuracy', Regex: 'acc=([0-9.]+)' }] },
      RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
      OutputDataConfig: { S3OutputPath: 's3://bucket/out/' },
      ResourceConfig: resourceConfig as never,
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      ...extra,
    },
  }
}

describe('local endpoint: SageMaker quotas', () => {
  const open = endpointsOfSuite({ manualClock: {} })
  let ep: OpenEndpoint
  let sq: ServiceQuotasClient

  before(async () => {
    ep = await open({ quotas: { 'ml.m5.large for training job usage': 3, 'L-4CEE6BA6': 1, 'ml.g5.2xlarge for training job usage': 4 } })
    sq = new ServiceQuotasClient({ endpoint: ep.endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 })
  })
  after(() => sq.destroy())

  it('lists every quota it knows in pages of at most 100, as ListServiceQuotas does, with overrides applied', async () => {
    const pages = []
    for await (const page of paginateListServiceQuotas({ client: sq, pageSize: 50 }, { ServiceCode: 'sagemaker' })) pages.push(page)
    assert.ok(pages.length >= 3 && pages.slice(0, -1).every((p) => p.Quotas!.length === 50))
    const all = pages.flatMap((p) => p.Quotas!)
    assert.equal(new Set(all.map((q) => q.QuotaCode)).size, all.length, 'no quota twice')
    const byName = new Map(all.map((q) => [q.QuotaName, q]))
    assert.deepEqual(
      { code: byName.get('ml.m5.large for training job usage')?.QuotaCode, value: byName.get('ml.m5.large for training job usage')?.Value, arn: byName.get('ml.m5.large for training job usage')?.QuotaArn },
      { code: 'L-611FA074', value: 3, arn: 'arn:aws:servicequotas:us-east-1:123456789012:sagemaker/L-611FA074' },
    )
    assert.equal(byName.get('ml.m5.xlarge for spot training job usage')?.Value, 1, 'an override by code')
    assert.equal(byName.get('Maximum number of hyper parameter tuning jobs that can run at once in parallel')?.Value, 100)
    await rejects(sq.send(new ListServiceQuotasCommand({ ServiceCode: 'sagemaker', MaxResults: 101 })), 'ValidationException')
    await rejects(sq.send(new ListServiceQuotasCommand({ ServiceCode: 'sagemaker', NextToken: 'garbage' })), 'InvalidPaginationTokenException')
    await rejects(sq.send(new ListServiceQuotasCommand({ ServiceCode: 'nosuchservice' })), 'NoSuchResourceException')
  })

  it('gets one quota by code, and says NoSuchResource for a code it does not know', async () => {
    const got = await sq.send(new GetServiceQuotaCommand({ ServiceCode: 'sagemaker', QuotaCode: 'L-00C91CB5' }))
    assert.equal(got.Quota?.QuotaName, 'Number of instances across all training jobs')
    await rejects(sq.send(new GetServiceQuotaCommand({ ServiceCode: 'sagemaker', QuotaCode: 'L-00000000' })), 'NoSuchResourceException')
  })

  it('refuses a training job past an instance quota, counting only what still runs', async () => {
    await ep.sm.send(new CreateTrainingJobCommand(trainingJob('q-a', { ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 10 } })))
    await rejects(ep.sm.send(new CreateTrainingJobCommand(trainingJob('q-b', { ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 10 } }))), 'ResourceLimitExceeded', limitMessage('ml.m5.large for training job usage', 3, 2, 2, 'Instances'))
    // Spot counts against its own quota.
    const spot = { EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 } }
    await rejects(ep.sm.send(new CreateTrainingJobCommand(trainingJob('q-spot', { ...spot, ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 2, VolumeSizeInGB: 10 } }))), 'ResourceLimitExceeded', limitMessage('ml.m5.xlarge for spot training job usage', 1, 0, 2, 'Instances'))
    // Instance groups are summed per type.
    await rejects(
      ep.sm.send(new CreateTrainingJobCommand(trainingJob('q-groups', { ResourceConfig: { InstanceGroups: [{ InstanceGroupName: 'a', InstanceType: 'ml.m5.large', InstanceCount: 1 }, { InstanceGroupName: 'b', InstanceType: 'ml.m5.large', InstanceCount: 1 }], VolumeSizeInGB: 10 } }))),
      'ResourceLimitExceeded',
      limitMessage('ml.m5.large for training job usage', 3, 2, 2, 'Instances'),
    )
    await ep.sm.send(new StopTrainingJobCommand({ TrainingJobName: 'q-a' }))
    ep.endpoint.advanceClock(3600)
    await ep.sm.send(new CreateTrainingJobCommand(trainingJob('q-b', { ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 10 } })))
  })

  it('refuses a tuning job whose peak (parallel × one training job) does not fit, and raises a quota on request', async () => {
    await rejects(ep.sm.send(new CreateHyperParameterTuningJobCommand(tuning('t-big', 3, { InstanceType: 'ml.g5.2xlarge', InstanceCount: 2, VolumeSizeInGB: 10 }))), 'ResourceLimitExceeded', limitMessage('ml.g5.2xlarge for training job usage', 4, 0, 6, 'Instances'))
    await rejects(ep.sm.send(new CreateHyperParameterTuningJobCommand(tuning('t-par', 11, { InstanceType: 'ml.c5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 }))), 'ResourceLimitExceeded', limitMessage('Maximum number of training jobs each hyper parameter tuning job can run in parallel at once', 10, 0, 11, 'Jobs'))
    const raised = await sq.send(new RequestServiceQuotaIncreaseCommand({ ServiceCode: 'sagemaker', QuotaCode: 'L-2D6DEB3C', DesiredValue: 6 }))
    assert.equal(raised.RequestedQuota?.Status, 'APPROVED')
    await ep.sm.send(new CreateHyperParameterTuningJobCommand(tuning('t-big', 3, { InstanceType: 'ml.g5.2xlarge', InstanceCount: 2, VolumeSizeInGB: 10 })))
    await rejects(sq.send(new RequestServiceQuotaIncreaseCommand({ ServiceCode: 'sagemaker', QuotaCode: 'L-2D6DEB3C', DesiredValue: 2 })), 'IllegalArgumentException')
  })

  it('refuses an unknown or malformed --quota before it listens', async () => {
    await assert.rejects(serveLocalEndpoint({ quota: ['ml.m5.large for training job usage'] }), /--quota must be NAME=VALUE/)
    await assert.rejects(serveLocalEndpoint({ quota: ['ml.nope for training job usage=1'] }), /Unknown SageMaker quota "ml\.nope for training job usage"/)
    await assert.rejects(serveLocalEndpoint({ quota: ['L-611FA074=-1'] }), /must be a number ≥ 0/)
    const cli = sageform(['local-endpoint', '--quota', 'Number of instances across all training jobs=many'])
    assert.equal(cli.status, 1)
    assert.match(cli.stderr, /--quota must be NAME=VALUE with a number value/)
  })
})

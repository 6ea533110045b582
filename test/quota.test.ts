// The quota check (src/planner/quota.ts): what new jobs need against the account's quotas and what runs now. Pure and
// table-driven: fixed plans, fixed quota values, fixed Search records.
import assert from 'node:assert/strict'
import { QUOTA, increaseCommand, instanceQuotaName, knownQuotaCode, parseLimitMessage } from '../src/model/quotas.js'
import type { QuotaItem } from '../src/plan/quota.js'
import type { Plan, ResourceChange } from '../src/plan/types.js'
import { checkQuotas, jobNeed, limitExceededHelp, quotaDiagnostics, runningUsage, type Amounts, type QuotaValue } from '../src/planner/quota.js'
import type { SearchRecord } from '../src/sagemaker/types.js'
import type { JsonValue } from '../src/model/state.js'

const M5 = 'ml.m5.xlarge'
const P3 = 'ml.p3.2xlarge'
const G5 = 'ml.g5.2xlarge'
const onDemand = (type: string) => instanceQuotaName(type, false)
const spotQ = (type: string) => instanceQuotaName(type, true)

const training = (resourceConfig: JsonValue, spot = false): JsonValue => ({
  RoleArn: 'arn:aws:iam::123456789012:role/R',
  AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
  OutputDataConfig: { S3OutputPath: 's3://b/o' },
  ResourceConfig: resourceConfig,
  StoppingCondition: { MaxRuntimeInSeconds: 3600, ...(spot ? { MaxWaitTimeInSeconds: 7200 } : {}) },
  ...(spot ? { EnableManagedSpotTraining: true } : {}),
})

const definition = (resourceConfig: JsonValue, name?: string, spot = false): JsonValue => ({
  ...(name ? { DefinitionName: name } : {}),
  AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
  RoleArn: 'arn:aws:iam::123456789012:role/R',
  OutputDataConfig: { S3OutputPath: 's3://b/o' },
  ResourceConfig: resourceConfig,
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  ...(spot ? { EnableManagedSpotTraining: true } : {}),
})

const tuning = (parallel: number, defs: JsonValue[], extra: { maxJobs?: number; strategy?: string } = {}): JsonValue => ({
  HyperParameterTuningJobConfig: {
    Strategy: extra.strategy ?? 'Bayesian',
    ResourceLimits: { MaxParallelTrainingJobs: parallel, ...(extra.maxJobs !== undefined ? { MaxNumberOfTrainingJobs: extra.maxJobs } : {}) },
  },
  ...(defs.length === 1 ? { TrainingJobDefinition: defs[0]! } : { TrainingJobDefinitions: defs }),
})

function change(address: string, request: JsonValue, action: ResourceChange['action'] = 'create', before?: string): ResourceChange {
  const type = address.startsWith('sagemaker_training_job') ? 'sagemaker_training_job' : 'sagemaker_hyperparameter_tuning_job'
  return { address, type, action, ...(before ? { before: { name: before, status: 'InProgress' } } : {}), after: { name: `${address}-job`, spec_hash: null, generation: 1, request, tags: {} }, attribute_changes: [], depends_on: [] }
}

const plan = (changes: ResourceChange[]): Pick<Plan, 'changes'> => ({ changes })

/** Quota values by name; the code comes from sageform's table (or a made-up-free placeholder when it has none). */
function quotas(values: Record<string, number>): Map<string, QuotaValue> {
  return new Map(Object.entries(values).map(([name, value]) => [name, { code: knownQuotaCode(name) ?? 'L-00000000', value }]))
}

const DEFAULTS = {
  [QUOTA.instancesAcrossTraining]: 20,
  [QUOTA.instancesAcrossSpotTraining]: 20,
  [QUOTA.instancesPerTrainingJob]: 20,
  [QUOTA.instancesPerSpotTrainingJob]: 20,
  [QUOTA.concurrentTuningJobs]: 100,
  [QUOTA.trainingJobsPerTuningJob]: 750,
  [QUOTA.randomTrainingJobsPerTuningJob]: 500,
  [QUOTA.parallelTrainingJobsPerTuningJob]: 10,
  [onDemand(M5)]: 8,
  [spotQ(M5)]: 4,
  [onDemand(P3)]: 0,
  [onDemand(G5)]: 2,
}

const running = (entries: Record<string, Record<string, number>>): Map<string, Amounts> => new Map(Object.entries(entries).map(([job, held]) => [job, new Map(Object.entries(held))]))

type Expect = Partial<Pick<QuotaItem, 'need' | 'usage' | 'released' | 'outcome' | 'value' | 'per_job'>>

describe('quota check (planner)', () => {
  const cases: Array<{ name: string; changes: ResourceChange[]; values?: Record<string, number>; running?: Map<string, Amounts>; expect: Record<string, Expect>; errors?: number; unchecked?: string[] }> = [
    {
      name: 'a training job that fits: per type, across all jobs, per job',
      changes: [change('sagemaker_training_job.a', training({ InstanceType: M5, InstanceCount: 2 }))],
      expect: { [onDemand(M5)]: { need: 2, usage: 0, outcome: 'fits' }, [QUOTA.instancesAcrossTraining]: { need: 2, outcome: 'fits' }, [QUOTA.instancesPerTrainingJob]: { need: 2, per_job: true, outcome: 'fits' } },
    },
    {
      name: 'an instance type with a quota of 0: an error',
      changes: [change('sagemaker_training_job.a', training({ InstanceType: P3, InstanceCount: 1 }))],
      expect: { [onDemand(P3)]: { need: 1, value: 0, outcome: 'exceeds' } },
      errors: 1,
    },
    {
      name: 'two jobs add up on one quota',
      changes: [change('sagemaker_training_job.a', training({ InstanceType: M5, InstanceCount: 5 })), change('sagemaker_training_job.b', training({ InstanceType: M5, InstanceCount: 4 }))],
      expect: { [onDemand(M5)]: { need: 9, value: 8, outcome: 'exceeds' } },
      errors: 1,
    },
    {
      name: 'fits only once running jobs finish: a warning',
      changes: [change('sagemaker_training_job.a', training({ InstanceType: M5, InstanceCount: 4 }))],
      running: running({ other: { [onDemand(M5)]: 6, [QUOTA.instancesAcrossTraining]: 6 } }),
      expect: { [onDemand(M5)]: { need: 4, usage: 6, released: 0, outcome: 'after-others' }, [QUOTA.instancesAcrossTraining]: { need: 4, usage: 6, outcome: 'fits' } },
    },
    {
      name: 'a replace: the old job still runs, and this plan stops it',
      changes: [change('sagemaker_training_job.a', training({ InstanceType: M5, InstanceCount: 6 }), 'replace', 'old-job')],
      running: running({ 'old-job': { [onDemand(M5)]: 6, [QUOTA.instancesAcrossTraining]: 6 } }),
      expect: { [onDemand(M5)]: { need: 6, usage: 6, released: 6, outcome: 'after-others' } },
    },
    {
      name: 'instance groups: counts summed per type, the total per job',
      changes: [change('sagemaker_training_job.a', training({ InstanceGroups: [{ InstanceGroupName: 'a', InstanceType: M5, InstanceCount: 3 }, { InstanceGroupName: 'b', InstanceType: G5, InstanceCount: 3 }, { InstanceGroupName: 'c', InstanceType: M5, InstanceCount: 1 }] }))],
      expect: { [onDemand(M5)]: { need: 4, outcome: 'fits' }, [onDemand(G5)]: { need: 3, value: 2, outcome: 'exceeds' }, [QUOTA.instancesAcrossTraining]: { need: 7 }, [QUOTA.instancesPerTrainingJob]: { need: 7 } },
      errors: 1,
    },
    {
      name: 'managed spot: the spot quotas, not the on-demand ones',
      changes: [change('sagemaker_training_job.a', training({ InstanceType: M5, InstanceCount: 5 }, true))],
      expect: { [spotQ(M5)]: { need: 5, value: 4, outcome: 'exceeds' }, [QUOTA.instancesAcrossSpotTraining]: { need: 5, outcome: 'fits' }, [QUOTA.instancesPerSpotTrainingJob]: { need: 5 } },
      errors: 1,
    },
    {
      name: 'a spot quota missing from the account: not listed, a warning',
      changes: [change('sagemaker_training_job.a', training({ InstanceType: G5, InstanceCount: 1 }, true))],
      expect: { [spotQ(G5)]: { need: 1, value: null, outcome: 'not-listed' } },
    },
    {
      name: 'a tuning job: parallel × one training job at its peak, one concurrent tuning job',
      changes: [change('sagemaker_hyperparameter_tuning_job.t', tuning(3, [definition({ InstanceType: M5, InstanceCount: 2 })], { maxJobs: 30 }))],
      expect: { [onDemand(M5)]: { need: 6, outcome: 'fits' }, [QUOTA.instancesAcrossTraining]: { need: 6 }, [QUOTA.concurrentTuningJobs]: { need: 1 }, [QUOTA.parallelTrainingJobsPerTuningJob]: { need: 3, per_job: true }, [QUOTA.trainingJobsPerTuningJob]: { need: 30, per_job: true }, [QUOTA.instancesPerTrainingJob]: { need: 2, per_job: true } },
    },
    {
      name: 'a tuning job with several definitions: each quota takes the largest alternative',
      changes: [change('sagemaker_hyperparameter_tuning_job.t', tuning(4, [definition({ InstanceType: M5, InstanceCount: 1 }, 'small'), definition({ InstanceType: M5, InstanceCount: 3 }, 'big'), definition({ InstanceType: G5, InstanceCount: 1 }, 'gpu')]))],
      expect: { [onDemand(M5)]: { need: 12, value: 8, outcome: 'exceeds' }, [onDemand(G5)]: { need: 4, value: 2, outcome: 'exceeds' }, [QUOTA.instancesAcrossTraining]: { need: 12 }, [QUOTA.parallelTrainingJobsPerTuningJob]: { need: 4 } },
      errors: 2,
    },
    {
      name: 'instance configs of HyperParameterTuningResourceConfig are alternatives too',
      changes: [change('sagemaker_hyperparameter_tuning_job.t', tuning(2, [{ ...(definition({ InstanceType: M5, InstanceCount: 1 }) as object), ResourceConfig: undefined, HyperParameterTuningResourceConfig: { InstanceConfigs: [{ InstanceType: M5, InstanceCount: 2, VolumeSizeInGB: 30 }, { InstanceType: G5, InstanceCount: 1, VolumeSizeInGB: 30 }] } } as unknown as JsonValue]))],
      expect: { [onDemand(M5)]: { need: 4, outcome: 'fits' }, [onDemand(G5)]: { need: 2, outcome: 'fits' }, [QUOTA.instancesAcrossTraining]: { need: 4 } },
    },
    {
      name: 'per-tuning-job limits: parallel jobs over the quota, Random search over its own quota',
      changes: [change('sagemaker_hyperparameter_tuning_job.t', tuning(12, [definition({ InstanceType: 'ml.c5.xlarge', InstanceCount: 1 })], { maxJobs: 600, strategy: 'Random' }))],
      values: { [onDemand('ml.c5.xlarge')]: 20 },
      expect: { [QUOTA.parallelTrainingJobsPerTuningJob]: { need: 12, value: 10, outcome: 'exceeds', per_job: true }, [QUOTA.randomTrainingJobsPerTuningJob]: { need: 600, value: 500, outcome: 'exceeds' } },
      errors: 2,
    },
    {
      name: 'a re-tune is a new job and counts like a create; concurrent tuning jobs include running ones',
      changes: [change('sagemaker_hyperparameter_tuning_job.t', tuning(2, [definition({ InstanceType: M5, InstanceCount: 1 })]), 'retune')],
      values: { [QUOTA.concurrentTuningJobs]: 2 },
      running: running({ a: { [QUOTA.concurrentTuningJobs]: 1 }, b: { [QUOTA.concurrentTuningJobs]: 1 } }),
      expect: { [onDemand(M5)]: { need: 2 }, [QUOTA.concurrentTuningJobs]: { need: 1, usage: 2, value: 2, outcome: 'after-others' } },
    },
    {
      name: 'a deferred warm start runs after its parent: the larger of the two, not their sum',
      changes: [change('sagemaker_hyperparameter_tuning_job.parent', tuning(4, [definition({ InstanceType: G5, InstanceCount: 1 })])), { ...change('sagemaker_hyperparameter_tuning_job.child', tuning(2, [definition({ InstanceType: G5, InstanceCount: 1 })])), deferred: { reason: 'warm start', waiting_for: ['sagemaker_hyperparameter_tuning_job.parent'] } }],
      values: { [onDemand(G5)]: 4 },
      expect: { [onDemand(G5)]: { need: 4, outcome: 'fits' }, [QUOTA.concurrentTuningJobs]: { need: 1 } },
    },
    {
      name: 'a deferred job that cannot fit even alone is an error',
      changes: [{ ...change('sagemaker_hyperparameter_tuning_job.child', tuning(3, [definition({ InstanceType: G5, InstanceCount: 1 })])), deferred: { reason: 'warm start', waiting_for: ['sagemaker_hyperparameter_tuning_job.parent'] } }],
      expect: { [onDemand(G5)]: { need: 3, value: 2, outcome: 'exceeds' } },
      errors: 1,
    },
    {
      name: 'no-op, update and stop changes need nothing',
      changes: [change('sagemaker_training_job.a', training({ InstanceType: P3, InstanceCount: 9 }), 'no-op'), change('sagemaker_training_job.b', training({ InstanceType: P3, InstanceCount: 9 }), 'update')],
      expect: {},
    },
    {
      name: 'an instance count known only after apply: reported unchecked, not passed',
      changes: [change('sagemaker_training_job.a', training({ InstanceType: P3, InstanceCount: { $unknown: 'var.count' } })), change('sagemaker_training_job.b', training({ InstanceType: M5, InstanceCount: 1 }))],
      expect: { [onDemand(M5)]: { need: 1, outcome: 'fits' } },
      unchecked: ['sagemaker_training_job.a'],
    },
  ]

  for (const c of cases) {
    it(c.name, () => {
      const check = checkQuotas(plan(c.changes), { region: 'us-east-1', quotas: quotas({ ...DEFAULTS, ...c.values }), running: c.running ?? new Map() })
      const byName = new Map(check.items.map((i) => [i.quota_name, i]))
      for (const [name, expected] of Object.entries(c.expect)) {
        const item = byName.get(name)
        assert.ok(item, `no item for "${name}"; items: ${[...byName.keys()].join(' | ')}`)
        for (const [key, value] of Object.entries(expected)) assert.deepEqual(item[key as keyof QuotaItem], value, `${name}: ${key}`)
      }
      if (Object.keys(c.expect).length === 0) assert.deepEqual(check.items, [])
      const diags = quotaDiagnostics(check)
      assert.equal(diags.filter((d) => d.severity === 'error').length, c.errors ?? 0, JSON.stringify(diags, null, 1))
      assert.deepEqual(check.unchecked.map((u) => u.address), c.unchecked ?? [])
      if (c.unchecked) assert.ok(diags.some((d) => d.summary === 'Quotas checked without some jobs' && d.detail!.includes('var.count')))
    })
  }

  it('an error names the quota, its value, the usage and the need, with the exact increase command', () => {
    const check = checkQuotas(plan([change('sagemaker_training_job.a', training({ InstanceType: M5, InstanceCount: 3 }))]), { region: 'eu-west-1', quotas: quotas({ ...DEFAULTS, [onDemand(M5)]: 4 }), running: running({ other: { [onDemand(M5)]: 2 } }) })
    assert.equal(check.items[0]!.outcome, 'after-others')
    const tight = checkQuotas(plan([change('sagemaker_training_job.a', training({ InstanceType: M5, InstanceCount: 5 }))]), { region: 'eu-west-1', quotas: quotas({ ...DEFAULTS, [onDemand(M5)]: 4 }), running: running({ other: { [onDemand(M5)]: 2 } }) })
    const [error] = quotaDiagnostics(tight).filter((d) => d.severity === 'error')
    assert.equal(error!.summary, 'Plan exceeds the SageMaker quota "ml.m5.xlarge for training job usage"')
    assert.match(error!.detail!, /need 5 instances at once \(sagemaker_training_job\.a\); the quota \(L-CCE2AFA6\) is 4 in eu-west-1, and 2 instances are in use now/)
    assert.equal(error!.hint, 'Ask AWS to raise it: aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code L-CCE2AFA6 --desired-value 7 --region eu-west-1')
  })

  it('a quota sageform has no code for: the hint finds the code by name first', () => {
    assert.match(increaseCommand(undefined, 'ml.x9.huge for training job usage', 2, 'us-east-1'), /list-service-quotas --service-code sagemaker --region us-east-1 --query "Quotas\[\?QuotaName=='ml.x9.huge for training job usage'\]\.QuotaCode"/)
  })

  it('not checked: one warning, never an error', () => {
    const diags = quotaDiagnostics({ status: 'not-checked', region: 'us-east-1', reason: 'Service Quotas: AccessDeniedException: no', items: [], unchecked: [] })
    assert.equal(diags.length, 1)
    assert.equal(diags[0]!.severity, 'warning')
    assert.equal(diags[0]!.summary, 'Quotas not checked')
    assert.match(diags[0]!.detail!, /AccessDeniedException/)
    assert.match(diags[0]!.hint!, /servicequotas:ListServiceQuotas.*--no-quota-check/)
  })
})

describe('quota usage from Search records', () => {
  const trainingRecord = (name: string, rc: object, extra: object = {}): SearchRecord => ({ TrainingJob: { TrainingJobName: name, TrainingJobStatus: 'InProgress', ResourceConfig: rc, ...extra } as never })
  const tuningRecord = (name: string, parallel: number, rc: object): SearchRecord => ({
    HyperParameterTuningJob: { HyperParameterTuningJobName: name, HyperParameterTuningJobArn: `arn:aws:sagemaker:us-east-1:1:hyper-parameter-tuning-job/${name}`, HyperParameterTuningJobConfig: { Strategy: 'Bayesian', ResourceLimits: { MaxParallelTrainingJobs: parallel } }, TrainingJobDefinition: definition(rc as JsonValue) } as never,
  })

  it('training jobs count their instances; a running tuning job holds its peak or what its children hold, whichever is more', () => {
    const usage = runningUsage(
      [
        trainingRecord('solo', { InstanceType: M5, InstanceCount: 2 }),
        trainingRecord('spotty', { InstanceType: M5, InstanceCount: 1 }, { EnableManagedSpotTraining: true }),
        trainingRecord('child-1', { InstanceType: M5, InstanceCount: 1 }, { TuningJobArn: 'arn:aws:sagemaker:us-east-1:1:hyper-parameter-tuning-job/HPO' }),
      ],
      [tuningRecord('hpo', 3, { InstanceType: M5, InstanceCount: 1 })],
    )
    assert.deepEqual(Object.fromEntries(usage.get('solo')!), { [onDemand(M5)]: 2, [QUOTA.instancesAcrossTraining]: 2 })
    assert.deepEqual(Object.fromEntries(usage.get('spotty')!), { [spotQ(M5)]: 1, [QUOTA.instancesAcrossSpotTraining]: 1 })
    assert.deepEqual(Object.fromEntries(usage.get('hpo')!), { [onDemand(M5)]: 3, [QUOTA.instancesAcrossTraining]: 3, [QUOTA.concurrentTuningJobs]: 1 })
    assert.equal(usage.has('child-1'), false)
  })

  it('jobNeed of a record without a size: unknown', () => {
    assert.ok('unknown' in jobNeed('sagemaker_training_job', { ResourceConfig: { InstanceCount: 1 } }))
  })
})

describe('ResourceLimitExceeded from Create', () => {
  const message = "The account-level service limit 'ml.m5.xlarge for training job usage' is 1 Instances, with current utilization of 1 Instances and a request delta of 2 Instances. Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota."

  it('is parsed and explained with the same hint as the plan check', () => {
    assert.deepEqual(parseLimitMessage(message), { name: 'ml.m5.xlarge for training job usage', value: 1, unit: 'Instances', usage: 1, delta: 2 })
    const help = limitExceededHelp(message)!
    assert.equal(help.detail, 'The SageMaker quota "ml.m5.xlarge for training job usage" (L-CCE2AFA6) is 1; 1 instance is in use and this job needs 2 instances more.')
    assert.equal(help.hint, 'Wait for running jobs to finish, or ask AWS to raise it: aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code L-CCE2AFA6 --desired-value 3')
    assert.equal(limitExceededHelp('You have too many training jobs.'), undefined)
  })
})

// Cost arithmetic (src/planner/cost.ts) on fixed requests, and the lines the plan shows for it (src/ui/cost.ts).
import assert from 'node:assert/strict'
import type { JobCost, JobCostUnknown } from '../src/plan/cost.js'
import type { Plan, ResourceChange } from '../src/plan/types.js'
import { DEFAULT_MAX_RUNTIME_SECONDS, DEFAULT_MAX_TRAINING_JOBS, instanceTypes, jobCost, jobSize, withCost, type PriceBook } from '../src/planner/cost.js'
import type { JsonValue } from '../src/model/state.js'
import { formatDuration, formatUsd, jobCostLine, totalCostLine } from '../src/ui/cost.js'
import { renderPlan } from '../src/ui/plan.js'
import { makeStyle } from '../src/ui/style.js'

const NO_PRICES: PriceBook = { quotes: {} }
const PRICES: PriceBook = {
  quotes: {
    'ml.m5.xlarge': { usd_per_hour: 0.23, source: 'aws' },
    'ml.g5.2xlarge': { usd_per_hour: 1.515, source: 'aws' },
    'ml.p3.2xlarge': { usd_per_hour: 3.825, source: 'aws' },
    'ml.c5.xlarge': { usd_per_hour: 0.204, source: 'pinned' },
  },
}

const rc = (type: string, count = 1) => ({ InstanceType: type, InstanceCount: count, VolumeSizeInGB: 30 })
const training = (extra: Record<string, JsonValue>): JsonValue => ({ RoleArn: 'arn:aws:iam::123456789012:role/R', AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' }, OutputDataConfig: { S3OutputPath: 's3://b/o' }, ...extra })
const definition = (extra: Record<string, JsonValue>): Record<string, JsonValue> => ({ RoleArn: 'arn:aws:iam::123456789012:role/R', AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' }, OutputDataConfig: { S3OutputPath: 's3://b/o' }, ...extra })
const tuning = (limits: Record<string, JsonValue>, definitions: { single: Record<string, JsonValue> } | { many: Array<Record<string, JsonValue>> }, config: Record<string, JsonValue> = {}): JsonValue => ({
  HyperParameterTuningJobConfig: { Strategy: 'Random', ResourceLimits: limits, ...config },
  ...('single' in definitions ? { TrainingJobDefinition: definitions.single } : { TrainingJobDefinitions: definitions.many }),
})

function cost(type: ResourceChange['type'], request: JsonValue, book = NO_PRICES): JobCost | JobCostUnknown {
  const size = jobSize(type, request)
  return 'unknown' in size ? size : jobCost(size, book)
}

/** The fields a row checks; the rest of JobCost is checked where it matters. */
function summary(c: JobCost | JobCostUnknown) {
  if ('unknown' in c) return c
  return {
    hours: Object.fromEntries(c.instance_hours.map((i) => [i.instance_type, i.hours])),
    wall: c.wall_time_seconds,
    ...(c.training_jobs !== undefined ? { jobs: `${c.training_jobs} ${c.training_jobs_basis}` } : {}),
    ...(c.max_runtime_defaulted ? { defaulted: true } : {}),
    ...(c.capped_by_tuning_runtime ? { capped: true } : {}),
    ...(c.definition ? { definition: c.definition } : {}),
    ...(c.managed_spot ? { spot: true } : {}),
    usd: c.usd,
  }
}

describe('cost arithmetic', () => {
  const T = 'sagemaker_training_job' as const
  const H = 'sagemaker_hyperparameter_tuning_job' as const
  const cases: Array<[string, ResourceChange['type'], JsonValue, PriceBook, ReturnType<typeof summary>]> = [
    ['training: count × runtime', T, training({ ResourceConfig: rc('ml.m5.xlarge', 2), StoppingCondition: { MaxRuntimeInSeconds: 3600 } }), PRICES, { hours: { 'ml.m5.xlarge': 2 }, wall: 3600, usd: 0.46 }],
    ['training: no MaxRuntimeInSeconds is SageMaker\'s one day', T, training({ ResourceConfig: rc('ml.m5.xlarge') }), PRICES, { hours: { 'ml.m5.xlarge': 24 }, wall: 86400, defaulted: true, usd: 5.52 }],
    ['training: StoppingCondition without MaxRuntimeInSeconds', T, training({ ResourceConfig: rc('ml.m5.xlarge'), StoppingCondition: { MaxWaitTimeInSeconds: 7200 } }), NO_PRICES, { hours: { 'ml.m5.xlarge': 24 }, wall: 86400, defaulted: true, usd: null }],
    [
      'training: instance groups sum their counts per type',
      T,
      training({ ResourceConfig: { VolumeSizeInGB: 30, InstanceGroups: [{ InstanceType: 'ml.p3.2xlarge', InstanceCount: 2, InstanceGroupName: 'a' }, { InstanceType: 'ml.c5.xlarge', InstanceCount: 1, InstanceGroupName: 'b' }, { InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, InstanceGroupName: 'c' }] }, StoppingCondition: { MaxRuntimeInSeconds: 1800 } }),
      PRICES,
      { hours: { 'ml.p3.2xlarge': 1.5, 'ml.c5.xlarge': 0.5 }, wall: 1800, usd: 5.8395 },
    ],
    ['training: managed spot bills runtime, waits up to MaxWaitTimeInSeconds', T, training({ ResourceConfig: rc('ml.m5.xlarge'), EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 } }), PRICES, { hours: { 'ml.m5.xlarge': 1 }, wall: 7200, spot: true, usd: 0.23 }],
    ['training: a type without a price', T, training({ ResourceConfig: rc('ml.trn1.32xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 3600 } }), PRICES, { hours: { 'ml.trn1.32xlarge': 1 }, wall: 3600, usd: null }],
    ['training: instance type known after apply', T, training({ ResourceConfig: { InstanceType: { $unknown: 'var.type' }, InstanceCount: 1 } }), PRICES, { unknown: 'ResourceConfig.InstanceType depends on var.type' }],
    [
      'tuning: jobs × count × runtime; wall = ceil(jobs / parallel) × runtime',
      H,
      tuning({ MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 3 }, { single: definition({ ResourceConfig: rc('ml.g5.2xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 7200 } }) }),
      PRICES,
      { hours: { 'ml.g5.2xlarge': 40 }, wall: 7 * 7200, jobs: '20 manifest', usd: 60.6 },
    ],
    [
      'tuning: no MaxNumberOfTrainingJobs is the default quota of 750',
      H,
      tuning({ MaxParallelTrainingJobs: 10 }, { single: definition({ ResourceConfig: rc('ml.m5.xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 3600 } }) }),
      PRICES,
      { hours: { 'ml.m5.xlarge': 750 }, wall: 75 * 3600, jobs: '750 default-quota', usd: 172.5 },
    ],
    [
      'tuning: Grid without MaxNumberOfTrainingJobs runs every categorical combination',
      H,
      tuning({ MaxParallelTrainingJobs: 2 }, { single: definition({ ResourceConfig: rc('ml.m5.xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 3600 } }) }, { Strategy: 'Grid', ParameterRanges: { CategoricalParameterRanges: [{ Name: 'a', Values: ['1', '2', '3'] }, { Name: 'b', Values: ['x', 'y'] }] } }),
      PRICES,
      { hours: { 'ml.m5.xlarge': 6 }, wall: 3 * 3600, jobs: '6 grid', usd: 1.38 },
    ],
    [
      'tuning: ResourceLimits.MaxRuntimeInSeconds caps wall time and parallel × runtime caps billed time',
      H,
      tuning({ MaxNumberOfTrainingJobs: 60, MaxParallelTrainingJobs: 6, MaxRuntimeInSeconds: 6 * 3600 }, { single: definition({ ResourceConfig: rc('ml.m5.xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 3600 } }) }),
      PRICES,
      { hours: { 'ml.m5.xlarge': 36 }, wall: 6 * 3600, jobs: '60 manifest', capped: true, usd: 8.28 },
    ],
    [
      'tuning: a MaxRuntimeInSeconds above the bound changes nothing',
      H,
      tuning({ MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2, MaxRuntimeInSeconds: 100 * 3600 }, { single: definition({ ResourceConfig: rc('ml.m5.xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 3600 } }) }),
      PRICES,
      { hours: { 'ml.m5.xlarge': 4 }, wall: 2 * 3600, jobs: '4 manifest', usd: 0.92 },
    ],
    [
      'tuning: HyperParameterTuningResourceConfig wins over ResourceConfig',
      H,
      tuning({ MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 2 }, { single: definition({ HyperParameterTuningResourceConfig: { InstanceType: 'ml.c5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30 }, StoppingCondition: { MaxRuntimeInSeconds: 3600 } }) }),
      PRICES,
      { hours: { 'ml.c5.xlarge': 4 }, wall: 3600, jobs: '2 manifest', usd: 0.816 },
    ],
    [
      'tuning: of several InstanceConfigs, the dearest when every price is known',
      H,
      tuning({ MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 5 }, { single: definition({ HyperParameterTuningResourceConfig: { AllocationStrategy: 'Prioritized', InstanceConfigs: [{ InstanceType: 'ml.m5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30 }, { InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 30 }] }, StoppingCondition: { MaxRuntimeInSeconds: 3600 } }) }),
      PRICES,
      { hours: { 'ml.g5.2xlarge': 10 }, wall: 2 * 3600, jobs: '10 manifest', definition: 'instance config 2', usd: 15.15 },
    ],
    [
      'tuning: of several definitions, the most instance-hours when a price is unknown',
      H,
      tuning({ MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 5 }, { many: [definition({ DefinitionName: 'small', ResourceConfig: rc('ml.m5.xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 3600 } }), definition({ DefinitionName: 'wide', ResourceConfig: rc('ml.c5.xlarge', 3), StoppingCondition: { MaxRuntimeInSeconds: 1800 } })] }),
      NO_PRICES,
      { hours: { 'ml.c5.xlarge': 15 }, wall: 2 * 3600, jobs: '10 manifest', definition: 'definition "wide"', usd: null },
    ],
    [
      'tuning: of several definitions, the dearest when every price is known',
      H,
      tuning({ MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 5 }, { many: [definition({ DefinitionName: 'gpu', ResourceConfig: rc('ml.p3.2xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 3600 } }), definition({ DefinitionName: 'cpu', ResourceConfig: rc('ml.c5.xlarge', 3), StoppingCondition: { MaxRuntimeInSeconds: 3600 } })] }),
      PRICES,
      { hours: { 'ml.p3.2xlarge': 10 }, wall: 2 * 3600, jobs: '10 manifest', definition: 'definition "gpu"', usd: 38.25 },
    ],
    [
      'tuning: a spot definition waits up to MaxWaitTimeInSeconds per round',
      H,
      tuning({ MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 }, { single: definition({ ResourceConfig: rc('ml.m5.xlarge'), EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 5400 } }) }),
      PRICES,
      { hours: { 'ml.m5.xlarge': 4 }, wall: 2 * 5400, jobs: '4 manifest', spot: true, usd: 0.92 },
    ],
    ['tuning: MaxNumberOfTrainingJobs known after apply', H, tuning({ MaxNumberOfTrainingJobs: { $unknown: 'var.n' }, MaxParallelTrainingJobs: 2 }, { single: definition({ ResourceConfig: rc('ml.m5.xlarge') }) }), PRICES, { unknown: 'HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs depends on var.n' }],
  ]
  for (const [name, type, request, book, expected] of cases) {
    it(name, () => assert.deepEqual(summary(cost(type, request, book)), expected))
  }

  it('uses SageMaker\'s documented defaults', () => {
    assert.equal(DEFAULT_MAX_RUNTIME_SECONDS, 86400)
    assert.equal(DEFAULT_MAX_TRAINING_JOBS, 750)
  })

  it('prices carry their source, and a missing one its reason', () => {
    const c = cost(T, training({ ResourceConfig: { InstanceGroups: [{ InstanceType: 'ml.c5.xlarge', InstanceCount: 1, InstanceGroupName: 'a' }, { InstanceType: 'ml.x.new', InstanceCount: 1, InstanceGroupName: 'b' }] }, StoppingCondition: { MaxRuntimeInSeconds: 3600 } }), { ...PRICES, unknown: { 'ml.x.new': 'not in the price list' } }) as JobCost
    assert.deepEqual(c.instance_hours, [
      { instance_type: 'ml.c5.xlarge', hours: 1, usd_per_hour: 0.204, price_source: 'pinned', usd: 0.204 },
      { instance_type: 'ml.x.new', hours: 1, usd_per_hour: null, price_source: null, usd: null, price_unknown_reason: 'not in the price list' },
    ])
    assert.equal(c.usd, null)
  })
})

const REQUEST_TRAINING = training({ ResourceConfig: rc('ml.m5.xlarge'), EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 } })
const REQUEST_TUNING = tuning({ MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 4 }, { single: definition({ ResourceConfig: rc('ml.g5.2xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 7200 } }) })

function change(address: string, action: ResourceChange['action'], request: JsonValue): ResourceChange {
  const type = address.split('.')[0] as ResourceChange['type']
  return {
    address,
    type,
    action,
    attribute_changes: [],
    depends_on: [],
    ...(action === 'stop' || action === 'no-op' ? { before: { name: `${address.split('.')[1]}-old`, status: 'Completed' } } : {}),
    ...(action !== 'stop' ? { after: { name: `${address.split('.')[1]}-0123abcd`, spec_hash: '0123abcd', generation: 1, request, tags: {} } } : {}),
  }
}

/** A fixed plan: a spot training job and a tuning job to create, one unchanged job and one to stop. */
function fixedPlan(): Plan {
  const changes = [change('sagemaker_training_job.churn', 'create', REQUEST_TRAINING), change('sagemaker_hyperparameter_tuning_job.search', 'replace', REQUEST_TUNING), change('sagemaker_training_job.kept', 'no-op', REQUEST_TRAINING), change('sagemaker_training_job.gone', 'stop', null)]
  return { format_version: '1.0', config_hash: 'h', state: { lineage: null, serial: 0 }, refreshed: false, changes, drift: [], summary: { create: 1, replace: 1, update: 0, stop: 1, adopt: 0, retune: 0, delete: 0 }, diagnostics: [] }
}

describe('plan cost', () => {
  it('counts only the jobs the plan creates, and totals them per type', () => {
    const plan = withCost(fixedPlan(), PRICES, { region: 'us-east-1', prices_as_of: '2026-11-01' })
    assert.deepEqual(instanceTypes(plan), ['ml.g5.2xlarge', 'ml.m5.xlarge'])
    assert.deepEqual(
      plan.changes.map((c) => c.cost !== undefined),
      [true, true, false, false],
    )
    assert.deepEqual(plan.cost, {
      region: 'us-east-1',
      instance_hours: [
        { instance_type: 'ml.g5.2xlarge', hours: 40, usd_per_hour: 1.515, price_source: 'aws', usd: 60.6 },
        { instance_type: 'ml.m5.xlarge', hours: 1, usd_per_hour: 0.23, price_source: 'aws', usd: 0.23 },
      ],
      hours: 41,
      usd: 60.83,
      prices_as_of: '2026-11-01',
      managed_spot: true,
      not_counted: [],
    })
  })

  it('leaves a plan that creates nothing as it is', () => {
    const plan = fixedPlan()
    plan.changes = plan.changes.filter((c) => c.action === 'no-op' || c.action === 'stop')
    assert.equal(withCost(plan, PRICES, { region: 'us-east-1', prices_as_of: null }), plan)
  })

  it('a job sized only after apply is listed, not counted', () => {
    const plan = fixedPlan()
    plan.changes.push(change('sagemaker_training_job.later', 'create', training({ ResourceConfig: { InstanceType: { $unknown: 'sagemaker_training_job.churn.name' }, InstanceCount: 1 } })))
    const costed = withCost(plan, NO_PRICES, { region: null, prices_as_of: null })
    assert.deepEqual(costed.changes[4]!.cost, { unknown: 'ResourceConfig.InstanceType depends on sagemaker_training_job.churn.name' })
    assert.deepEqual(costed.cost!.not_counted, ['sagemaker_training_job.later'])
    assert.equal(costed.cost!.usd, null)
    assert.equal(costed.cost!.hours, 41)
  })
})

describe('cost rendering', () => {
  const style = makeStyle(false)

  it('formats durations and dollars', () => {
    assert.deepEqual([7200, 5400, 900, 45, 86400, 150].map(formatDuration), ['2h', '1h30m', '15m', '45s', '24h', '2m30s'])
    assert.deepEqual([0.23, 1234.5, 0.001, 0].map(formatUsd), ['$0.23', '$1,234.50', '<$0.01', '$0.00'])
  })

  it('shows each new job\'s size and the total under the summary (exact text)', () => {
    const plan = withCost(fixedPlan(), PRICES, { region: 'us-east-1', prices_as_of: '2026-11-01' })
    assert.equal(
      renderPlan(plan, style),
      [
        'Up to date:',
        '  = sagemaker_training_job.kept: job kept-old (Completed)',
        '',
        'sageform will perform the following actions:',
        '',
        '  # sagemaker_training_job.churn will be created',
        '  # max size: 1 × ml.m5.xlarge × 1h = 1 instance-hour, $0.23; wall time ≤ 2h; managed spot: up to 90% cheaper, billed time only',
        '  + resource "sagemaker_training_job" "churn" {',
        '      + new job  = churn-0123abcd',
        '    }',
        '',
        '  # sagemaker_hyperparameter_tuning_job.search must be replaced',
        '  # max size: 20 jobs × 1 × ml.g5.2xlarge × 2h = 40 instance-hours, $60.60; wall time ≤ 10h (4 in parallel)',
        '+/- resource "sagemaker_hyperparameter_tuning_job" "search" {',
        '      + new job  = search-0123abcd',
        '    }',
        '',
        '  # sagemaker_training_job.gone will be stopped and forgotten',
        '  - resource "sagemaker_training_job" "gone" {',
        '      job      = gone-old (Completed)',
        '    }',
        '',
        'Plan: 1 to create, 1 to replace, 0 to update, 1 to stop.',
        'Cost: at most 41 instance-hours (ml.g5.2xlarge 40, ml.m5.xlarge 1), $60.83 (us-east-1 on-demand prices as of 2026-11-01). Managed spot jobs may cost up to 90% less.',
        '(planned from the state file alone: --refresh=false)',
      ].join('\n'),
    )
  })

  it('says "price unknown" and why, never a figure', () => {
    const plan = withCost(fixedPlan(), { quotes: {}, unknown: { 'ml.g5.2xlarge': 'price list unreachable', 'ml.m5.xlarge': 'price list unreachable' } }, { region: 'us-east-1', prices_as_of: null })
    assert.equal(jobCostLine(plan.changes[1]!.cost!), '  # max size: 20 jobs × 1 × ml.g5.2xlarge × 2h = 40 instance-hours, price unknown; wall time ≤ 10h (4 in parallel)')
    assert.equal(totalCostLine(plan.cost!), 'Cost: at most 41 instance-hours (ml.g5.2xlarge 40, ml.m5.xlarge 1), price unknown (price list unreachable). Managed spot jobs may cost up to 90% less.')
    assert.doesNotMatch(renderPlan(plan, style), /\$/)
  })

  it('labels pinned prices, and names the types without a price', () => {
    const pinned = withCost(fixedPlan(), { quotes: { 'ml.g5.2xlarge': { usd_per_hour: 1.5, source: 'pinned' }, 'ml.m5.xlarge': { usd_per_hour: 0.2, source: 'pinned' } } }, { region: 'eu-west-1', prices_as_of: null })
    assert.equal(jobCostLine(pinned.changes[1]!.cost!), '  # max size: 20 jobs × 1 × ml.g5.2xlarge × 2h = 40 instance-hours, $60.00 (pinned); wall time ≤ 10h (4 in parallel)')
    assert.match(totalCostLine(pinned.cost!), /^Cost: at most 41 instance-hours \(ml\.g5\.2xlarge 40, ml\.m5\.xlarge 1\), \$60\.20 \(pinned prices\)\./)
    const mixed = withCost(fixedPlan(), { quotes: { 'ml.m5.xlarge': { usd_per_hour: 0.2, source: 'pinned' } }, unknown: { 'ml.g5.2xlarge': "not in AWS's price list for eu-west-1" } }, { region: 'eu-west-1', prices_as_of: '2026-11-01' })
    assert.match(totalCostLine(mixed.cost!), /, price unknown for ml\.g5\.2xlarge \(not in AWS's price list for eu-west-1\)\./)
    const both = withCost(fixedPlan(), { quotes: { 'ml.m5.xlarge': { usd_per_hour: 0.2, source: 'pinned' }, 'ml.g5.2xlarge': { usd_per_hour: 1.6, source: 'aws' } } }, { region: 'eu-west-1', prices_as_of: '2026-11-01' })
    assert.match(totalCostLine(both.cost!), /, \$64\.20 \(pinned prices for ml\.m5\.xlarge; eu-west-1 on-demand prices as of 2026-11-01\)\./)
  })

  it('spells out defaults, caps and the definition chosen', () => {
    const line = (request: JsonValue) => jobCostLine(cost('sagemaker_hyperparameter_tuning_job', request))
    assert.equal(
      line(tuning({ MaxParallelTrainingJobs: 10 }, { single: definition({ ResourceConfig: rc('ml.m5.xlarge') }) })),
      '  # max size: 750 jobs (default quota) × 1 × ml.m5.xlarge × 24h (default max runtime) = 18,000 instance-hours, price unknown; wall time ≤ 1,800h (10 in parallel)',
    )
    assert.equal(
      line(tuning({ MaxNumberOfTrainingJobs: 60, MaxParallelTrainingJobs: 6, MaxRuntimeInSeconds: 6 * 3600 }, { many: [definition({ DefinitionName: 'xgboost', ResourceConfig: rc('ml.m5.xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 3600 } }), definition({ DefinitionName: 'lightgbm', ResourceConfig: rc('ml.c5.xlarge'), StoppingCondition: { MaxRuntimeInSeconds: 3600 } })] })),
      '  # max size: 60 jobs × 1 × ml.m5.xlarge × 1h, capped at 6 in parallel × 6h = 36 instance-hours, price unknown; wall time ≤ 6h (6 in parallel); definition "xgboost", the largest of 2',
    )
    assert.equal(jobCostLine({ unknown: 'ResourceConfig.InstanceType depends on var.t' }), '  # max size: known after apply (ResourceConfig.InstanceType depends on var.t)')
  })
})

// The policy block's guard rails (src/planner/policy.ts): limits on a plan's instance-hours and cost, and the
// instance types resources may use. Pure checks on fixed plans, then the configuration and the built CLI.
import assert from 'node:assert/strict'
import type { ApiObject, PolicySettings } from '../src/model/types.js'
import type { Plan, ResourceChange } from '../src/plan/types.js'
import { withCost, type PriceBook } from '../src/planner/cost.js'
import { instanceTypeViolations, policyViolations, requestInstanceTypes } from '../src/planner/policy.js'
import type { JsonValue } from '../src/model/state.js'
import { configDir, load, TRAINING_BODY } from './helpers/config.js'
import { sageform } from './helpers/cli.js'

const RANGE = { file: 'main.hcl', start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 7, byte: 6 } }
const PRICES: PriceBook = { quotes: { 'ml.m5.xlarge': { usd_per_hour: 0.23, source: 'pinned' }, 'ml.p3.2xlarge': { usd_per_hour: 3.825, source: 'pinned' } } }
const NO_PRICES: PriceBook = { quotes: {}, unknown: { 'ml.p3.2xlarge': 'no AWS credentials', 'ml.m5.xlarge': 'no AWS credentials' } }

const request = (type: string, count: number, seconds: number): JsonValue => ({
  RoleArn: 'arn:aws:iam::123456789012:role/R',
  AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
  OutputDataConfig: { S3OutputPath: 's3://b/o' },
  ResourceConfig: { InstanceType: type, InstanceCount: count, VolumeSizeInGB: 30 },
  StoppingCondition: { MaxRuntimeInSeconds: seconds },
})

function change(address: string, req: JsonValue, action: ResourceChange['action'] = 'create'): ResourceChange {
  return { address, type: 'sagemaker_training_job', action, after: { name: address, spec_hash: null, generation: 1, request: req, tags: {} }, attribute_changes: [], depends_on: [] }
}

function plan(changes: ResourceChange[], book?: PriceBook): Plan {
  const p: Plan = { format_version: '1.0', config_hash: 'x', state: { lineage: null, serial: 0 }, refreshed: false, changes, drift: [], summary: { create: 0, replace: 0, update: 0, stop: 0, adopt: 0, retune: 0, delete: 0 }, diagnostics: [] }
  return book ? withCost(p, book, { region: 'us-east-1', prices_as_of: null }) : p
}

// a: 2 × ml.m5.xlarge for 10 h = 20 instance-hours, $4.60; b: 1 × ml.p3.2xlarge for 4 h = 4 instance-hours, $15.30.
const A = change('sagemaker_training_job.a', request('ml.m5.xlarge', 2, 36000))
const B = change('sagemaker_training_job.b', request('ml.p3.2xlarge', 1, 14400), 'replace')
const NOOP = change('sagemaker_training_job.c', request('ml.p3.2xlarge', 100, 360000), 'no-op')

describe('policy checks', () => {
  const cases: Array<{ name: string; policy: Omit<PolicySettings, 'range'>; changes: ResourceChange[]; book?: PriceBook; expect: Array<[string, ...string[]]> }> = [
    { name: 'within every limit', policy: { max_instance_hours: 24, max_cost_usd: 20 }, changes: [A, B, NOOP], book: PRICES, expect: [] },
    { name: 'no limits set', policy: {}, changes: [A, B], book: PRICES, expect: [] },
    {
      name: 'hours exceeded: names each job and the total',
      policy: { max_instance_hours: 23.5 },
      changes: [A, B, NOOP],
      expect: [['error', 'max_instance_hours', 'up to 24 instance-hours in total', 'limit of 23.5 instance-hours', 'sagemaker_training_job.a: 20 instance-hours', 'sagemaker_training_job.b: 4 instance-hours']],
    },
    { name: 'hours: a no-op change is not counted', policy: { max_instance_hours: 1 }, changes: [NOOP], expect: [] },
    {
      name: 'cost exceeded: names each job and the total',
      policy: { max_cost_usd: 19.5 },
      changes: [A, B],
      book: PRICES,
      expect: [['error', 'max_cost_usd', 'up to $19.90 on demand in total', 'limit of $19.50', 'sagemaker_training_job.b: $15.30; sagemaker_training_job.a: $4.60']],
    },
    { name: 'prices unknown: a warning, never a guessed figure', policy: { max_cost_usd: 1 }, changes: [A, B], book: NO_PRICES, expect: [['warning', 'Cost policy not checked', 'ml.m5.xlarge (no AWS credentials)', 'ml.p3.2xlarge (no AWS credentials)']] },
    { name: 'one price unknown is enough to skip the check', policy: { max_cost_usd: 1 }, changes: [A, B], book: { quotes: { 'ml.m5.xlarge': PRICES.quotes['ml.m5.xlarge']! } }, expect: [['warning', 'Cost policy not checked', 'ml.p3.2xlarge (no price)']] },
    { name: 'no cost step (--no-cost): a warning', policy: { max_cost_usd: 1 }, changes: [A], expect: [['warning', 'Cost policy not checked', '--no-cost']] },
    {
      name: 'hours exceeded with --no-cost: the error and the cost warning',
      policy: { max_instance_hours: 10, max_cost_usd: 100 },
      changes: [A],
      expect: [['error', 'sagemaker_training_job.a: 20 instance-hours'], ['warning', 'Cost policy not checked']],
    },
    {
      name: 'a job sized only after apply is left out, with a warning',
      policy: { max_instance_hours: 100 },
      changes: [change('sagemaker_training_job.u', { ResourceConfig: { InstanceType: { $unknown: 'var.x' }, InstanceCount: 1 } } as JsonValue)],
      expect: [['warning', 'checked without some jobs', 'sagemaker_training_job.u']],
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const diagnostics = policyViolations({ ...c.policy, range: RANGE }, plan(c.changes, c.book), { costEstimated: c.book !== undefined })
      assert.equal(diagnostics.length, c.expect.length, JSON.stringify(diagnostics, null, 2))
      c.expect.forEach(([severity, ...texts], i) => {
        const d = diagnostics[i]!
        assert.equal(d.severity, severity)
        for (const text of texts) assert.ok(`${d.summary}: ${d.detail}`.includes(text), `"${text}" not in "${d.summary}: ${d.detail}"`)
        assert.deepEqual(d.range, RANGE)
      })
    })
  }

  it('finds training instance types only, not the debugger rules\' processing ones', () => {
    const req: ApiObject = {
      TrainingJobDefinitions: [
        { ResourceConfig: { InstanceGroups: [{ InstanceType: 'ml.m5.xlarge' }, { InstanceType: 'ml.c5.xlarge' }] } },
        { HyperParameterTuningResourceConfig: { InstanceConfigs: [{ InstanceType: 'ml.g5.xlarge' }] } },
      ],
      DebugRuleConfigurations: [{ InstanceType: 'ml.t3.medium' }],
    }
    assert.deepEqual(requestInstanceTypes(req).map((t) => `${t.path.join('.')}=${t.type}`), [
      'TrainingJobDefinitions.0.ResourceConfig.InstanceGroups.0.InstanceType=ml.m5.xlarge',
      'TrainingJobDefinitions.0.ResourceConfig.InstanceGroups.1.InstanceType=ml.c5.xlarge',
      'TrainingJobDefinitions.1.HyperParameterTuningResourceConfig.InstanceConfigs.0.InstanceType=ml.g5.xlarge',
    ])
  })

  it('disallowed instance type: an error at the value, naming the resource and the allowed list', async () => {
    const loaded = await load(`policy {\n  allowed_instance_types = ["ml.m5.xlarge", "ml.c5.xlarge"]\n}\nresource "sagemaker_training_job" "a" {\n${TRAINING_BODY}\n}\n`)
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
    assert.equal(errors.length, 1, JSON.stringify(errors))
    assert.equal(errors[0]!.summary, 'Instance type not allowed by policy')
    assert.match(errors[0]!.detail!, /sagemaker_training_job\.a uses "ml\.m5\.large" \(resource_config\.instance_type\).*Allowed: ml\.m5\.xlarge, ml\.c5\.xlarge\./)
    assert.equal(errors[0]!.range!.start.line, 15)
    assert.deepEqual(instanceTypeViolations({ allowed_instance_types: ['ml.m5.large'], range: RANGE }, loaded.config!.resources), [])
    assert.deepEqual(instanceTypeViolations(undefined, loaded.config!.resources), [])
  })

  it('disallowed instance type in a tuning job\'s instance configs: an error at that config\'s value', async () => {
    const definition = TRAINING_BODY.replace(/resource_config \{[^}]*\}/, 'hyper_parameter_tuning_resource_config {\n    volume_size_in_gb = 10\n    instance_configs {\n      instance_type = "ml.c5.xlarge"\n      instance_count = 1\n      volume_size_in_gb = 10\n    }\n    instance_configs {\n      instance_type = "ml.g5.xlarge"\n      instance_count = 1\n      volume_size_in_gb = 10\n    }\n  }')
    const hcl = `policy {\n  allowed_instance_types = ["ml.c5.xlarge"]\n}\nresource "sagemaker_hyperparameter_tuning_job" "t" {\n  hyper_parameter_tuning_job_config {\n    strategy = "Random"\n    resource_limits {\n      max_number_of_training_jobs = 4\n      max_parallel_training_jobs = 2\n    }\n  }\n  training_job_definition {\n${definition}\n  }\n}\n`
    const loaded = await load(hcl)
    assert.deepEqual(loaded.diagnostics.map((d) => `${d.summary}: ${d.detail}`), [
      'Instance type not allowed by policy: sagemaker_hyperparameter_tuning_job.t uses "ml.g5.xlarge" (training_job_definition.hyper_parameter_tuning_resource_config.instance_configs[1].instance_type), which the policy does not allow. Allowed: ml.c5.xlarge.',
    ])
  })

  it('evaluates the policy\'s attributes with variables', async () => {
    const loaded = await load(
      `variable "hours" {\n  default = 12\n}\nvariable "types" {\n  default = ["ml.m5.large"]\n}\npolicy {\n  max_instance_hours = var.hours\n  max_cost_usd = 50\n  allowed_instance_types = var.types\n}\nresource "sagemaker_training_job" "a" {\n${TRAINING_BODY}\n}\n`,
    )
    assert.deepEqual(loaded.diagnostics, [])
    const { range: _range, ranges, ...policy } = loaded.config!.policy!
    assert.deepEqual(policy, { max_instance_hours: 12, max_cost_usd: 50, allowed_instance_types: ['ml.m5.large'] })
    assert.deepEqual(Object.entries(ranges!).map(([k, r]) => `${k}@${r.start.line}`), ['max_instance_hours@8', 'max_cost_usd@9', 'allowed_instance_types@10'])
  })

  it('rejects a second policy block', async () => {
    const loaded = await load('policy {}\npolicy {\n  max_cost_usd = 1\n}\n')
    assert.deepEqual(loaded.diagnostics.map((d) => d.summary), ['Duplicate policy block'])
  })

  it('plan --refresh=false --no-cost over max_instance_hours exits 1 naming the resource (built CLI)', () => {
    const dir = configDir({ 'main.hcl': `policy {\n  max_instance_hours = 0.5\n}\nresource "sagemaker_training_job" "big" {\n${TRAINING_BODY}\n}\n` })
    const r = sageform(['plan', '--refresh=false', '--no-cost'], { cwd: dir })
    assert.equal(r.status, 1, r.stdout + r.stderr)
    const out = r.stdout + r.stderr
    assert.match(out, /max_instance_hours/)
    assert.match(out, /sagemaker_training_job\.big: 1 instance-hour\b/)
  })
})

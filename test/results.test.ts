// `sageform results` (ranking, the convergence chart, CSV) and the best_training_job attribute a tuning job exposes to
// outputs: pure functions on fixed inputs, then the services and the built CLI against the in-process local endpoint.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { executePlan } from '../src/apply/engine.js'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import { summarize, type ResourceChange } from '../src/plan/types.js'
import { FakeSageMaker } from './helpers/fake-sagemaker.js'
import type { HyperParameterTrainingJobSummary, SageMakerApi } from '../src/sagemaker/types.js'
import { referenceAttributes } from '../src/services/plan.js'
import type { ResultsResult } from '../src/services/results.js'
import { objectiveOf, rankTrainingJobs } from '../src/watch/ranking.js'
import type { JobRecord, State } from '../src/model/state.js'
import { axisLabel, objectiveChart } from '../src/ui/chart.js'
import { chartLegend } from '../src/ui/chart.js'
import { alignDecimals, csvField, renderResults, resultsCsv, shortNumber } from '../src/ui/results.js'
import { makeStyle } from '../src/ui/style.js'
import { endpointAwsEnv, isolateAwsEnv } from './helpers/aws.js'
import { endpointEnv, runCli, schemaErrors } from './helpers/cli.js'
import { configDir, load, TRAINING_BODY } from './helpers/config.js'

const T0 = Date.parse('2026-11-23T12:00:00.000Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000)

/** A training job summary as ListTrainingJobsForHyperParameterTuningJob returns it; `value` undefined: no objective. */
function summary(name: string, launched: number, value: number | undefined, extra: Partial<HyperParameterTrainingJobSummary> = {}): HyperParameterTrainingJobSummary {
  return {
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
    CreationTime: at(launched),
    TrainingStartTime: at(launched + 60),
    TrainingEndTime: at(launched + 60 + 300),
    TrainingJobStatus: value === undefined ? 'Failed' : 'Completed',
    TunedHyperParameters: { eta: '0.1', max_depth: '5' },
    ObjectiveStatus: value === undefined ? 'Failed' : 'Succeeded',
    ...(value === undefined ? { FailureReason: 'AlgorithmError: boom' } : { FinalHyperParameterTuningJobObjectiveMetric: { Type: 'Maximize', MetricName: 'validation:auc', Value: value } }),
    ...extra,
  }
}

describe('results: ranking', () => {
  const jobs = [
    summary('j-1', 0, 0.7),
    summary('j-2', 10, undefined),
    summary('j-3', 20, 0.9),
    summary('j-4', 30, 0.7),
    summary('j-5', 40, 0.8),
    summary('j-6', 50, undefined, { TrainingJobStatus: 'InProgress', ObjectiveStatus: 'Pending', TrainingEndTime: undefined, FailureReason: undefined }),
    summary('j-0', 5, undefined),
  ]

  it('ranks Maximize highest first, ties in launch order, jobs without an objective last in launch order', () => {
    const ranked = rankTrainingJobs(jobs, 'Maximize', 'j-3')
    assert.deepEqual(
      ranked.map((j) => [j.rank, j.name, j.objective, j.best]),
      [
        [1, 'j-3', 0.9, true],
        [2, 'j-5', 0.8, false],
        [3, 'j-1', 0.7, false],
        [4, 'j-4', 0.7, false],
        [null, 'j-0', null, false],
        [null, 'j-2', null, false],
        [null, 'j-6', null, false],
      ],
    )
  })

  it('ranks Minimize lowest first', () => {
    assert.deepEqual(
      rankTrainingJobs(jobs, 'Minimize').map((j) => [j.rank, j.name]),
      [[1, 'j-1'], [2, 'j-4'], [3, 'j-5'], [4, 'j-3'], [null, 'j-0'], [null, 'j-2'], [null, 'j-6']],
    )
  })

  it('keeps what a notebook needs: times, duration, status, failure, tuned values sorted by name', () => {
    const [failed] = rankTrainingJobs([summary('f', 0, undefined, { TunedHyperParameters: { z: '1', a: '2' } })], 'Maximize')
    assert.deepEqual(failed, {
      rank: null,
      name: 'f',
      status: 'Failed',
      objective: null,
      objective_status: 'Failed',
      hyperparameters: { a: '2', z: '1' },
      definition_name: null,
      created_at: '2026-11-23T12:00:00.000Z',
      started_at: '2026-11-23T12:01:00.000Z',
      ended_at: '2026-11-23T12:06:00.000Z',
      duration_seconds: 300,
      best: false,
      failure_reason: 'AlgorithmError: boom',
    })
    const [running] = rankTrainingJobs([jobs[5]!], 'Maximize')
    assert.equal(running!.duration_seconds, null)
  })

  it('takes the direction from the tuning job, else its training job definitions, else the results', () => {
    const objective = { Type: 'Minimize' as const, MetricName: 'validation:rmse' }
    assert.deepEqual(objectiveOf({ HyperParameterTuningJobConfig: { Strategy: 'Bayesian', ResourceLimits: undefined, HyperParameterTuningJobObjective: objective } } as never), { metric_name: 'validation:rmse', type: 'Minimize' })
    assert.deepEqual(objectiveOf({ TrainingJobDefinitions: [{ DefinitionName: 'a' }, { DefinitionName: 'b', TuningObjective: objective }] } as never), { metric_name: 'validation:rmse', type: 'Minimize' })
    assert.deepEqual(objectiveOf({} as never, [summary('x', 0, undefined), summary('y', 0, 0.5)]), { metric_name: 'validation:auc', type: 'Maximize' })
    assert.deepEqual(objectiveOf({} as never), { metric_name: null, type: 'Maximize' })
  })
})

describe('results: the convergence chart', () => {
  it('draws jobs as •, the best as ◆, the running best as a braille staircase, missing objectives on the axis', () => {
    const values = [0.61, 0.72, undefined, 0.7, 0.81, 0.79, 0.85, undefined]
    const points = values.map((value, i) => ({ value, best: i === 6, pending: i === 7 }))
    assert.equal(
      objectiveChart(points, { width: 30, height: 4, type: 'Maximize' }),
      [
        '0.85 ┤             •⠤⠤⠤⠤⠤◆⠉⠉⠉',
        '     │             ⡇  •',
        '     │   •⠉⠉⠉⠉⠉•⠉⠉⠉⠁',
        '0.61 ┤•⣀⣀⡇',
        '     └──────×───────────────·',
        '      1    launch order     8',
      ].join('\n'),
    )
  })

  it('lets the running best fall when lower is better', () => {
    const points = [0.5, 0.3, 0.4, 0.1].map((value, i) => ({ value, best: i === 3 }))
    assert.equal(
      objectiveChart(points, { width: 24, height: 3, type: 'Minimize' }),
      ['0.5 ┤•⠉⠉⠉⠉⠉⡇    •', '    │      •⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⢤', '0.1 ┤                 ◆', '    └──────────────────', '     1  launch order  4'].join('\n'),
    )
  })

  it('labels a single value once, and says so when there is none', () => {
    assert.equal(objectiveChart([{ value: 0.5, best: true }], { width: 20, height: 2, type: 'Maximize' }), ['    │', '0.5 ┤◆⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉', '    └──────────────', '     1'].join('\n'))
    assert.equal(objectiveChart([{}, { pending: true }], { width: 40, type: 'Maximize' }), '(no training job has reported the objective yet)')
  })

  it('fits the width it is given, whatever the number of jobs', () => {
    const points = Array.from({ length: 500 }, (_, i) => ({ value: Math.sin(i / 30) + i / 200 }))
    for (const width of [40, 80, 132]) {
      const lines = objectiveChart(points, { width, type: 'Maximize' }).split('\n')
      assert.equal(lines.length, 12)
      assert.equal(Math.max(...lines.map((l) => [...l].length)), width - 1, `width ${width}`)
    }
    assert.deepEqual([axisLabel(0.123456), axisLabel(1234.5678), axisLabel(-2)], ['0.1235', '1235', '-2'])
  })
})

/** A results payload for the renderers: three jobs, one failed, with awkward hyperparameter text. */
function resultsFixture(): ResultsResult {
  const jobs = [
    summary('hpo-001', 0, 0.8, { TunedHyperParameters: { optimizer: 'adam', 'note,x': 'say "hi"' } }),
    summary('hpo-002', 10, 0.9123456, { TunedHyperParameters: { optimizer: 'sgd\nfast', 'note,x': 'a' } }),
    summary('hpo-003', 20, undefined, { TunedHyperParameters: { optimizer: 'adamw', 'note,x': 'b', name: 'clash' } }),
  ]
  return {
    format_version: '1.0',
    address: 'sagemaker_hyperparameter_tuning_job.hpo',
    tuning_job: { name: 'hpo', arn: 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/hpo', status: 'Completed', strategy: 'Random', objective: { metric_name: 'validation:auc', type: 'Maximize' }, best_training_job: 'hpo-002', overall_best_training_job: null, current: true, generation: 1 },
    hyperparameters: ['name', 'note,x', 'optimizer'],
    training_jobs: rankTrainingJobs(jobs, 'Maximize', 'hpo-002'),
    diagnostics: [],
  }
}

describe('results: table and CSV', () => {
  it('quotes CSV fields as RFC 4180 says: commas, quotes, CR and LF', () => {
    assert.deepEqual(
      ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', '', null, 3.5, true].map(csvField),
      ['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '"cr\r"', '', '', '3.5', 'true'],
    )
  })

  it('writes a header and one ranked row per job, CRLF, hyperparameters as columns', () => {
    assert.equal(
      resultsCsv(resultsFixture()),
      [
        'rank,name,status,objective,objective_status,best,definition_name,created_at,started_at,ended_at,duration_seconds,failure_reason,hyperparameter:name,"note,x",optimizer',
        '1,hpo-002,Completed,0.9123456,Succeeded,true,,2026-11-23T12:00:10.000Z,2026-11-23T12:01:10.000Z,2026-11-23T12:06:10.000Z,300,,,a,"sgd\nfast"',
        '2,hpo-001,Completed,0.8,Succeeded,false,,2026-11-23T12:00:00.000Z,2026-11-23T12:01:00.000Z,2026-11-23T12:06:00.000Z,300,,,"say ""hi""",adam',
        ',hpo-003,Failed,,Failed,false,,2026-11-23T12:00:20.000Z,2026-11-23T12:01:20.000Z,2026-11-23T12:06:20.000Z,300,AlgorithmError: boom,clash,b,adamw',
        '',
      ].join('\r\n'),
    )
  })

  it('renders the ranked table with the best marked, then the chart at the terminal width', () => {
    const text = renderResults(resultsFixture(), makeStyle(false), { width: 60, chartHeight: 4 })
    const lines = text.split('\n')
    assert.equal(lines[0], 'sagemaker_hyperparameter_tuning_job.hpo: tuning job hpo (Completed, Random)')
    assert.equal(lines[1], 'objective validation:auc (Maximize); 3 training jobs: 2 Completed, 1 Failed')
    assert.deepEqual(lines.slice(3, 7), [
      '   #  training job  status     objective  name   note,x    optimizer  duration',
      '★  1  hpo-002       Completed  0.9123456         a         sgd\\nfast        5m',
      '   2  hpo-001       Completed  0.8               say "hi"  adam             5m',
      '   -  hpo-003       Failed             -  clash  b         adamw            5m',
    ])
    assert.deepEqual(alignDecimals(['12.5', '0.93', '-', '100', '-0.25']), [' 12.5 ', '  0.93', '-', '100   ', ' -0.25'])
    assert.equal(lines[12], '       └──────────────────────────────────────────────────×')
    assert.ok(lines.some((l) => l.includes('◆')), 'the chart marks the best job')
    assert.deepEqual(lines.slice(7).filter((l) => [...l].length > 59), [], 'the chart and its legend fit the terminal (the table need not)')
    assert.equal(lines[14], '• training job  ◆ best  ⣀ running best (higher is better)')
    assert.equal(lines[15], '× no objective  · running', 'every mark the chart draws is in the legend, wrapped to the width')
    const legend = chartLegend('Maximize', 200)
    for (const mark of ['•', '◆', '⣀', '×', '·']) assert.ok(legend.includes(`${mark} `), `${mark} is explained`)
    assert.match(text, /Best: hpo-002 validation:auc = 0\.9123456$/)
    assert.deepEqual([shortNumber('0.2380256311'), shortNumber('0.238'), shortNumber('128'), shortNumber('adam'), shortNumber('0.000012345678')], ['0.238', '0.238', '128', 'adam', '0.00001235'])
  })
})

describe('best_training_job', () => {
  const LINEAGE = '6f1c2a4e-0000-4000-8000-0000000000bb'
  const ADDRESS = 'sagemaker_hyperparameter_tuning_job.hpo'
  const BEST = { name: 'hpo-1-003-abcd', hyperparameters: { eta: '0.2', max_depth: '6' }, objective: 0.93, model_artifacts: 's3://bucket/out/hpo-1-003-abcd/output/model.tar.gz' }

  function tuningRecord(name: string, status: string, extra: Partial<JobRecord> = {}): JobRecord {
    return { name, arn: `arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/${name}`, spec_hash: 'h', status, created_at: '2026-11-01T00:00:00.000Z', updated_at: '2026-11-01T00:00:00.000Z', generation: 1, ...extra }
  }

  function noOp(record: JobRecord, liveStatus: string): ResourceChange {
    return { address: ADDRESS, type: 'sagemaker_hyperparameter_tuning_job', action: 'no-op', before: { name: record.name, arn: record.arn, status: liveStatus, spec_hash: 'h', generation: 1 }, attribute_changes: [], depends_on: [] }
  }

  async function refresh(api: SageMakerApi, record: JobRecord, liveStatus: string): Promise<JobRecord> {
    const state: State = { format_version: 1, lineage: LINEAGE, serial: 1, resources: { [ADDRESS]: { type: 'sagemaker_hyperparameter_tuning_job', current: record, history: [] } } }
    const changes = [noOp(record, liveStatus)]
    const result = await executePlan({
      plan: { format_version: '1.0', config_hash: 'c', state: { lineage: LINEAGE, serial: 1 }, refreshed: true, changes, drift: [], summary: summarize(changes), diagnostics: [] },
      api,
      state,
      persist: async () => {},
      parallelism: 1,
      resolveRequest: async () => ({ error: 'not used' }),
    })
    assert.deepEqual(result.errors, [])
    return result.state.resources[ADDRESS]!.current!
  }

  function fakeWithBest(status: 'Completed' | 'Failed' = 'Completed'): FakeSageMaker {
    const api = new FakeSageMaker()
    api.seedTuningJob('hpo-1', {
      status,
      job: { BestTrainingJob: { TrainingJobName: BEST.name, TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${BEST.name}`, CreationTime: at(0), TrainingJobStatus: 'Completed', TunedHyperParameters: { max_depth: '6', eta: '0.2' }, FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'validation:auc', Value: 0.93 } } },
    })
    api.seedTrainingJob(BEST.name, { status: 'Completed', job: { ModelArtifacts: { S3ModelArtifacts: BEST.model_artifacts } } })
    api.calls.length = 0
    return api
  }

  it('is recorded by the no-op refresh once the tuning job has ended, and not asked for again', async () => {
    const api = fakeWithBest()
    const refreshed = await refresh(api, tuningRecord('hpo-1', 'InProgress'), 'Completed')
    assert.equal(refreshed.status, 'Completed')
    assert.deepEqual(refreshed.best_training_job, BEST)
    assert.deepEqual(api.calls.map((c) => c.op), ['describeTuningJob', 'describeTrainingJob'])

    api.calls.length = 0
    await refresh(api, refreshed, 'Completed')
    assert.deepEqual(api.calls, [])
  })

  it('is not read while the tuning job runs, and a failed job is asked once, when its status changes', async () => {
    const api = fakeWithBest('Failed')
    assert.equal((await refresh(api, tuningRecord('hpo-1', 'InProgress'), 'InProgress')).best_training_job, undefined)
    assert.deepEqual(api.calls, [])
    await refresh(api, tuningRecord('hpo-1', 'InProgress'), 'Failed')
    assert.equal(api.calls.length, 2)
    api.calls.length = 0
    await refresh(api, tuningRecord('hpo-1', 'Failed'), 'Failed')
    assert.deepEqual(api.calls, [])
  })

  it('is an attribute of tuning jobs only: unknown until recorded, then an object references read', async () => {
    const hcl = `
resource "sagemaker_hyperparameter_tuning_job" "hpo" {
  name = "hpo-1"
${TUNING_BODY}
}
output "best_model" { value = sagemaker_hyperparameter_tuning_job.hpo.best_training_job }
output "best_eta" { value = sagemaker_hyperparameter_tuning_job.hpo.best_training_job.hyperparameters.eta }
`
    const validated = await load(hcl)
    assert.deepEqual(validated.diagnostics.filter((d) => d.severity === 'error'), [])
    assert.equal(String(validated.config!.outputs.get('best_model')!.value), '(known after apply)')

    const { loadConfiguration } = await import('../src/services/setup/configuration.js')
    const dir = configDir({ 'main.hcl': hcl })
    const state = (record: JobRecord): State => ({ format_version: 1, lineage: LINEAGE, serial: 1, resources: { [ADDRESS]: { type: 'sagemaker_hyperparameter_tuning_job', current: record, history: [] } } })
    const running = await loadConfiguration({ dir, variables: [], env: {}, resourceAttributes: referenceAttributes(state(tuningRecord('hpo-1', 'InProgress')), new Set()) })
    assert.equal(String(running.config!.outputs.get('best_model')!.value), '(known after apply)')
    const done = await loadConfiguration({ dir, variables: [], env: {}, resourceAttributes: referenceAttributes(state(tuningRecord('hpo-1', 'Completed', { best_training_job: BEST })), new Set()) })
    assert.deepEqual(JSON.parse(JSON.stringify(done.config!.outputs.get('best_model')!.value)), { ...BEST, tuning_job: 'hpo-1' }, 'tuning_job: the tuning job that launched it')
    assert.equal(done.config!.outputs.get('best_eta')!.value, '0.2')

    const training = await load(`
resource "sagemaker_training_job" "t" {
${TRAINING_BODY}
}
output "x" { value = sagemaker_training_job.t.best_training_job }
`)
    const error = training.diagnostics.find((d) => d.severity === 'error')
    assert.equal(error?.summary, 'Unsupported attribute')
    assert.match(error!.detail!, /exposes name, arn, status, failure_reason\./)
  })
})

/** The tuning job's training jobs: TRAINING_BODY, its algorithm reporting the metric the search minimizes. */
const DEFINITION_BODY = TRAINING_BODY.replace(
  'training_input_mode = "File"',
  `training_input_mode = "File"
    metric_definitions {
      name  = "validation:rmse"
      regex = "rmse=([0-9.]+)"
    }`,
)

/** A small Random search: 5 training jobs, 2 at a time, minimizing validation:rmse. */
const TUNING_BODY = `
  hyper_parameter_tuning_job_config {
    strategy    = "Random"
    random_seed = 11
    hyper_parameter_tuning_job_objective {
      type        = "Minimize"
      metric_name = "validation:rmse"
    }
    resource_limits {
      max_number_of_training_jobs = 5
      max_parallel_training_jobs  = 2
    }
    parameter_ranges {
      continuous_parameter_ranges {
        name      = "eta"
        min_value = 0.01
        max_value = 0.5
      }
      integer_parameter_ranges {
        name      = "max_depth"
        min_value = 2
        max_value = 8
      }
    }
  }
  training_job_definition {
    static_hyper_parameters = { num_round = 50 }
${DEFINITION_BODY}
  }
`

/** Each test its own name_prefix: they share one endpoint, and the same spec would give the same job name. */
const hpoConfig = (prefix: string) => `
resource "sagemaker_hyperparameter_tuning_job" "hpo" {
  name_prefix = "${prefix}"
${TUNING_BODY}
}

output "best_model" {
  value = sagemaker_hyperparameter_tuning_job.hpo.best_training_job
}
`

const readState = (dir: string) => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State

/** Moves the endpoint's clock a day on: a tuning job of five jobs of a few simulated minutes has completed by then. */
async function completeTuningJob(endpoint: Endpoint, api: SageMakerApi, name: string): Promise<void> {
  endpoint.advanceClock(86_400)
  const d = await api.describeTuningJob(name)
  assert.equal(d.found && d.job.HyperParameterTuningJobStatus, 'Completed')
}

describe('results and best_model against the local endpoint', function () {
  this.slow(5_000)
  const dirs: string[] = []
  let endpoint: Endpoint
  let restoreEnv: () => void

  before(async () => {
    // The clock moves only when a test moves it: the tuning job runs until the test says it is done, however slow the
    // machine (on a fast clock a slow apply could see it end, and "no best model while it runs" would go untested).
    endpoint = await startEndpoint({ manualClock: {} })
    restoreEnv = isolateAwsEnv({ ...endpointAwsEnv(endpoint.url), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' })
  })

  after(async () => {
    restoreEnv()
    await endpoint.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  const workDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'sageform-results-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'main.hcl'), hpoConfig(prefix))
    return dir
  }

  it('ranks the training jobs of a tuning job applied through the services, and the next apply records best_model', async () => {
    // import(): the services, the engine and the client must share the ESM copy of SageMakerError (see commands-nock).
    const { prepareApply, executeApply } = await import('../src/services/apply.js')
    const { results } = await import('../src/services/results.js')
    const { createSageMakerClient } = await import('../src/sagemaker/client.js')
    const dir = workDir('svc')
    const apply = async () => {
      const { prepared, diagnostics } = await prepareApply({ dir, variables: [], env: {}, refresh: true, replace: [], parallelism: 4, lockTimeoutMs: 0 })
      assert.ok(prepared, JSON.stringify(diagnostics))
      const payload = await executeApply(prepared)
      assert.deepEqual(payload.diagnostics.filter((d) => d.severity === 'error'), [])
      return payload
    }
    assert.equal((await apply()).summary.created, 1)
    const name = readState(dir).resources['sagemaker_hyperparameter_tuning_job.hpo']!.current!.name
    assert.equal(readState(dir).outputs?.best_model, undefined, 'no best model while the tuning job runs')

    const api = createSageMakerClient({ region: 'us-east-1' })
    await completeTuningJob(endpoint, api, name)
    const result = await results({ dir, address: 'sagemaker_hyperparameter_tuning_job.hpo', variables: [], env: {} })
    assert.deepEqual(result.diagnostics, [])
    assert.deepEqual(schemaErrors('results', JSON.parse(JSON.stringify(result))), [])
    assert.deepEqual(result.tuning_job && { ...result.tuning_job, arn: undefined }, {
      name,
      arn: undefined,
      status: 'Completed',
      strategy: 'Random',
      objective: { metric_name: 'validation:rmse', type: 'Minimize' },
      best_training_job: result.training_jobs[0]!.name,
      overall_best_training_job: null,
      current: true,
      generation: 1,
    })
    assert.deepEqual(result.hyperparameters, ['eta', 'max_depth'])
    assert.equal(result.training_jobs.length, 5)
    const objectives = result.training_jobs.map((j) => j.objective!)
    assert.deepEqual(objectives, [...objectives].sort((a, b) => a - b), 'lowest rmse first')
    assert.deepEqual(result.training_jobs.map((j) => j.rank), [1, 2, 3, 4, 5])
    assert.deepEqual(result.training_jobs.map((j) => j.best), [true, false, false, false, false])
    const listed = await api.listTrainingJobsForTuningJob(name)
    assert.deepEqual(result.training_jobs.map((j) => j.name).sort(), listed.map((s) => s.TrainingJobName).sort())
    for (const job of result.training_jobs) {
      assert.equal(job.status, 'Completed')
      assert.ok(job.duration_seconds! > 0)
      assert.match(job.name, new RegExp(`^${name}-00[1-5]-`))
    }

    await apply()
    const current = readState(dir).resources['sagemaker_hyperparameter_tuning_job.hpo']!.current!
    const best = result.training_jobs[0]!
    const expected = { name: best.name, hyperparameters: best.hyperparameters, objective: best.objective, model_artifacts: `s3://bucket/out/${best.name}/output/model.tar.gz` }
    assert.deepEqual(current.best_training_job, expected)
    assert.deepEqual(readState(dir).outputs?.best_model, { value: { ...expected, tuning_job: current.name } })

    // A later generation: the job ranked above is now in the resource's history, and --job still shows it.
    const state = readState(dir)
    const resource = state.resources['sagemaker_hyperparameter_tuning_job.hpo']!
    resource.history.push(resource.current!)
    resource.current = { ...resource.current!, name: 'svc-00000000', generation: 2 }
    writeFileSync(join(dir, 'sageform.state.json'), JSON.stringify({ ...state, serial: state.serial + 1 }))
    const earlier = await results({ dir, address: 'sagemaker_hyperparameter_tuning_job.hpo', job: name, variables: [], env: {} })
    assert.deepEqual([earlier.tuning_job?.name, earlier.tuning_job?.current, earlier.tuning_job?.generation], [name, false, 1])
    assert.deepEqual(earlier.training_jobs, result.training_jobs)
    const gone = await results({ dir, address: 'sagemaker_hyperparameter_tuning_job.hpo', variables: [], env: {} })
    assert.deepEqual(gone.diagnostics.map((d) => d.summary), ['Tuning job not found'])

    const missing = await results({ dir, address: 'sagemaker_hyperparameter_tuning_job.hpo', job: 'hpo-nope', variables: [], env: {} })
    assert.equal(missing.tuning_job, null)
    assert.equal(missing.diagnostics[0]?.summary, 'Job not recorded for this resource')
    assert.deepEqual(schemaErrors('results', JSON.parse(JSON.stringify(missing))), [])
    const wrong = await results({ dir, address: 'sagemaker_training_job.hpo', variables: [], env: {} })
    assert.equal(wrong.diagnostics[0]?.summary, 'Resource not in the state')
  })

  it('the built CLI: apply, apply again once the tuning job completed, output --json best_model, results --csv', async () => {
    const dir = workDir('cli')
    const cli = (args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url) })
    const ok = async (args: string[]) => {
      const run = await cli(args)
      assert.equal(run.status, 0, `sageform ${args.join(' ')}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`)
      return run
    }

    await ok(['apply', '--auto-approve'])
    const name = readState(dir).resources['sagemaker_hyperparameter_tuning_job.hpo']!.current!.name
    const early = await cli(['output', '--json', 'best_model'])
    assert.equal(early.status, 1, 'no best_model before the tuning job has ended')

    const { createSageMakerClient } = await import('../src/sagemaker/client.js')
    await completeTuningJob(endpoint, createSageMakerClient({ region: 'us-east-1' }), name)
    await ok(['apply', '--auto-approve'])
    const output = JSON.parse((await ok(['output', '--json', 'best_model'])).stdout)
    assert.deepEqual(schemaErrors('output', output), [])
    const best = output.outputs.best_model.value
    assert.deepEqual(Object.keys(best), ['name', 'hyperparameters', 'objective', 'model_artifacts', 'tuning_job'])
    assert.match(best.name, new RegExp(`^${name}-00[1-5]-[0-9a-f]{8}$`))
    assert.deepEqual(Object.keys(best.hyperparameters), ['eta', 'max_depth'])
    assert.equal(typeof best.objective, 'number')
    assert.equal(best.model_artifacts, `s3://bucket/out/${best.name}/output/model.tar.gz`)

    const json = JSON.parse((await ok(['results', 'sagemaker_hyperparameter_tuning_job.hpo', '--json'])).stdout)
    assert.deepEqual(schemaErrors('results', json), [])
    assert.equal(json.training_jobs[0].name, best.name)
    assert.equal(json.training_jobs[0].objective, best.objective)

    const csv = (await ok(['results', 'sagemaker_hyperparameter_tuning_job.hpo', '--csv'])).stdout
    const rows = csv.split('\r\n')
    assert.equal(rows.length, 7, 'a header, five rows and the final CRLF')
    assert.equal(rows[0], 'rank,name,status,objective,objective_status,best,definition_name,created_at,started_at,ended_at,duration_seconds,failure_reason,eta,max_depth')
    assert.match(rows[1]!, new RegExp(`^1,${best.name},Completed,${best.objective},Succeeded,true,`))

    const text = (await ok(['results', 'sagemaker_hyperparameter_tuning_job.hpo'])).stdout
    assert.match(text, new RegExp(`^sagemaker_hyperparameter_tuning_job\\.hpo: tuning job ${name} \\(Completed, Random\\)`))
    assert.match(text, /running best \(lower is better\)/)
    const chart = text.split('\n').filter((l) => /[┤│└]/.test(l))
    assert.equal(chart.length, 11)
    assert.deepEqual(chart.filter((l) => [...l].length > 80), [], 'the chart fits the default 80 columns when stdout is not a terminal')

    const wrong = await cli(['results', 'sagemaker_hyperparameter_tuning_job.nope'])
    assert.equal(wrong.status, 1)
    assert.match(wrong.stderr, /Resource not in the state/)
  })
})

// A cron-style re-tune end to end: the built CLI against the in-process local endpoint, whose clock moves only when the
// test moves it (a day at a time), so a busy machine changes nothing. Generation 1 is applied and completes; a week later on the service's clock, `apply --auto-approve
// --detailed-exitcode` starts generation 2 warm-started from generation 1 and exits 2; run again at once, it exits 0.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeHyperParameterTuningJobCommand } from '@aws-sdk/client-sagemaker'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, schemaErrors, type CliRun } from './helpers/cli.js'
import type { ResultsResult } from '../src/services/results.js'
import { retunableTuning } from './helpers/config.js'
import { endpointsOfSuite } from './helpers/endpoint.js'

const ADDRESS = 'sagemaker_hyperparameter_tuning_job.churn'
const DAY_SECONDS = 86_400

describe('scheduled re-tuning, end to end', function () {
  const open = endpointsOfSuite({ manualClock: {} })
  const dirs: string[] = []
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  it('cron apply: generation 2 warm-starts from generation 1 once retune_every has passed (exit 2), then nothing is due (exit 0)', async () => {
    const { endpoint, sm } = await open()
    const dir = mkdtempSync(join(tmpdir(), 'sageform-retune-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'main.hcl'), retunableTuning({ lifecycle: 'retune_every = "7d"\n    keep_generations = 3', extra: 'warm_start_from_previous = true' }))
    const cron = () => runCli(['apply', '--auto-approve', '--detailed-exitcode'], { cwd: dir, env: endpointEnv(endpoint.url) })
    const state = () => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
    const describe = async (name: string) => sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }))

    const first = await cron()
    expectExit(first, 2)
    const gen1 = state().resources[ADDRESS]!.current!
    assert.equal(gen1.generation, 1)
    // A tuning job runs for hours on the service's clock, not days.
    endpoint.advanceClock(DAY_SECONDS)
    assert.equal((await describe(gen1.name)).HyperParameterTuningJobStatus, 'Completed')

    const early = await cron()
    expectExit(early, 0)
    assert.match(early.stdout, /re-tune due/)

    endpoint.advanceClock(8 * DAY_SECONDS)
    const due = await cron()
    expectExit(due, 2)
    assert.match(due.stdout, /will be re-tuned: a new generation/)
    assert.match(due.stdout, /Apply complete! Resources: 0 created, 0 replaced, 0 updated, 0 stopped, 1 re-tuned\./)
    const after = state().resources[ADDRESS]!
    const gen2 = after.current!
    assert.equal(gen2.generation, 2)
    assert.notEqual(gen2.name, gen1.name)
    assert.deepEqual(after.history.map((r) => [r.name, r.status, r.generation]), [[gen1.name, 'Completed', 1]])
    assert.equal(typeof after.history[0]!.best_training_job?.objective, 'number', 'history keeps the generation\'s best objective')
    const live = await describe(gen2.name)
    assert.deepEqual(live.WarmStartConfig, { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: gen1.name }], WarmStartType: 'IdenticalDataAndAlgorithm' })

    expectExit(await cron(), 0)
    assert.equal(state().resources[ADDRESS]!.current!.name, gen2.name)
    const shown = await runCli(['state', 'show', ADDRESS], { cwd: dir, env: endpointEnv(endpoint.url) })
    assert.match(shown.stdout, new RegExp(`${gen1.name}\\s+Completed\\s+generation 1\\s+\\S+\\s+best objective ${after.history[0]!.best_training_job!.objective}`))

    // Generation 2 warm-started from generation 1: its best model is the best of both (OverallBestTrainingJob).
    endpoint.advanceClock(DAY_SECONDS)
    const live2 = await describe(gen2.name)
    assert.equal(live2.HyperParameterTuningJobStatus, 'Completed')
    const overall = live2.OverallBestTrainingJob!
    const best1 = after.history[0]!.best_training_job!
    assert.equal(overall.FinalHyperParameterTuningJobObjectiveMetric!.Value, Math.max(best1.objective, live2.BestTrainingJob!.FinalHyperParameterTuningJobObjectiveMetric!.Value!))
    expectExit(await cron(), 0)
    const recorded = state().resources[ADDRESS]!.current!.best_training_job!
    assert.equal(recorded.name, overall.TrainingJobName, 'best_training_job is the overall best')
    assert.equal(recorded.tuning_job, overall.TuningJobName === gen2.name ? undefined : gen1.name)
    const results = await runCli(['results', ADDRESS, '--json'], { cwd: dir, env: endpointEnv(endpoint.url) })
    expectExit(results, 0)
    const payload = JSON.parse(results.stdout) as ResultsResult
    assert.deepEqual(schemaErrors('results', payload), [])
    assert.deepEqual(payload.tuning_job!.overall_best_training_job, { name: overall.TrainingJobName, tuning_job: overall.TuningJobName, generation: overall.TuningJobName === gen1.name ? 1 : 2, objective: overall.FinalHyperParameterTuningJobObjectiveMetric!.Value })
    const compared = await runCli(['results', ADDRESS, '--generations', '--json'], { cwd: dir, env: endpointEnv(endpoint.url) })
    expectExit(compared, 0)
    const generations = (JSON.parse(compared.stdout) as ResultsResult).generations!
    assert.deepEqual(schemaErrors('results', JSON.parse(compared.stdout)), [])
    assert.deepEqual(generations.map((g) => [g.generation, g.name, g.status, g.current, g.objective]), [
      [1, gen1.name, 'Completed', false, best1.objective],
      [2, gen2.name, 'Completed', true, live2.BestTrainingJob!.FinalHyperParameterTuningJobObjectiveMetric!.Value],
    ])
    const text = await runCli(['results', ADDRESS, '--generations'], { cwd: dir, env: endpointEnv(endpoint.url) })
    expectExit(text, 0)
    assert.match(text.stdout, /2 generations, objective validation:accuracy \(Maximize\)/)
    assert.match(text.stdout, new RegExp(`2 \\(current\\)\\s+${gen2.name}\\s+Completed`))
    assert.match(text.stdout, /Best generation: [12] /)
  })
})

describe('scheduled re-tuning: a timer of period retune_every, end to end', function () {
  this.timeout(180_000)
  // The service's clock moves only by the timer's period: however long a run takes, the runs come on time.
  const open = endpointsOfSuite({ manualClock: {} })
  const dirs: string[] = []
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  it('every run of a daily timer starts a generation, the earlier ones half an hour early (jitter within the tolerance)', async () => {
    const { endpoint } = await open()
    const dir = mkdtempSync(join(tmpdir(), 'sageform-timer-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'main.hcl'), retunableTuning({ lifecycle: 'retune_every = "1d"\n    keep_generations = 3', extra: 'warm_start_from_previous = true' }))
    const state = () => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
    const generations: number[] = []
    for (let run = 0; run < 4; run++) {
      // The timer fires: a day after the previous run, or half an hour before that (each generation runs for hours on
      // the service's clock, so "due a day after the previous one completed" would skip every other run).
      if (run > 0) endpoint.advanceClock(run % 2 === 1 ? DAY_SECONDS - 1800 : DAY_SECONDS)
      const cron = await runCli(['apply', '--auto-approve', '--detailed-exitcode'], { cwd: dir, env: endpointEnv(endpoint.url) })
      expectExit(cron, 2)
      generations.push(state().resources[ADDRESS]!.current!.generation!)
    }
    assert.deepEqual(generations, [1, 2, 3, 4])
    assert.deepEqual(state().resources[ADDRESS]!.history.map((r) => r.status), ['Completed', 'Completed', 'Completed'])
  })
})

function expectExit(run: CliRun, status: number): void {
  assert.equal(run.status, status, `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`)
}

// apply --wait records what it saw (final status, times, failure reason, best training job, outputs) and creates the
// deferred warm start once its parent has ended, waiting for it too; watch records the same with one short lock. The
// built CLI against the in-process local endpoint, on a clock fast enough that the jobs end within the test.
import assert from 'node:assert/strict'
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { DescribeHyperParameterTuningJobCommand } from '@aws-sdk/client-sagemaker'
import { join } from 'node:path'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, startCli, type CliRun } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'
import { endpointsOfSuite, waitFor } from './helpers/endpoint.js'
import { exampleCopy } from './helpers/examples.js'

const BROAD = 'sagemaker_hyperparameter_tuning_job.reviews_broad'
const REFINE = 'sagemaker_hyperparameter_tuning_job.reviews_refine'
const BROKEN = 'sagemaker_training_job.broken'

/** examples/bayesian-tuning (a tuning job and its warm-started refinement) plus a training job that fails. */
function configuration(): string {
  const dir = exampleCopy('bayesian-tuning')
  appendFileSync(
    join(dir, 'main.hcl'),
    `\nresource "sagemaker_training_job" "broken" {\n${TRAINING_BODY}\n  environment = { SAGEFORM_SIMULATE_FAILURE = "label column missing" }\n}\n\noutput "broken_status" {\n  value = sagemaker_training_job.broken.status\n}\n`,
  )
  return dir
}

function expectExit(run: CliRun, status: number): void {
  assert.equal(run.status, status, `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`)
}

describe('apply --wait and watch record what they saw', function () {
  // A simulated minute per request: the waits end after a number of polls, however slow the machine.
  const open = endpointsOfSuite({ manualClock: { secondsPerRequest: 60 } })

  it('apply --wait creates the deferred warm start when its parent ends, waits for it, and records every final status, best model and output', async () => {
    const { endpoint } = await open()
    const dir = configuration()
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url) })
    const state = () => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State

    const applied = await cli('apply', '--auto-approve', '--wait', '--poll-interval', '100ms')
    expectExit(applied, 3)
    assert.match(applied.stdout, /Plan: 3 to create/)
    assert.match(applied.stdout, /1 deferred: created below once the jobs they wait for have finished\./)
    assert.match(applied.stdout, /Waiting for 2 jobs[\s\S]*reviews_refine: Creation complete \(created tuning job reviews-refine-[0-9a-f]{8}\)[\s\S]*reviews_refine: InProgress → Completed/, 'the deferred child is created during the wait, and waited for')
    assert.match(applied.stdout, /AlgorithmError: label column missing/)

    const resources = state().resources
    const [broad, refine, broken] = [resources[BROAD]!.current!, resources[REFINE]!.current!, resources[BROKEN]!.current!]
    assert.deepEqual([broad.status, refine.status, broken.status], ['Completed', 'Completed', 'Failed'])
    for (const job of [broad, refine, broken]) assert.ok(job.ended_at, `${job.name} has its end time`)
    assert.equal(broken.failure_reason, 'AlgorithmError: label column missing')
    assert.ok(broad.best_training_job && refine.best_training_job, 'both tuning jobs have their best training job')
    const parents = (refine.request as { WarmStartConfig: { ParentHyperParameterTuningJobs: Array<{ HyperParameterTuningJobName: string }> } }).WarmStartConfig.ParentHyperParameterTuningJobs
    assert.deepEqual(parents, [{ HyperParameterTuningJobName: broad.name }])

    const listed = await cli('state', 'list')
    expectExit(listed, 0)
    assert.match(listed.stdout, new RegExp(`${REFINE.replaceAll('.', '\\.')}\\s+${refine.name}\\s+Completed`))
    assert.match(listed.stdout, new RegExp(`${BROKEN.replaceAll('.', '\\.')}\\s+${broken.name}\\s+Failed`))

    const output = await cli('output', '--json')
    expectExit(output, 0)
    const { outputs } = JSON.parse(output.stdout) as { outputs: Record<string, { value: unknown }> }
    assert.deepEqual(outputs.best_model!.value, { ...refine.best_training_job, tuning_job: refine.best_training_job!.tuning_job ?? refine.name })
    assert.equal(outputs.broken_status!.value, 'Failed')

    const plan = await cli('plan', '--detailed-exitcode')
    expectExit(plan, 0)
    assert.match(plan.stdout, /No changes\./)
    assert.doesNotMatch(plan.stdout + plan.stderr, /outside sageform|drift/i)
  })

  it('apply PLANFILE --wait creates the deferred child from the saved plan alone, even with the manifests gone', async () => {
    const { endpoint, sm } = await open()
    const dir = configuration()
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url) })
    expectExit(await cli('plan', '--out', 'plan.json'), 0)
    const saved = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { changes: Array<{ address: string; deferred?: unknown; after: { name: string; request: Record<string, unknown> } }> }
    const child = saved.changes.find((c) => c.address === REFINE)!
    assert.ok(child.deferred)
    // Whatever apply would read from the directory now says something else: only the plan's snapshot may count.
    writeFileSync(join(dir, 'main.hcl'), 'this is not HCL {\n')
    const applied = await cli('apply', 'plan.json', '--wait', '--poll-interval', '100ms')
    expectExit(applied, 3)
    assert.match(applied.stdout, /reviews_refine: Creation complete/)
    const described = await sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: child.after.name }))
    assert.equal(described.HyperParameterTuningJobStatus, 'Completed')
    assert.deepEqual(described.HyperParameterTuningJobConfig?.ResourceLimits, { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2 })
    const state = JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
    assert.equal(state.resources[REFINE]!.current!.name, child.after.name)
    assert.equal(state.resources[REFINE]!.current!.status, 'Completed')
  })

  describe('watch', () => {
    const slow = endpointsOfSuite({ manualClock: {} })

    it('holds no lock while it waits (an apply runs meanwhile), then records the final statuses and outputs in one write', async () => {
      const { endpoint } = await slow()
      const dir = configuration()
      const env = endpointEnv(endpoint.url)
      const cli = (...args: string[]) => runCli(args, { cwd: dir, env })
      const state = () => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
      expectExit(await cli('apply', '--auto-approve'), 0)
      const before = state()
      assert.equal(before.resources[BROKEN]!.current!.status, 'InProgress')

      const watch = startCli(['watch', '--poll-interval', '100ms'], { cwd: dir, env })
      let seen = ''
      watch.child.stdout!.on('data', (chunk: Buffer) => (seen += chunk.toString()))
      await waitFor(async () => seen, (text) => /Waiting for 2 jobs/.test(text), { timeoutMs: 60_000 })
      // The clock stands still until the test moves it: the watch is waiting, and the state lock is free for another run.
      const meanwhile = await cli('apply', '--auto-approve', '--lock-timeout', '0s')
      expectExit(meanwhile, 0)
      endpoint.advanceClock(86_400)
      const watched = await watch.done
      expectExit(watched, 3)

      const after = state()
      assert.equal(after.resources[BROKEN]!.current!.status, 'Failed')
      assert.equal(after.resources[BROKEN]!.current!.failure_reason, 'AlgorithmError: label column missing')
      assert.equal(after.resources[BROAD]!.current!.status, 'Completed')
      assert.ok(after.resources[BROAD]!.current!.best_training_job)
      assert.equal(after.outputs?.broken_status?.value, 'Failed')
      assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')), 'the lock was released')
      const plan = await cli('plan')
      expectExit(plan, 0)
      assert.doesNotMatch(plan.stdout + plan.stderr, /outside sageform/)
      const serial = state().serial
      expectExit(await cli('watch'), 3)
      assert.equal(state().serial, serial, 'watching finished jobs already recorded writes nothing')
    })
  })
})

// plan/apply -refresh-only, as Terraform's: the built CLI against the local endpoint. A tuning job finishes outside
// sageform's sight; the refresh-only plan shows what changed, apply asks for approval (or --auto-approve) and records
// the status, the best training job and the outputs, and never creates, stops or updates a job, even when the
// configuration has changed meanwhile.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DescribeHyperParameterTuningJobCommand, ListHyperParameterTuningJobsCommand, ListTrainingJobsCommand } from '@aws-sdk/client-sagemaker'
import type { Plan } from '../src/plan/types.js'
import type { State } from '../src/model/state.js'
import { endpointEnv, runCli, schemaErrors, type CliRun } from './helpers/cli.js'
import { configDir, retunableTuning } from './helpers/config.js'
import { endpointsOfSuite, waitFor } from './helpers/endpoint.js'

const open = endpointsOfSuite({ manualClock: {} })
const ADDRESS = 'sagemaker_hyperparameter_tuning_job.churn'
const output = (run: CliRun) => `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`
const CONFIG = (epochs: string) => `${retunableTuning({ statics: { epochs } })}
output "best" {
  value = ${ADDRESS}.best_training_job.name
}
`

describe('-refresh-only (built CLI, local endpoint)', function () {

  it('records the remote truth with approval, and starts or stops nothing', async () => {
    const { endpoint, sm } = await open()
    const dir = configDir({ 'main.hcl': CONFIG('10') })
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url) })
    const state = () => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')) as State
    const jobCounts = async () => [(await sm.send(new ListHyperParameterTuningJobsCommand({}))).HyperParameterTuningJobSummaries!.length, (await sm.send(new ListTrainingJobsCommand({ MaxResults: 100 }))).TrainingJobSummaries!.length]

    const created = await cli('apply', '--auto-approve')
    assert.equal(created.status, 0, output(created))
    const name = state().resources[ADDRESS]!.current!.name
    assert.equal(state().resources[ADDRESS]!.current!.status, 'InProgress')
    // A day on: the tuning job has completed.
    endpoint.advanceClock(86_400)
    await waitFor(() => sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })), (d) => d.HyperParameterTuningJobStatus === 'Completed', { timeoutMs: 60_000 })
    const counts = await jobCounts()

    const planned = await cli('plan', '-refresh-only', '--json', '--detailed-exitcode')
    assert.equal(planned.status, 2, output(planned))
    const { plan } = JSON.parse(planned.stdout) as { plan: Plan }
    assert.deepEqual(schemaErrors('plan', { plan, diagnostics: [] }), [])
    assert.equal(plan.refresh_only, true)
    assert.deepEqual(plan.changes.map((c) => [c.address, c.action, c.reason, c.reason_args?.recorded_status, c.before?.status]), [[ADDRESS, 'no-op', 'status_changed', 'InProgress', 'Completed']])
    const human = await cli('plan', '-refresh-only')
    assert.equal(human.status, 0, output(human))
    assert.match(human.stdout, new RegExp(`~ ${ADDRESS}: job ${name}: InProgress → Completed`))
    assert.match(human.stdout, /This is a refresh-only plan, so sageform will not create, stop or update any job/)
    const markdown = await cli('plan', '-refresh-only', '--markdown')
    assert.match(markdown.stdout, /### Refresh only: 1 status to record; no job is created, stopped or updated\./)
    assert.match(markdown.stdout, new RegExp(`- \`${ADDRESS}\`: job ${name}: InProgress → Completed`))

    // Approval as Terraform asks for it: nobody to ask, nothing recorded.
    const unapproved = await cli('apply', '-refresh-only')
    assert.equal(unapproved.status, 1, output(unapproved))
    assert.match(unapproved.stdout, /Apply needs confirmation/)
    assert.equal(state().resources[ADDRESS]!.current!.status, 'InProgress')

    const applied = await cli('apply', '-refresh-only', '-auto-approve')
    assert.equal(applied.status, 0, output(applied))
    const after = state()
    const current = after.resources[ADDRESS]!.current!
    assert.equal(current.name, name)
    assert.equal(current.status, 'Completed')
    assert.ok(current.best_training_job?.name, 'the best training job is recorded')
    assert.deepEqual(after.outputs?.best, { value: current.best_training_job!.name })
    assert.deepEqual(await jobCounts(), counts, 'nothing created or stopped')

    // A changed spec that a normal plan would replace: refresh-only leaves it alone.
    writeFileSync(join(dir, 'main.hcl'), CONFIG('20'))
    const again = await cli('plan', '-refresh-only', '--detailed-exitcode')
    assert.equal(again.status, 0, output(again))
    assert.match(again.stdout, /No changes\. The state already records what SageMaker says\./)
    assert.equal((await cli('apply', '-refresh-only', '-auto-approve')).status, 0)
    assert.deepEqual(await jobCounts(), counts, 'nothing created or stopped')
    assert.equal(state().resources[ADDRESS]!.current!.name, name)
    assert.match((await cli('plan')).stdout, /must be replaced \(spec changed\)/)
  })

  it('refuses -refresh-only with -refresh=false or --replace, and destroy does not offer it', async () => {
    const dir = configDir({ 'main.hcl': CONFIG('10') })
    const env = { ...process.env, NO_COLOR: '1' }
    const noRefresh = await runCli(['plan', '-refresh-only', '-refresh=false'], { cwd: dir, env })
    assert.equal(noRefresh.status, 1)
    assert.match(noRefresh.stdout, /-refresh-only and -refresh=false cannot be used together/)
    const replace = await runCli(['apply', '-refresh-only', `-replace=${ADDRESS}`], { cwd: dir, env })
    assert.equal(replace.status, 1)
    assert.match(replace.stdout, /-replace cannot be used with -refresh-only/)
    const destroy = await runCli(['destroy', '-refresh-only'], { cwd: dir, env })
    assert.equal(destroy.status, 1)
    assert.match(destroy.stderr, /Unknown flag -refresh-only/)
  })
})

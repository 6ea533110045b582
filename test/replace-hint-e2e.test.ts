// End to end against the local endpoint: a job that failed is not re-run by a plan (its spec is unchanged), but the
// plan says so and prints the command that starts a new job; that command, run as printed, does.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker'
import { endpointEnv, runCli, schemaErrors } from './helpers/cli.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'
import { endpointsOfSuite, waitFor } from './helpers/endpoint.js'

describe('a failed job\'s --replace hint, end to end', () => {
  const open = endpointsOfSuite({ manualClock: {} })

  it('plans no change for a Failed job, prints the exact apply --replace command, and that command starts a new job', async function () {
    this.timeout(180_000)
    const { endpoint, sm } = await open()
    const dir = configDir({ 'main.hcl': `resource "sagemaker_training_job" "flaky" {\n${TRAINING_BODY}\n  environment = { SAGEFORM_SIMULATE_FAILURE = "out of memory" }\n}\n` })
    const cli = (args: string[]) => runCli(args, { cwd: dir, env: endpointEnv(endpoint.url) })
    const applied = await cli(['apply', '--auto-approve'])
    assert.equal(applied.status, 0, applied.stderr + applied.stdout)
    const state = () => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8')).resources['sagemaker_training_job.flaky']
    const first = state().current.name as string
    // A day on: the job has failed part way through training.
    endpoint.advanceClock(86_400)
    await waitFor(async () => (await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: first }))).TrainingJobStatus, (s) => s === 'Failed', { timeoutMs: 60_000 })

    const planned = await cli(['plan', '--no-cost'])
    assert.equal(planned.status, 0, planned.stderr)
    assert.match(planned.stdout, /No changes\./)
    assert.match(planned.stdout, /The job failed and will not run again by itself; to start a new job: sageform apply --replace sagemaker_training_job\.flaky/)
    const json = JSON.parse((await cli(['plan', '--no-cost', '--json'])).stdout)
    assert.deepEqual(schemaErrors('plan', json), [])
    const command: string = json.plan.changes[0].replace_command
    assert.equal(command, 'sageform apply --replace sagemaker_training_job.flaky')

    const replaced = await cli([...command.split(' ').slice(1), '--auto-approve'])
    assert.equal(replaced.status, 0, replaced.stderr + replaced.stdout)
    const after = state()
    assert.notEqual(after.current.name, first, 'a new job')
    assert.equal(after.current.generation, 2)
    assert.deepEqual(after.history.map((j: { name: string }) => j.name), [first])
  })
})

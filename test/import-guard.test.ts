// A training job a tuning job launched (Describe carries its TuningJobArn) is never adopted as a resource of its own,
// by `sageform import`, an import block or `import --from-terraform-state`: each refuses it with the reason, end to
// end against the local endpoint, and nothing is written to the state.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ListTrainingJobsForHyperParameterTuningJobCommand } from '@aws-sdk/client-sagemaker'
import { endpointEnv, runCli, schemaErrors } from './helpers/cli.js'
import { configDir, retunableTuning, TRAINING_BODY } from './helpers/config.js'
import { endpointsOfSuite, waitFor } from './helpers/endpoint.js'

const REFUSED = /Cannot import a tuning job's training job/

describe('importing a tuning job\'s training job', () => {
  const open = endpointsOfSuite({ manualClock: {} })

  it('is refused by sageform import, an import block and import --from-terraform-state, naming the tuning job', async function () {
    this.timeout(180_000)
    const { endpoint, sm } = await open()
    const env = endpointEnv(endpoint.url)
    const tuningDir = configDir({ 'main.hcl': retunableTuning() })
    const applied = await runCli(['apply', '--auto-approve'], { cwd: tuningDir, env })
    assert.equal(applied.status, 0, applied.stderr + applied.stdout)
    const tuningJob: string = JSON.parse(readFileSync(join(tuningDir, 'sageform.state.json'), 'utf8')).resources['sagemaker_hyperparameter_tuning_job.churn'].current.name
    // An hour on: the tuning job has launched its first training jobs.
    endpoint.advanceClock(3600)
    const children = await waitFor(
      async () => (await sm.send(new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: tuningJob }))).TrainingJobSummaries ?? [],
      (jobs) => jobs.length > 0,
      { timeoutMs: 60_000 },
    )
    const child = children[0]!.TrainingJobName!

    const training = `resource "sagemaker_training_job" "stolen" {\n${TRAINING_BODY}\n}\n`
    const dir = configDir({ 'main.hcl': training })
    const imported = await runCli(['import', 'sagemaker_training_job.stolen', child], { cwd: dir, env })
    assert.equal(imported.status, 1, imported.stdout)
    const said = imported.stdout + imported.stderr
    assert.match(said, REFUSED)
    assert.match(said, new RegExp(`launched by hyperparameter tuning job ${tuningJob}`, 'i'))
    assert.match(said, /sageform import sagemaker_hyperparameter_tuning_job\.NAME/)
    assert.equal(existsSync(join(dir, 'sageform.state.json')), false, 'nothing recorded')

    const asJson = await runCli(['import', 'sagemaker_training_job.stolen', child, '--json'], { cwd: dir, env })
    const payload = JSON.parse(asJson.stdout)
    assert.deepEqual(schemaErrors('import', payload), [])
    assert.equal(payload.imported, false)
    assert.match(payload.diagnostics[0].summary, REFUSED)

    const blockDir = configDir({ 'main.hcl': `${training}\nimport {\n  to = sagemaker_training_job.stolen\n  id = "${child}"\n}\n` })
    const planned = await runCli(['plan', '--no-cost'], { cwd: blockDir, env })
    assert.equal(planned.status, 1, planned.stdout)
    const planSaid = planned.stdout + planned.stderr
    assert.match(planSaid, REFUSED)
    assert.match(planSaid, /main\.hcl:\d+:\d+/, 'at the import block')

    // Planned without asking SageMaker, the import is refused when apply reads the job.
    const blind = await runCli(['plan', '--refresh=false', '--no-cost', '--out', 'blind.json'], { cwd: blockDir, env })
    assert.equal(blind.status, 0, blind.stdout + blind.stderr)
    const blindApply = await runCli(['apply', 'blind.json'], { cwd: blockDir, env })
    assert.equal(blindApply.status, 1, blindApply.stdout)
    assert.match(blindApply.stdout + blindApply.stderr, REFUSED)
    const recorded = JSON.parse(readFileSync(join(blockDir, 'sageform.state.json'), 'utf8'))
    assert.equal(recorded.resources['sagemaker_training_job.stolen']?.current, undefined, 'not recorded')

    // The Terraform path: the provider's resource, as the migration fixtures spell it, naming the child.
    const tfSource = readFileSync(join(import.meta.dirname, 'fixtures', 'terraform', 'training-basic', 'main.tf'), 'utf8')
    const tfDir = configDir({
      'main.tf': tfSource,
      'terraform.tfstate': JSON.stringify({ version: 4, serial: 1, lineage: 'x', resources: [{ mode: 'managed', type: 'aws_sagemaker_training_job', name: 'test', instances: [{ schema_version: 0, attributes: { id: child, training_job_name: child } }] }] }),
    })
    const tf = await runCli(['import', '--from-terraform-state', 'terraform.tfstate', '--json'], { cwd: tfDir, env })
    const tfPayload = JSON.parse(tf.stdout)
    assert.deepEqual(schemaErrors('import', tfPayload), [])
    assert.deepEqual(tfPayload.resources.map((r: { address: string; action: string }) => [r.address, r.action]), [['aws_sagemaker_training_job.test', 'skipped']], tf.stdout)
    assert.match(tfPayload.resources[0].reason, REFUSED)
    assert.equal(existsSync(join(tfDir, 'sageform.state.json')), false, 'nothing recorded')
  })
})

// End to end against the local endpoint, through the real CLI: a resource refactored from one block to for_each with a
// moved block keeps its job (no replacement, through a saved plan), and an import block adopts a job created outside
// sageform (with the AWS SDK), after which plans are no-ops. A moved job's sageform:address tag follows it (moved
// block or state mv), so a lost state file's jobs are found again under their new addresses (import --lineage).
import assert from 'node:assert/strict'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CreateTrainingJobCommand, ListTagsCommand, ListTrainingJobsCommand } from '@aws-sdk/client-sagemaker'
import { addressTag } from '../src/config/address.js'
import { endpointEnv, runCli, schemaErrors } from './helpers/cli.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'
import { endpointsOfSuite, trainingJob } from './helpers/endpoint.js'

const single = `resource "sagemaker_training_job" "xgb" {\n${TRAINING_BODY}\n}\n`
const refactored = `resource "sagemaker_training_job" "xgb" {
  for_each = toset(["small", "large"])
  name_prefix = "xgb"
${TRAINING_BODY}
  hyper_parameters = each.key == "small" ? null : { size = each.key }
}

moved {
  from = sagemaker_training_job.xgb
  to   = sagemaker_training_job.xgb["small"]
}
`

describe('refactoring and adopting, end to end', () => {
  const open = endpointsOfSuite({ manualClock: {} })

  it('a single block refactored to for_each with a moved block keeps its job; an import block adopts an outside job', async function () {
    this.timeout(180_000)
    const { endpoint, sm } = await open()
    const dir = configDir({ 'main.hcl': single })
    const cli = async (...args: string[]) => {
      const r = await runCli(args, { cwd: dir, env: endpointEnv(endpoint.url) })
      return { ...r, json: () => JSON.parse(r.stdout) }
    }
    const state = () => JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8'))
    const addressTagOf = async (arn: string) => (await sm.send(new ListTagsCommand({ ResourceArn: arn }))).Tags?.find((t) => t.Key === 'sageform:address')?.Value

    const first = await cli('apply', '--auto-approve')
    assert.equal(first.status, 0, first.stderr)
    const job = state().resources['sagemaker_training_job.xgb'].current.name as string

    writeFileSync(join(dir, 'main.hcl'), refactored)
    const planned = await cli('plan', '--out', 'plan.json', '--json', '--no-cost')
    assert.equal(planned.status, 0, planned.stderr)
    const payload = planned.json()
    assert.deepEqual(schemaErrors('plan', payload), [])
    const changes = payload.plan.changes.map((c: { address: string; action: string; previous_address?: string; before?: { name: string } }) => [c.address, c.action, c.previous_address ?? null, c.before?.name ?? null])
    assert.deepEqual(changes, [
      ['sagemaker_training_job.xgb["large"]', 'create', null, null],
      ['sagemaker_training_job.xgb["small"]', 'update', 'sagemaker_training_job.xgb', job],
    ])
    const human = await cli('show', 'plan.json')
    assert.match(human.stdout, /# sagemaker_training_job\.xgb has moved to sagemaker_training_job\.xgb\["small"\]/)
    const applied = await cli('apply', 'plan.json')
    assert.equal(applied.status, 0, applied.stderr + applied.stdout)
    const after = state()
    assert.equal(after.resources['sagemaker_training_job.xgb["small"]'].current.name, job, 'the same job, not a replacement')
    assert.deepEqual(after.resources['sagemaker_training_job.xgb["small"]'].history, [])
    assert.equal(after.resources['sagemaker_training_job.xgb'], undefined)
    const listed = await sm.send(new ListTrainingJobsCommand({}))
    assert.equal(listed.TrainingJobSummaries!.length, 2, 'one job kept, one created: nothing replaced')
    assert.equal(await addressTagOf(after.resources['sagemaker_training_job.xgb["small"]'].current.arn), addressTag('sagemaker_training_job.xgb["small"]'), 'the job is tagged with its new address')

    // state mv, then the configuration follows: the next plan brings the job's address tag up to date in place.
    const lineage = after.lineage as string
    const moved = await cli('state', 'mv', 'sagemaker_training_job.xgb["large"]', 'sagemaker_training_job.xgb["big"]')
    assert.equal(moved.status, 0, moved.stderr)
    writeFileSync(join(dir, 'main.hcl'), refactored.replace('["small", "large"]', '["small", "big"]').replace('{ size = each.key }', '{ size = "large" }'))
    const retag = await cli('plan', '--no-cost')
    assert.match(retag.stdout, /sagemaker_training_job\.xgb\["big"\] will be updated in-place \(its job's sageform:address tag still names sagemaker_training_job\.xgb\["large"\]\)/)
    assert.match(retag.stdout, /~ tags\.sageform:address = "sagemaker_training_job\.xgb=large" -> "sagemaker_training_job\.xgb=big"/)
    assert.equal((await cli('apply', '--auto-approve')).status, 0)
    const big = state().resources['sagemaker_training_job.xgb["big"]'].current
    assert.equal(await addressTagOf(big.arn), addressTag('sagemaker_training_job.xgb["big"]'))
    assert.deepEqual(big.tags, {}, 'sageform\'s own tags are not recorded as the user\'s')
    assert.match((await cli('plan', '--no-cost')).stdout, /No changes/)

    // The state file is lost: import --lineage finds both jobs under the addresses the configuration now declares.
    rmSync(join(dir, 'sageform.state.json'))
    const recovered = await cli('import', '--lineage', lineage, '--json')
    assert.equal(recovered.status, 0, recovered.stderr)
    assert.deepEqual(Object.keys(state().resources).sort(), ['sagemaker_training_job.xgb["big"]', 'sagemaker_training_job.xgb["small"]'])
    assert.equal(state().resources['sagemaker_training_job.xgb["big"]'].current.name, big.name)
    assert.match((await cli('plan', '--no-cost')).stdout, /No changes/)

    // A job created outside sageform, then adopted by an import block.
    await sm.send(new CreateTrainingJobCommand(trainingJob('made-by-hand')))
    writeFileSync(join(dir, 'legacy.hcl'), `resource "sagemaker_training_job" "legacy" {\n  name = "made-by-hand"\n${TRAINING_BODY}\n}\n\nimport {\n  to = sagemaker_training_job.legacy\n  id = "made-by-hand"\n}\n`)
    const importPlan = await cli('plan', '--json', '--no-cost')
    const imported = importPlan.json().plan.changes.find((c: { address: string }) => c.address === 'sagemaker_training_job.legacy')
    assert.deepEqual([imported.action, imported.before.name], ['import', 'made-by-hand'])
    const done = await cli('apply', '--auto-approve', '--json')
    assert.equal(done.status, 0, done.stderr)
    assert.equal(done.json().summary.imported, 1)
    assert.equal(state().resources['sagemaker_training_job.legacy'].current.name, 'made-by-hand')
    // Idempotent: the import block stays and plans nothing; no job was created for the import.
    const again = await cli('plan', '--json', '--no-cost')
    const actions = again.json().plan.changes.map((c: { address: string; action: string }) => `${c.address} ${c.action}`)
    assert.ok(!actions.some((a: string) => a.endsWith(' import') || a.endsWith(' create')), actions.join('\n'))
    assert.equal((await sm.send(new ListTrainingJobsCommand({}))).TrainingJobSummaries!.length, 3)
  })
})

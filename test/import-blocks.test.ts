// import blocks in the planner: a resource without a job imports the one its block names (shown, with what differs),
// nothing is imported twice, and a missing or already managed job is an error.
import assert from 'node:assert/strict'
import type { Plan } from '../src/plan/types.js'
import { plan, remoteKey, type RemoteSnapshot } from '../src/planner/planner.js'
import { type RemoteJob } from '../src/model/kinds.js'
import { toJson } from '../src/planner/identity.js'
import { loadConfiguration } from '../src/services/setup/configuration.js'
import { referenceAttributes } from '../src/services/plan.js'
import type { State } from '../src/model/state.js'
import { renderPlan } from '../src/ui/plan.js'
import { makeStyle } from '../src/ui/style.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'

const training = (label: string, meta = '', extra = '') => `resource "sagemaker_training_job" "${label}" {\n${meta}\n${TRAINING_BODY}\n${extra}\n}\n`
const importBlock = (to: string, id: string, forEach = '') => `import {\n${forEach}\n  to = ${to}\n  id = ${id}\n}\n`

async function planOf(hcl: string, state: State | undefined, jobs: RemoteJob[] | undefined): Promise<Plan> {
  const loaded = await loadConfiguration({ dir: configDir({ 'main.hcl': hcl }), variables: [], env: {}, resourceAttributes: referenceAttributes(state, new Set()) })
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), [])
  const remote: RemoteSnapshot | undefined = jobs && { jobs: new Map(jobs.map((j) => [remoteKey(j.type, j.name), j])) }
  return plan({ config: loaded.config!, state, remote, replace: new Set(), configHash: 'h', now: new Date('2026-11-23T12:00:00Z') })
}

/** A job created outside sageform from the configuration's own request (or another), with no sageform tags. */
async function outsideJob(name: string, hcl: string, address: string, patch: Record<string, unknown> = {}): Promise<RemoteJob> {
  const loaded = await loadConfiguration({ dir: configDir({ 'main.hcl': hcl }), variables: [], env: {} })
  const request = toJson(loaded.config!.resources.find((r) => r.address === address)!.request) as Record<string, unknown>
  return { type: 'sagemaker_training_job', name, arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`, status: 'Completed', tags: {}, request: { ...request, ...patch } as never }
}

const state = (resources: State['resources']): State => ({ format_version: 1, lineage: 'l', serial: 1, resources })
const errors = (p: Plan) => p.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.summary}: ${d.detail}`)

describe('import blocks', () => {
  const hcl = training('legacy') + importBlock('sagemaker_training_job.legacy', '"legacy-job"')

  it('plans the import of an existing job, shown as Terraform shows it', async () => {
    const p = await planOf(hcl, undefined, [await outsideJob('legacy-job', hcl, 'sagemaker_training_job.legacy')])
    assert.deepEqual(errors(p), [])
    const c = p.changes[0]!
    assert.deepEqual([c.action, c.before?.name, c.before?.status, c.attribute_changes, c.reason], ['import', 'legacy-job', 'Completed', [], undefined])
    assert.equal(p.summary.import, 1)
    const text = renderPlan(p, makeStyle(false))
    assert.match(text, /# sagemaker_training_job\.legacy will be imported/)
    assert.match(text, /1 to import/)
  })

  it('shows how an imported job differs from the configuration', async () => {
    const job = await outsideJob('legacy-job', hcl, 'sagemaker_training_job.legacy', { HyperParameters: { eta: '0.3' } })
    const c = (await planOf(hcl, undefined, [job])).changes[0]!
    assert.equal(c.action, 'import')
    assert.equal(c.reason, 'import_differs')
    assert.deepEqual(c.attribute_changes.map((a) => [a.path, a.before, a.after]), [['hyper_parameters.eta', '0.3', undefined]])
  })

  it('is idempotent: once the job is the resource\'s current job, the block plans nothing', async () => {
    const job = await outsideJob('legacy-job', hcl, 'sagemaker_training_job.legacy')
    const recorded = state({ 'sagemaker_training_job.legacy': { type: 'sagemaker_training_job', current: { name: 'legacy-job', arn: job.arn, spec_hash: 'imported-x', status: 'Completed', created_at: 't', updated_at: 't', request: job.request }, history: [] } })
    const p = await planOf(hcl, recorded, [job])
    assert.deepEqual(p.changes.map((c) => [c.action, c.before?.name]), [['no-op', 'legacy-job']], 'never imported again')
    assert.deepEqual(p.diagnostics, [])
  })

  it('warns and ignores a block whose resource already has another job', async () => {
    const recorded = state({ 'sagemaker_training_job.legacy': { type: 'sagemaker_training_job', current: { name: 'other', arn: 'arn:x', spec_hash: 'h', status: 'Completed', created_at: 't', updated_at: 't' }, history: [] } })
    const p = await planOf(hcl, recorded, undefined)
    assert.notEqual(p.changes[0]!.action, 'import')
    assert.match(p.diagnostics.find((d) => d.summary === 'Import block ignored')?.detail ?? '', /already has job other/)
  })

  it('refuses a job SageMaker does not have, at the import block', async () => {
    const p = await planOf(hcl, undefined, [])
    assert.match(errors(p).join('\n'), /Cannot import non-existent remote object: .*no training job named "legacy-job"/)
    assert.equal(p.diagnostics[0]!.range?.start.line, hcl.split('\n').indexOf('import {') + 1)
  })

  it('refuses a job that is already another resource\'s', async () => {
    const both = training('a') + training('b') + importBlock('sagemaker_training_job.b', '"job-a"')
    const recorded = state({ 'sagemaker_training_job.a': { type: 'sagemaker_training_job', current: { name: 'job-a', arn: 'arn:a', spec_hash: 'h', status: 'Completed', created_at: 't', updated_at: 't' }, history: [] } })
    const p = await planOf(both, recorded, undefined)
    assert.match(errors(p).join('\n'), /Job already managed: The job "job-a" is the current job of sagemaker_training_job\.a/)
  })

  it('refuses a training job a tuning job launched (Describe carries its TuningJobArn), at the import block', async () => {
    const child = { ...(await outsideJob('legacy-job', hcl, 'sagemaker_training_job.legacy')), tuning_job_arn: 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/hpo-1' }
    const p = await planOf(hcl, undefined, [child])
    assert.match(errors(p).join('\n'), /Cannot import a tuning job's training job: Training job "legacy-job" was launched by hyperparameter tuning job hpo-1/)
    const refusal = p.diagnostics.find((d) => d.severity === 'error')!
    assert.equal(refusal.range?.start.line, hcl.split('\n').indexOf('import {') + 1)
    assert.match(refusal.hint ?? '', /sageform import sagemaker_hyperparameter_tuning_job\.NAME hpo-1/)
  })

  it('imports one job per instance with for_each', async () => {
    const many = training('m', 'for_each = toset(["x", "y"])') + importBlock('sagemaker_training_job.m[each.key]', '"legacy-${each.value}"', '  for_each = { x = "x", y = "y" }')
    const jobs = [await outsideJob('legacy-x', many, 'sagemaker_training_job.m["x"]'), await outsideJob('legacy-y', many, 'sagemaker_training_job.m["y"]')]
    const p = await planOf(many, undefined, jobs)
    assert.deepEqual(p.changes.map((c) => [c.address, c.action, c.before?.name]), [
      ['sagemaker_training_job.m["x"]', 'import', 'legacy-x'],
      ['sagemaker_training_job.m["y"]', 'import', 'legacy-y'],
    ])
  })

  it('with --refresh=false, plans the import without asking SageMaker (apply checks)', async () => {
    const p = await planOf(hcl, undefined, undefined)
    assert.deepEqual([p.changes[0]!.action, p.changes[0]!.before?.name], ['import', 'legacy-job'])
  })
})

// moved blocks and implied moves in the planner: a refactored resource keeps its job (no replacement), the plan says
// where the record moved from, and Terraform's checks (redundant, still declared, ambiguous, cyclic) hold.
import assert from 'node:assert/strict'
import type { Plan } from '../src/plan/types.js'
import { jobName, specHash } from '../src/planner/identity.js'
import { plan, remoteKey, type RemoteSnapshot } from '../src/planner/planner.js'
import { TAG, type RemoteJob } from '../src/model/kinds.js'
import { sageformTags } from '../src/apply/records.js'
import { loadConfiguration } from '../src/services/setup/configuration.js'
import { referenceAttributes } from '../src/services/plan.js'
import type { State } from '../src/model/state.js'
import { addressTag } from '../src/config/address.js'
import { savedPlanProblems } from '../src/planner/verify.js'
import { renderPlan } from '../src/ui/plan.js'
import { renderPlanMarkdown } from '../src/ui/markdown.js'
import { makeStyle } from '../src/ui/style.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'

const NOW = new Date('2026-11-23T12:00:00Z')
const training = (label: string, meta = '', extra = '') => `resource "sagemaker_training_job" "${label}" {\n${meta}\n${TRAINING_BODY}\n${extra}\n}\n`
const moved = (from: string, to: string) => `moved {\n  from = ${from}\n  to   = ${to}\n}\n`

async function loadAll(hcl: string, state?: State) {
  return loadConfiguration({ dir: configDir({ 'main.hcl': hcl }), variables: [], env: {}, resourceAttributes: referenceAttributes(state, new Set()) })
}

/** The state an apply of `hcl` leaves: one Completed job per instance, recorded with the spec that made it. */
async function appliedState(hcl: string): Promise<State> {
  const { config } = await loadAll(hcl)
  const resources: State['resources'] = {}
  for (const r of config!.resources) {
    const hash = specHash(r, 1) as string
    const name = jobName(r, hash) as string
    resources[r.address] = {
      type: r.kind.type,
      current: { name, arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`, spec_hash: hash, status: 'Completed', created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z', generation: 1, request: JSON.parse(JSON.stringify(r.request)), tags: {} },
      history: [],
    }
  }
  return { format_version: 1, lineage: 'lineage-1', serial: 4, resources }
}

function live(state: State): RemoteSnapshot {
  const jobs = new Map<string, RemoteJob>()
  for (const [address, r] of Object.entries(state.resources)) {
    const job = r.current!
    jobs.set(remoteKey(r.type, job.name), { type: r.type, name: job.name, arn: job.arn, status: job.status, tags: sageformTags({ address, lineage: state.lineage, specHash: job.spec_hash }) })
  }
  return { jobs }
}

async function planFor(hcl: string, state: State): Promise<Plan> {
  const loaded = await loadAll(hcl, state)
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), [])
  return plan({ config: loaded.config!, state, remote: live(state), replace: new Set(), configHash: 'h', now: NOW })
}

const summary = (p: Plan) => p.changes.map((c) => `${c.previous_address ? `${c.previous_address} → ` : ''}${c.address}: ${c.action}${c.before ? ` ${c.before.name}` : ''}`)
const errors = (p: Plan) => p.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.summary}: ${d.detail}`)
const jobOf = (state: State, address: string) => state.resources[address]!.current!.name

describe('moved blocks', () => {
  it('renaming a resource keeps its job: a move, no replacement, and Terraform\'s "has moved to"', async () => {
    const state = await appliedState(training('old'))
    const p = await planFor(training('new', 'name_prefix = "old"') + moved('sagemaker_training_job.old', 'sagemaker_training_job.new'), state)
    assert.deepEqual(errors(p), [])
    assert.deepEqual(summary(p), [`sagemaker_training_job.old → sagemaker_training_job.new: update ${jobOf(state, 'sagemaker_training_job.old')}`])
    const text = renderPlan(p, makeStyle(false))
    assert.match(text, /# sagemaker_training_job\.old has moved to sagemaker_training_job\.new\n/)
    assert.match(text, /1 to move/)
    // The job's address tag moves with it (AddTags), so a lost state's recovery finds it under its new address.
    assert.deepEqual(p.changes[0]!.tag_changes, { set: { [TAG.address]: 'sagemaker_training_job.new' }, remove: [], before: { [TAG.address]: 'sagemaker_training_job.old' } })
    assert.match(text, /~ tags\.sageform:address = "sagemaker_training_job\.old" -> "sagemaker_training_job\.new"/)
    assert.match(renderPlanMarkdown(p), /- tags\.sageform:address = "sagemaker_training_job\.old"\n\+ tags\.sageform:address = "sagemaker_training_job\.new"/)
    assert.match(renderPlanMarkdown(p), /sagemaker_training_job\.old has moved to <code>sagemaker_training_job\.new<\/code>/)
  })

  it('a single resource refactored to for_each keeps its job under the key the moved block names', async () => {
    const state = await appliedState(training('xgb'))
    const p = await planFor(training('xgb', 'for_each = toset(["small", "large"])') + moved('sagemaker_training_job.xgb', 'sagemaker_training_job.xgb["small"]'), state)
    assert.deepEqual(errors(p), [])
    assert.deepEqual(summary(p), [
      'sagemaker_training_job.xgb["large"]: create',
      `sagemaker_training_job.xgb → sagemaker_training_job.xgb["small"]: update ${jobOf(state, 'sagemaker_training_job.xgb')}`,
    ])
  })

  it('adding count moves the record to [0] and removing it moves [0] back, with no moved block (implied moves)', async () => {
    const single = await appliedState(training('a'))
    const counted = await planFor(training('a', 'count = 2'), single)
    assert.deepEqual(summary(counted), [`sagemaker_training_job.a → sagemaker_training_job.a[0]: update ${jobOf(single, 'sagemaker_training_job.a')}`, 'sagemaker_training_job.a[1]: create'])
    const zero = await appliedState(training('a', 'count = 1'))
    const back = await planFor(training('a'), zero)
    assert.deepEqual(summary(back), [`sagemaker_training_job.a[0] → sagemaker_training_job.a: update ${jobOf(zero, 'sagemaker_training_job.a[0]')}`])
  })

  it('moves every instance of a resource, and follows chains (a → b → c) to their end', async () => {
    const state = await appliedState(training('a', 'count = 2'))
    const p = await planFor(training('c', 'count = 2\n  name_prefix = "a"') + moved('sagemaker_training_job.b', 'sagemaker_training_job.c') + moved('sagemaker_training_job.a', 'sagemaker_training_job.b'), state)
    assert.deepEqual(errors(p), [])
    assert.deepEqual(summary(p), [
      `sagemaker_training_job.a[0] → sagemaker_training_job.c[0]: update ${jobOf(state, 'sagemaker_training_job.a[0]')}`,
      `sagemaker_training_job.a[1] → sagemaker_training_job.c[1]: update ${jobOf(state, 'sagemaker_training_job.a[1]')}`,
    ])
  })

  it('the address tag: an instance key is encoded; after state mv it is updated on its own; absent or already right, nothing', async () => {
    const state = await appliedState(training('xgb'))
    const keyed = await planFor(training('xgb', 'for_each = toset(["a b"])') + moved('sagemaker_training_job.xgb', 'sagemaker_training_job.xgb["a b"]'), state)
    assert.deepEqual(keyed.changes[0]!.tag_changes?.set, { [TAG.address]: addressTag('sagemaker_training_job.xgb["a b"]') })
    // state mv moved the record already: no move in the plan, but the job still names the old address.
    const mv: State = { ...state, resources: { 'sagemaker_training_job.renamed': state.resources['sagemaker_training_job.xgb']! } }
    const loaded = await loadAll(training('renamed', 'name_prefix = "xgb"'), mv)
    const p = plan({ config: loaded.config!, state: mv, remote: live(state), replace: new Set(), configHash: 'h', now: NOW })
    assert.deepEqual([p.changes[0]!.action, p.changes[0]!.reason, p.changes[0]!.previous_address], ['update', 'address_moved', undefined])
    assert.match(renderPlan(p, makeStyle(false)), /sagemaker_training_job\.renamed will be updated in-place \(its job's sageform:address tag still names sagemaker_training_job\.xgb\)/)
    assert.deepEqual(savedPlanProblems(p, mv, loaded.config!), [], 'a saved plan carrying the address tag is the one its configuration gives')
    const tampered = structuredClone(p)
    tampered.changes[0]!.tag_changes!.set[TAG.address] = 'sagemaker_training_job.other'
    assert.match(savedPlanProblems(tampered, mv, loaded.config!).join('\n'), /sets tag sageform:address/)
    // A job created by Terraform carries no address tag: nothing to bring up to date.
    const untagged: RemoteSnapshot = { jobs: new Map([...live(state).jobs].map(([k, job]) => [k, { ...job, tags: {} }])) }
    const none = plan({ config: (await loadAll(training('renamed', 'name_prefix = "xgb"') + moved('sagemaker_training_job.xgb', 'sagemaker_training_job.renamed'), state)).config!, state, remote: untagged, replace: new Set(), configHash: 'h', now: NOW })
    assert.deepEqual(none.changes.map((c) => [c.action, c.previous_address]), [['no-op', 'sagemaker_training_job.xgb']])
    // Without a refresh (--refresh=false) a move planned now is assumed to leave the old tag on the job.
    const offline = plan({ config: (await loadAll(training('renamed', 'name_prefix = "xgb"') + moved('sagemaker_training_job.xgb', 'sagemaker_training_job.renamed'), state)).config!, state, remote: undefined, replace: new Set(), configHash: 'h', now: NOW })
    assert.deepEqual(offline.changes[0]!.tag_changes?.set, { [TAG.address]: 'sagemaker_training_job.renamed' })
  })

  it('a move and a changed spec: the record moves, then its job is replaced, keeping the history', async () => {
    const state = await appliedState(training('a'))
    const p = await planFor(training('b', '', 'hyper_parameters = { eta = 0.2 }') + moved('sagemaker_training_job.a', 'sagemaker_training_job.b'), state)
    assert.deepEqual(summary(p), [`sagemaker_training_job.a → sagemaker_training_job.b: replace ${jobOf(state, 'sagemaker_training_job.a')}`])
    assert.match(renderPlan(p, makeStyle(false)), /# \(moved from sagemaker_training_job\.a\)/)
  })

  it('is idempotent: once the record has moved, the same configuration plans nothing', async () => {
    const before = await appliedState(training('a'))
    const hcl = training('b', 'name_prefix = "a"') + moved('sagemaker_training_job.a', 'sagemaker_training_job.b')
    const first = await planFor(hcl, before)
    const after: State = { ...before, serial: 5, resources: { 'sagemaker_training_job.b': before.resources['sagemaker_training_job.a']! } }
    const second = await planFor(hcl, after)
    assert.equal(first.changes[0]!.previous_address, 'sagemaker_training_job.a')
    assert.deepEqual(summary(second), [`sagemaker_training_job.b: no-op ${jobOf(before, 'sagemaker_training_job.a')}`])
  })

  it('a destination that already has a record is not overwritten: a warning, and the source is planned as removed', async () => {
    const state = await appliedState(training('a') + training('b', '', 'hyper_parameters = { x = 1 }'))
    const p = await planFor(training('b', '', 'hyper_parameters = { x = 1 }') + moved('sagemaker_training_job.a', 'sagemaker_training_job.b'), state)
    const warning = p.diagnostics.find((d) => d.summary === 'Unresolved resource instance address changes')
    assert.match(warning?.detail ?? '', /sagemaker_training_job\.a could not move to sagemaker_training_job\.b/)
    assert.deepEqual(summary(p).sort(), [`sagemaker_training_job.a: stop ${jobOf(state, 'sagemaker_training_job.a')}`, `sagemaker_training_job.b: no-op ${jobOf(state, 'sagemaker_training_job.b')}`])
  })

  const invalid: Array<[string, string, string]> = [
    ['redundant', training('a') + moved('sagemaker_training_job.a', 'sagemaker_training_job.a'), 'Redundant move statement: This statement declares a move from sagemaker_training_job.a to the same address'],
    ['still declared', training('a') + training('b') + moved('sagemaker_training_job.a', 'sagemaker_training_job.b'), 'Moved object still exists: This statement declares a move from sagemaker_training_job.a, but that resource is still declared.'],
    ['still declared instance', training('a', 'count = 2') + moved('sagemaker_training_job.a[1]', 'sagemaker_training_job.a[5]'), 'but that resource instance is still declared'],
    ['ambiguous destination', training('b') + training('c') + moved('sagemaker_training_job.a', 'sagemaker_training_job.b') + moved('sagemaker_training_job.a', 'sagemaker_training_job.c'), 'declared that sagemaker_training_job.a moved to sagemaker_training_job.b, but this statement instead declares that it moved to sagemaker_training_job.c'],
    ['ambiguous source', training('c') + moved('sagemaker_training_job.a', 'sagemaker_training_job.c') + moved('sagemaker_training_job.b', 'sagemaker_training_job.c'), 'Each resource can have moved from only one source resource.'],
    ['cycle', training('c') + moved('sagemaker_training_job.a', 'sagemaker_training_job.b') + moved('sagemaker_training_job.b', 'sagemaker_training_job.a'), 'Cyclic dependency in move statements: The following chained move statements form a cycle'],
  ]
  for (const [name, hcl, message] of invalid) {
    it(`refuses a ${name} move, in validate as in plan`, async () => {
      const loaded = await loadAll(hcl, await appliedState(training('a')))
      const found = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.summary}: ${d.detail}`)
      assert.equal(found.filter((e) => e.includes(message)).length, 1, found.join('\n'))
    })
  }

  it('refuses a move between a training job and a tuning job when decoding', async () => {
    const loaded = await loadAll(training('a') + moved('sagemaker_training_job.x', 'sagemaker_hyperparameter_tuning_job.y'))
    assert.match(loaded.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('\n'), /Resource type mismatch: .*a training job cannot become a tuning job/)
  })

  it('allows moving a provider resource to its native type (after sageform convert)', async () => {
    const state = await appliedState(training('a', 'name = "pinned-a"'))
    const native = state.resources['sagemaker_training_job.a']!
    const fromProvider: State = { ...state, resources: { 'aws_sagemaker_training_job.a': { ...native, type: 'aws_sagemaker_training_job' } } }
    const p = await planFor(training('a', 'name = "pinned-a"') + moved('aws_sagemaker_training_job.a', 'sagemaker_training_job.a'), fromProvider)
    assert.deepEqual(summary(p), ['aws_sagemaker_training_job.a → sagemaker_training_job.a: update pinned-a'])
  })
})

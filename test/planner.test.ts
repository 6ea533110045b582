// Table-driven planner tests: configuration text + state + remote snapshot in, plan out. No network.
import assert from 'node:assert/strict'
import type { ResourceType } from '../src/config/module.js'
import type { Plan } from '../src/plan/types.js'
import { specHash, jobName } from '../src/planner/identity.js'
import { plan, remoteKey, type RemoteSnapshot } from '../src/planner/planner.js'
import { TAG, type RemoteJob } from '../src/model/kinds.js'
import { sageformTags } from '../src/apply/records.js'
import { referenceAttributes } from '../src/services/plan.js'
import { loadConfiguration } from '../src/services/setup/configuration.js'
import type { JobRecord, State } from '../src/model/state.js'
import { renderPlanMarkdown } from '../src/ui/markdown.js'
import { renderPlan } from '../src/ui/plan.js'
import { makeStyle } from '../src/ui/style.js'
import { configDir, TRAINING_BODY, tuningResource } from './helpers/config.js'

const LINEAGE = '11111111-2222-3333-4444-555555555555'
const NOW = new Date('2026-11-23T12:00:00Z')
const training = (label: string, extra = '') => `resource "sagemaker_training_job" "${label}" {\n${TRAINING_BODY}\n${extra}\n}\n`
async function load(hcl: string, state?: State, replace: string[] = []) {
  const r = await loadConfiguration({ dir: configDir({ 'main.hcl': hcl }), variables: [], env: {}, resourceAttributes: referenceAttributes(state, new Set(replace)) })
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [])
  return r.config!
}

/** A state whose current job for each given address is exactly what `hcl` describes (same spec hash). */
async function stateFor(hcl: string, jobs: Record<string, Partial<JobRecord>>): Promise<State> {
  const config = await load(hcl)
  const resources: State['resources'] = {}
  for (const resource of config.resources) {
    const override = jobs[resource.address]
    if (!override) continue
    const hash = specHash(resource, 1) as string
    resources[resource.address] = {
      type: resource.kind.type,
      current: {
        name: jobName(resource, hash) as string,
        arn: `arn:aws:sagemaker:us-east-1:123456789012:${resource.kind.type === 'sagemaker_training_job' ? 'training-job' : 'hyper-parameter-tuning-job'}/${jobName(resource, hash) as string}`,
        spec_hash: hash,
        status: 'Completed',
        created_at: '2026-11-01T00:00:00Z',
        updated_at: '2026-11-01T00:00:00Z',
        generation: 1,
        request: JSON.parse(JSON.stringify(resource.request)),
        tags: Object.fromEntries(Object.entries(resource.tags).map(([k, v]) => [k, String(v)])),
        ...override,
      },
      history: [],
    }
  }
  return { format_version: 1, lineage: LINEAGE, serial: 3, resources }
}

function remote(state: State, overrides: Record<string, Partial<RemoteJob> | 'missing'> = {}, extra: RemoteJob[] = []): RemoteSnapshot {
  const jobs = new Map<string, RemoteJob>()
  for (const [address, r] of Object.entries(state.resources)) {
    if (!r.current || overrides[address] === 'missing') continue
    const job: RemoteJob = { type: r.type, name: r.current.name, arn: r.current.arn, status: r.current.status, tags: { ...r.current.tags, ...sageformTags({ address, lineage: state.lineage, specHash: r.current.spec_hash }) }, ...(overrides[address] as Partial<RemoteJob> | undefined) }
    jobs.set(remoteKey(r.type, job.name), job)
  }
  for (const job of extra) jobs.set(remoteKey(job.type, job.name), job)
  return { jobs }
}

async function planFor(hcl: string, state: State | undefined, snapshot: RemoteSnapshot | undefined, replace: string[] = []): Promise<Plan> {
  const config = await load(hcl, state, replace)
  return plan({ config, state, remote: snapshot, replace: new Set(replace), configHash: 'test', now: NOW })
}

const change = (p: Plan, address: string) => p.changes.find((c) => c.address === address)!

describe('planner', () => {
  const base = training('a', 'hyper_parameters = { eta = 0.1 }\ntags = { team = "ml" }')

  it('creates a resource that has no job, named <prefix>-<8 hex of the spec hash>', async () => {
    const p = await planFor(base, undefined, { jobs: new Map() })
    const c = change(p, 'sagemaker_training_job.a')
    assert.equal(c.action, 'create')
    assert.match(c.after!.name!, /^a-[0-9a-f]{8}$/)
    assert.deepEqual(p.summary, { create: 1, replace: 0, update: 0, stop: 0, adopt: 0, retune: 0, delete: 0 })
    const again = await planFor(base, undefined, { jobs: new Map() })
    assert.equal(change(again, 'sagemaker_training_job.a').after!.name, c.after!.name, 'same spec, same name')
  })

  it('hashes a changed copy of a resource anew: remembered hashes belong to the resource object, not its address', async () => {
    const [resource] = (await load(base)).resources
    const hash = specHash(resource!, 1)
    const edited = { ...resource!, request: { ...resource!.request, RoleArn: 'arn:aws:iam::123456789012:role/other' } }
    assert.notEqual(specHash(edited, 1), hash)
    assert.notEqual(specHash(resource!, 2), hash)
    assert.equal(specHash(resource!, 1), hash)
  })

  const table: Array<{ name: string; hcl: string; jobs?: Record<string, Partial<JobRecord>>; remote?: Record<string, Partial<RemoteJob> | 'missing'>; replace?: string[]; refresh?: boolean; expect: Record<string, string>; check?: (p: Plan) => void }> = [
    {
      name: 'no-op when the spec hash is unchanged, showing the live status',
      hcl: base,
      jobs: { 'sagemaker_training_job.a': {} },
      remote: { 'sagemaker_training_job.a': { status: 'InProgress' } },
      expect: { 'sagemaker_training_job.a': 'no-op' },
      check: (p) => assert.equal(change(p, 'sagemaker_training_job.a').before!.status, 'InProgress'),
    },
    {
      name: 'replace when a hyperparameter changes, with the attribute diff and a new generation',
      hcl: base.replace('eta = 0.1', 'eta = 0.2'),
      jobs: { 'sagemaker_training_job.a': { request: undefined } },
      expect: { 'sagemaker_training_job.a': 'replace' },
      check: (p) => {
        const c = change(p, 'sagemaker_training_job.a')
        assert.equal(c.reason, 'spec_changed')
        assert.equal(c.after!.generation, 2)
        assert.notEqual(c.after!.name, c.before!.name)
        assert.equal(c.delete_before_create, false)
      },
    },
    {
      name: 'replace with a pinned name frees the name first (delete before create)',
      hcl: base.replace('hyper_parameters', 'name = "pinned-job"\nhyper_parameters').replace('eta = 0.1', 'eta = 0.3'),
      jobs: { 'sagemaker_training_job.a': { name: 'pinned-job' } },
      expect: { 'sagemaker_training_job.a': 'replace' },
      check: (p) => assert.equal(change(p, 'sagemaker_training_job.a').delete_before_create, true),
    },
    {
      name: '--replace forces a new job for an unchanged spec (re-run a failed job)',
      hcl: base,
      jobs: { 'sagemaker_training_job.a': { status: 'Failed' } },
      replace: ['sagemaker_training_job.a'],
      expect: { 'sagemaker_training_job.a': 'replace' },
      check: (p) => {
        const c = change(p, 'sagemaker_training_job.a')
        assert.equal(c.reason, 'replace_forced')
        assert.equal(c.after!.generation, 2)
        assert.notEqual(c.after!.name, c.before!.name)
      },
    },
    {
      name: 'update in place when only tags change',
      hcl: base.replace('team = "ml"', 'team = "platform", env = "prod"'),
      jobs: { 'sagemaker_training_job.a': {} },
      expect: { 'sagemaker_training_job.a': 'update' },
      check: (p) => assert.deepEqual(change(p, 'sagemaker_training_job.a').tag_changes, { set: { team: 'platform', env: 'prod' }, remove: [], before: { team: 'ml' } }),
    },
    {
      name: 'UpdateTrainingJob for keep_alive_period_in_seconds of a running job, without replacement',
      hcl: base.replace('volume_size_in_gb = 10', 'volume_size_in_gb = 10\n    keep_alive_period_in_seconds = 600'),
      jobs: { 'sagemaker_training_job.a': { status: 'InProgress' } },
      expect: { 'sagemaker_training_job.a': 'update' },
      check: (p) => assert.deepEqual(change(p, 'sagemaker_training_job.a').training_job_update, { ResourceConfig: { KeepAlivePeriodInSeconds: 600 } }),
    },
    {
      name: 'an updatable setting on a finished job is a warning, not a replacement',
      hcl: base.replace('volume_size_in_gb = 10', 'volume_size_in_gb = 10\n    keep_alive_period_in_seconds = 600'),
      jobs: { 'sagemaker_training_job.a': { status: 'Completed' } },
      expect: { 'sagemaker_training_job.a': 'no-op' },
      check: (p) => assert.equal(p.diagnostics[0]!.summary, 'Setting cannot be changed on a finished job'),
    },
    {
      name: 'a job deleted outside sageform is drift and is created again',
      hcl: base,
      jobs: { 'sagemaker_training_job.a': { status: 'InProgress' } },
      remote: { 'sagemaker_training_job.a': 'missing' },
      expect: { 'sagemaker_training_job.a': 'create' },
      check: (p) => assert.deepEqual(p.drift.map((d) => d.kind), ['missing']),
    },
    {
      name: 'a job stopped outside sageform is reported as drift',
      hcl: base,
      jobs: { 'sagemaker_training_job.a': { status: 'InProgress' } },
      remote: { 'sagemaker_training_job.a': { status: 'Stopped' } },
      expect: { 'sagemaker_training_job.a': 'no-op' },
      check: (p) => assert.match(p.drift[0]!.detail, /Stopped, outside sageform/),
    },
    {
      name: 'tags changed outside sageform are drift and are put back',
      hcl: base,
      jobs: { 'sagemaker_training_job.a': {} },
      remote: { 'sagemaker_training_job.a': { tags: { team: 'hacked', [TAG.address]: 'sagemaker_training_job.a' } } },
      expect: { 'sagemaker_training_job.a': 'update' },
      check: (p) => {
        assert.deepEqual(p.drift.map((d) => d.kind), ['tags'])
        assert.deepEqual(change(p, 'sagemaker_training_job.a').tag_changes, { set: { team: 'ml' }, remove: [], before: { team: 'hacked' } })
      },
    },
    {
      name: '--refresh=false plans from the recorded status',
      hcl: base,
      jobs: { 'sagemaker_training_job.a': { status: 'InProgress' } },
      refresh: false,
      expect: { 'sagemaker_training_job.a': 'no-op' },
      check: (p) => {
        assert.equal(p.refreshed, false)
        assert.equal(change(p, 'sagemaker_training_job.a').before!.status, 'InProgress')
      },
    },
  ]

  for (const t of table) {
    it(t.name, async () => {
      const state = await stateFor(base, t.jobs ?? {})
      const p = await planFor(t.hcl, state, t.refresh === false ? undefined : remote(state, t.remote), t.replace)
      for (const [address, action] of Object.entries(t.expect)) assert.equal(change(p, address)?.action, action, `${address}: ${JSON.stringify(change(p, address), null, 1)}`)
      t.check?.(p)
    })
  }

  it('stops a running job whose resource left the configuration, and forgets a finished one', async () => {
    const two = base + training('b')
    const state = await stateFor(two, { 'sagemaker_training_job.a': { status: 'InProgress' }, 'sagemaker_training_job.b': {} })
    const p = await planFor(training('c'), state, remote(state))
    assert.equal(change(p, 'sagemaker_training_job.a').action, 'stop')
    assert.equal(change(p, 'sagemaker_training_job.a').reason, 'removed_running')
    assert.equal(change(p, 'sagemaker_training_job.b').reason, 'removed_finished')
    assert.deepEqual(p.summary, { create: 1, replace: 0, update: 0, stop: 2, adopt: 0, retune: 0, delete: 0 })
  })

  it('suggests the exact --replace command for a current job that Failed or was Stopped, in text, Markdown and the plan value', async () => {
    const hcl = base + training('b') + training('m', 'for_each = toset(["x"])')
    const state = await stateFor(hcl, { 'sagemaker_training_job.a': {}, 'sagemaker_training_job.b': {}, 'sagemaker_training_job.m["x"]': {} })
    const p = await planFor(hcl, state, remote(state, { 'sagemaker_training_job.a': { status: 'Failed' }, 'sagemaker_training_job.m["x"]': { status: 'Stopped' } }))
    assert.deepEqual(
      p.changes.map((c) => [c.address, c.action, c.replace_command]),
      [
        ['sagemaker_training_job.a', 'no-op', 'sageform apply --replace sagemaker_training_job.a'],
        ['sagemaker_training_job.b', 'no-op', undefined],
        ['sagemaker_training_job.m["x"]', 'no-op', `sageform apply --replace 'sagemaker_training_job.m["x"]'`],
      ],
    )
    const text = renderPlan(p, makeStyle(false))
    assert.match(text, /= sagemaker_training_job\.a: job \S+ \(Failed\)\n {6}The job failed and will not run again by itself; to start a new job: sageform apply --replace sagemaker_training_job\.a\n/)
    assert.match(text, /The job was stopped .*: sageform apply --replace 'sagemaker_training_job\.m\["x"\]'/)
    assert.match(renderPlanMarkdown(p), /\(Failed\)\. The job failed .*: `sageform apply --replace sagemaker_training_job\.a`/)
  })

  it('adopts a job that an interrupted apply created but never recorded', async () => {
    const empty: State = { format_version: 1, lineage: LINEAGE, serial: 1, resources: {} }
    const fresh = await planFor(base, empty, { jobs: new Map() })
    const name = change(fresh, 'sagemaker_training_job.a').after!.name!
    const orphan: RemoteJob = { type: 'sagemaker_training_job', name, arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`, status: 'InProgress', tags: { [TAG.address]: 'sagemaker_training_job.a', [TAG.lineage]: LINEAGE } }
    const p = await planFor(base, empty, remote(empty, {}, [orphan]))
    assert.equal(change(p, 'sagemaker_training_job.a').action, 'adopt')
    assert.deepEqual(p.summary.create, 0)
  })

  it('ignore_changes keeps an ignored attribute out of the identity and the diff', async () => {
    const ignoring = base.replace('tags =', 'lifecycle {\n    ignore_changes = [hyper_parameters, tags]\n  }\n  tags =')
    const state = await stateFor(ignoring, { 'sagemaker_training_job.a': {} })
    const p = await planFor(ignoring.replace('eta = 0.1', 'eta = 0.9').replace('team = "ml"', 'team = "x"'), state, remote(state))
    assert.equal(change(p, 'sagemaker_training_job.a').action, 'no-op')
    const notIgnoring = await planFor(base.replace('eta = 0.1', 'eta = 0.9'), await stateFor(base, { 'sagemaker_training_job.a': {} }), undefined)
    assert.deepEqual(change(notIgnoring, 'sagemaker_training_job.a').attribute_changes.map((c) => [c.path, c.before, c.after, c.forces_replacement]), [['hyper_parameters.eta', '0.1', '0.9', true]])
  })

  it('refuses to replace a resource with prevent_destroy', async () => {
    const protectedHcl = base.replace('tags =', 'lifecycle {\n    prevent_destroy = true\n  }\n  tags =')
    const state = await stateFor(protectedHcl, { 'sagemaker_training_job.a': { status: 'InProgress' } })
    const p = await planFor(protectedHcl.replace('eta = 0.1', 'eta = 0.5'), state, remote(state))
    const error = p.diagnostics.find((d) => d.severity === 'error')!
    assert.equal(error.summary, 'Resource has lifecycle.prevent_destroy set')
    assert.match(error.detail!, /would stop job/)
  })

  it('orders dependents after their dependencies and defers a warm start until the parent has finished', async () => {
    const hcl = tuningResource('child', `warm_start_config {
    warm_start_type = "IdenticalDataAndAlgorithm"
    parent_hyper_parameter_tuning_jobs {
      hyper_parameter_tuning_job_name = sagemaker_hyperparameter_tuning_job.parent.name
    }
  }`) + tuningResource('parent')
    const p = await planFor(hcl, undefined, { jobs: new Map() })
    assert.deepEqual(p.changes.map((c) => c.address), ['sagemaker_hyperparameter_tuning_job.parent', 'sagemaker_hyperparameter_tuning_job.child'])
    const child = change(p, 'sagemaker_hyperparameter_tuning_job.child')
    assert.deepEqual(child.deferred?.waiting_for, ['sagemaker_hyperparameter_tuning_job.parent'])
    assert.ok(child.after!.name, 'the child name is known: the parent name is derived from its spec')

    const state = await stateFor(hcl, { 'sagemaker_hyperparameter_tuning_job.parent': { status: 'InProgress' } })
    const running = await planFor(hcl, state, remote(state))
    assert.ok(change(running, 'sagemaker_hyperparameter_tuning_job.child').deferred, 'still deferred while the parent runs')
    const done = await planFor(hcl, state, remote(state, { 'sagemaker_hyperparameter_tuning_job.parent': { status: 'Completed' } }))
    assert.equal(change(done, 'sagemaker_hyperparameter_tuning_job.child').deferred, undefined)
    assert.equal(change(done, 'sagemaker_hyperparameter_tuning_job.child').action, 'create')
  })

  it('carries values unknown until apply as such', async () => {
    const hcl = training('first') + training('second', 'hyper_parameters = { upstream = sagemaker_training_job.first.arn }')
    const p = await planFor(hcl, undefined, { jobs: new Map() })
    const second = change(p, 'sagemaker_training_job.second')
    assert.equal(second.after!.name, null, 'a name derived from an unknown spec is unknown')
    assert.deepEqual((second.after!.request as { HyperParameters: unknown }).HyperParameters, { upstream: { $unknown: 'sagemaker_training_job.first.arn' } })
    assert.deepEqual(second.depends_on, ['sagemaker_training_job.first'])
  })

  it('rejects a --replace address that is not in the configuration', async () => {
    const p = await planFor(base, undefined, { jobs: new Map() }, ['sagemaker_training_job.nope'])
    assert.equal(p.diagnostics[0]!.summary, 'Invalid --replace address')
  })

  for (const type of ['sagemaker_training_job', 'sagemaker_hyperparameter_tuning_job'] as ResourceType[]) {
    it(`keys remote jobs case-insensitively (${type})`, () => assert.equal(remoteKey(type, 'Abc'), remoteKey(type, 'aBC')))
  }
})

describe('planner: identity across sageform versions', () => {
  it('keeps a job whose recorded hash came from older hash rules when its request is the same spec', async () => {
    const hcl = training('a', 'hyper_parameters = { eta = 0.1 }')
    const state = await stateFor(hcl, { 'sagemaker_training_job.a': { spec_hash: 'hash-from-an-older-sageform', name: 'a-0ld0ld00' } })
    const p = await planFor(hcl, state, remote(state))
    const c = change(p, 'sagemaker_training_job.a')
    assert.equal(c.action, 'no-op')
    assert.equal(c.after!.name, 'a-0ld0ld00')
    const changed = await planFor(hcl.replace('eta = 0.1', 'eta = 0.2'), state, remote(state))
    assert.equal(change(changed, 'sagemaker_training_job.a').action, 'replace')
  })
})

describe('planner: sensitive values', () => {
  it('marks attributes holding a sensitive variable so text output hides them', async () => {
    const hcl = `variable "token" {\n  default   = "s3cr3t-value"\n  sensitive = true\n}\n` + training('a', 'environment = { API_TOKEN = var.token, URL = "https://x/?t=${var.token}", MODE = "fast" }')
    const p = await planFor(hcl, undefined, { jobs: new Map() })
    const marked = Object.fromEntries(change(p, 'sagemaker_training_job.a').attribute_changes.filter((c) => c.path.startsWith('environment.')).map((c) => [c.path, c.sensitive ?? false]))
    assert.deepEqual(marked, { 'environment.API_TOKEN': true, 'environment.MODE': false, 'environment.URL': true })
    const { renderPlan } = await import('../src/ui/plan.js')
    const { makeStyle } = await import('../src/ui/style.js')
    const text = renderPlan(p, makeStyle(false))
    assert.doesNotMatch(text, /s3cr3t-value/)
    assert.match(text, /environment\.API_TOKEN = \(sensitive value\)/)
  })
})

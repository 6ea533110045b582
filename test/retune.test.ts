// Scheduled re-tuning in the planner: retune_every, generations and their names, warm_start_from_previous parent
// selection, keep_generations, warm-start compatibility and the policy on new generations. Pure: no network.
import assert from 'node:assert/strict'
import type { Configuration } from '../src/model/types.js'
import type { Plan, ResourceChange } from '../src/plan/types.js'
import { jobName, specHash } from '../src/planner/identity.js'
import { plan, remoteKey, retuneToleranceSeconds } from '../src/planner/planner.js'
import { type RemoteJob } from '../src/model/kinds.js'
import { sageformTags } from '../src/apply/records.js'
import { policyViolations } from '../src/planner/policy.js'
import { loadConfiguration } from '../src/services/setup/configuration.js'
import { referenceAttributes } from '../src/services/plan.js'
import type { JobRecord, State } from '../src/model/state.js'
import { configDir, DEFAULT_RANGES, IMAGE, LR_ONLY, retunableTuning as tuning, TRAINING_BODY, type TuningVariant as Variant } from './helpers/config.js'

const NOW = new Date('2026-11-23T12:00:00Z')
const DAY = 86_400_000
const ADDRESS = 'sagemaker_hyperparameter_tuning_job.churn'
async function load(hcl: string, state?: State): Promise<{ config?: Configuration; errors: string[] }> {
  const r = await loadConfiguration({ dir: configDir({ 'main.hcl': hcl }), variables: [], env: {}, resourceAttributes: referenceAttributes(state, new Set()) })
  return { config: r.config, errors: r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.summary}: ${d.detail ?? ''}`) }
}

async function configOf(hcl: string, state?: State): Promise<Configuration> {
  const { config, errors } = await load(hcl, state)
  assert.deepEqual(errors, [])
  return config!
}

interface Generation {
  generation: number
  status?: string
  endedDaysAgo?: number
  /** When it started (SageMaker's CreationTime); default a day before it ended. */
  startedDaysAgo?: number
  deleted?: boolean
  request?: unknown
}

/** State holding `generations` of the resource (the last one current), named and hashed as sageform would. */
async function stateWith(hcl: string, generations: Generation[]): Promise<State> {
  const resource = (await configOf(hcl)).resources[0]!
  const records: JobRecord[] = generations.map((g) => {
    const hash = specHash(resource, g.generation) as string
    const name = jobName(resource, hash) as string
    return {
      name,
      arn: `arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/${name}`,
      spec_hash: hash,
      status: g.status ?? 'Completed',
      created_at: new Date(NOW.getTime() - (g.startedDaysAgo ?? (g.endedDaysAgo ?? 1) + 1) * DAY).toISOString(),
      updated_at: NOW.toISOString(),
      generation: g.generation,
      ...(g.endedDaysAgo !== undefined ? { ended_at: new Date(NOW.getTime() - g.endedDaysAgo * DAY).toISOString() } : {}),
      ...(g.deleted ? { deleted_at: NOW.toISOString() } : {}),
      request: (g.request ?? JSON.parse(JSON.stringify(resource.request))) as JobRecord['request'],
      tags: {},
    }
  })
  const current = records.pop()!
  return { format_version: 1, lineage: 'lineage-1', serial: 1, resources: { [ADDRESS]: { type: 'sagemaker_hyperparameter_tuning_job', current, history: records } } }
}

function remoteOf(state: State, overrides: Record<string, Partial<RemoteJob>> = {}) {
  const jobs = new Map<string, RemoteJob>()
  for (const [address, entry] of Object.entries(state.resources)) {
    for (const record of [...entry.history, ...(entry.current ? [entry.current] : [])]) {
      if (record.deleted_at) continue
      jobs.set(remoteKey(entry.type, record.name), { type: entry.type, name: record.name, arn: record.arn, status: record.status, ended_at: record.ended_at, tags: sageformTags({ address, lineage: state.lineage, specHash: record.spec_hash }), ...overrides[record.name] })
    }
  }
  return { jobs }
}

async function planOf(hcl: string, state: State | undefined, now = NOW): Promise<Plan> {
  const config = await configOf(hcl, state)
  return plan({ config, state, remote: state ? remoteOf(state) : { jobs: new Map() }, replace: new Set(), configHash: 'test', now })
}

const main = (p: Plan): ResourceChange => p.changes.find((c) => c.address === ADDRESS && !c.deposed)!
const deletions = (p: Plan) => p.changes.filter((c) => c.action === 'delete').map((c) => c.before?.generation)
const parents = (c: ResourceChange) => {
  const config = (c.after!.request as Record<string, { ParentHyperParameterTuningJobs: Array<{ HyperParameterTuningJobName: string }>; WarmStartType: string } | undefined>).WarmStartConfig
  return config && { names: config.ParentHyperParameterTuningJobs.map((p) => p.HyperParameterTuningJobName), type: config.WarmStartType }
}
const errors = (p: Plan) => p.diagnostics.filter((d) => d.severity === 'error').map((d) => d.detail ?? '')

describe('planner: scheduled re-tuning', () => {
  const weekly = tuning({ lifecycle: 'retune_every = "7d"' })

  describe('retune_every', () => {
    const cases: Array<{ name: string; current: Generation; expect: ResourceChange['action']; due?: boolean }> = [
      { name: 'due: started longer ago than retune_every', current: { generation: 1, startedDaysAgo: 8, endedDaysAgo: 7 }, expect: 'retune', due: true },
      { name: 'due at exactly retune_every after it started, though it completed later', current: { generation: 1, startedDaysAgo: 7, endedDaysAgo: 5 }, expect: 'retune', due: true },
      { name: 'due within the tolerance before that (an hour for 7d)', current: { generation: 1, startedDaysAgo: 7 - 0.5 / 24, endedDaysAgo: 5 }, expect: 'retune', due: true },
      { name: 'not due: started 6 days ago', current: { generation: 1, startedDaysAgo: 6, endedDaysAgo: 1 }, expect: 'no-op', due: true },
      { name: 'not due: beyond the tolerance (2 hours early)', current: { generation: 1, startedDaysAgo: 7 - 2 / 24, endedDaysAgo: 5 }, expect: 'no-op', due: true },
      { name: 'never completed: still running', current: { generation: 1, status: 'InProgress', startedDaysAgo: 9 }, expect: 'no-op' },
      { name: 'never completed: failed long ago', current: { generation: 1, status: 'Failed', endedDaysAgo: 30 }, expect: 'no-op' },
      { name: 'never completed: stopped long ago', current: { generation: 1, status: 'Stopped', endedDaysAgo: 30 }, expect: 'no-op' },
    ]
    for (const c of cases) {
      it(c.name, async () => {
        const state = await stateWith(weekly, [c.current])
        const change = main(await planOf(weekly, state))
        assert.equal(change.action, c.expect)
        if (c.due) assert.equal(change.retune_due_at, new Date(NOW.getTime() - (c.current.startedDaysAgo! - 7) * DAY).toISOString())
        else assert.equal(change.retune_due_at, undefined)
      })
    }

    it('the tolerance is a tenth of retune_every, at most an hour', () => {
      assert.deepEqual([30 * 60, 3600, 86_400, 7 * 86_400].map(retuneToleranceSeconds), [180, 360, 3600, 3600])
    })

    it('re-tunes a training job too (a new job on fresh data; no warm start)', async () => {
      const hcl = `resource "sagemaker_training_job" "nightly" {\n${TRAINING_BODY}\n  lifecycle {\n    retune_every = "12h"\n  }\n}\n`
      const resource = (await configOf(hcl)).resources[0]!
      const name = jobName(resource, specHash(resource, 1)) as string
      const state: State = { format_version: 1, lineage: 'l', serial: 1, resources: { 'sagemaker_training_job.nightly': { type: 'sagemaker_training_job', history: [], current: { name, arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`, spec_hash: specHash(resource, 1) as string, status: 'Completed', created_at: new Date(NOW.getTime() - 14 * 3_600_000).toISOString(), updated_at: NOW.toISOString(), ended_at: new Date(NOW.getTime() - 13 * 3_600_000).toISOString(), generation: 1, request: JSON.parse(JSON.stringify(resource.request)) } } } }
      const change = (await planOf(hcl, state)).changes[0]!
      assert.equal(change.action, 'retune')
      assert.equal(change.after!.generation, 2)
      assert.equal((change.after!.request as Record<string, unknown>).WarmStartConfig, undefined)
    })

    it('a resource without retune_every never re-tunes', async () => {
      const hcl = tuning()
      const state = await stateWith(hcl, [{ generation: 1, endedDaysAgo: 400 }])
      assert.equal(main(await planOf(hcl, state)).action, 'no-op')
    })

    it('judges due-ness on the clock it is given (SageMaker\'s), not this machine\'s', async () => {
      const state = await stateWith(weekly, [{ generation: 1, startedDaysAgo: 6, endedDaysAgo: 5 }])
      assert.equal(main(await planOf(weekly, state, new Date(NOW.getTime() + 2 * DAY))).action, 'retune')
    })

    it('a spec change is a replace, not a re-tune, even when one is due', async () => {
      const state = await stateWith(weekly, [{ generation: 1, endedDaysAgo: 8 }])
      const changed = tuning({ lifecycle: 'retune_every = "7d"', statics: { epochs: '20' } })
      assert.equal(main(await planOf(changed, state)).action, 'replace')
    })
  })

  describe('cron timelines', () => {
    const MINUTE = 60_000
    interface Timeline {
      name: string
      every: string
      /** The timer's period: retune_every, except in the last case. */
      periodMs: number
      /** Each run's offset from its slot k × period (ms); null: the run did not happen. */
      runs: Array<number | null>
      /** How long each generation runs, from its start to Completed. */
      jobMs: number
      /** From the run's start to the job's CreationTime (planning, a wait for the lock, the Create call). */
      latencyMs: number
      /** Which runs (by slot) start a generation; slot 0 starts the first one. */
      starts: number[]
    }
    const H = 60 * MINUTE
    const timelines: Timeline[] = [
      { name: 'weekly cron on the minute, two-day jobs: every run re-tunes', every: '7d', periodMs: 7 * DAY, runs: [0, 0, 0, 0, 0], jobMs: 2 * DAY, latencyMs: 40_000, starts: [0, 1, 2, 3, 4] },
      { name: 'weekly systemd timer, RandomizedDelaySec=15m (±15 minutes between runs)', every: '7d', periodMs: 7 * DAY, runs: [15 * MINUTE, 0, 15 * MINUTE, 2 * MINUTE, 14 * MINUTE, 0], jobMs: 2 * DAY, latencyMs: 3 * MINUTE, starts: [0, 1, 2, 3, 4, 5] },
      { name: 'a run waited 10 minutes for the lock, the next did not', every: '7d', periodMs: 7 * DAY, runs: [0, 10 * MINUTE, 0, 0], jobMs: DAY, latencyMs: 10 * MINUTE + 30_000, starts: [0, 1, 2, 3] },
      { name: 'the issue\'s 30m schedule: every run of a 30-minute cron re-tunes', every: '30m', periodMs: 30 * MINUTE, runs: [0, 0, 0, 0, 0, 0], jobMs: 12 * MINUTE, latencyMs: 20_000, starts: [0, 1, 2, 3, 4, 5] },
      { name: '30m cron with ±1 minute of jitter', every: '30m', periodMs: 30 * MINUTE, runs: [MINUTE, -MINUTE, MINUTE, 0, -MINUTE, MINUTE], jobMs: 12 * MINUTE, latencyMs: 30_000, starts: [0, 1, 2, 3, 4, 5] },
      { name: 'a skipped run (machine off): the next run starts one generation', every: '7d', periodMs: 7 * DAY, runs: [0, null, 0, 0], jobMs: DAY, latencyMs: 30_000, starts: [0, 2, 3] },
      { name: 'a job longer than the period: due at the first run after it completed', every: '7d', periodMs: 7 * DAY, runs: [0, 0, 0, 0, 0], jobMs: 10 * DAY, latencyMs: 30_000, starts: [0, 2, 4] },
      { name: 'a run late by more than a period starts one generation, and the next is due a period after it', every: '7d', periodMs: 7 * DAY, runs: [0, null, 3 * DAY, 0, 0], jobMs: DAY, latencyMs: 30_000, starts: [0, 2, 4] },
      { name: 'a run far earlier than its slot (an extra manual apply) starts nothing', every: '7d', periodMs: 7 * DAY, runs: [0, -2 * DAY, 0], jobMs: DAY, latencyMs: 30_000, starts: [0, 2] },
      { name: 'an hourly timer on a daily schedule: once a day, never an hour early', every: '1d', periodMs: H, runs: Array.from({ length: 50 }, () => 0), jobMs: 2 * H, latencyMs: 30_000, starts: [0, 24, 48] },
    ]

    for (const t of timelines) {
      it(t.name, async () => {
        const hcl = tuning({ lifecycle: `retune_every = "${t.every}"` })
        const resource = (await configOf(hcl)).resources[0]!
        const origin = NOW.getTime()
        let current: { generation: number; startedAt: number } | undefined
        const started: number[] = []
        for (const [slot, offset] of t.runs.entries()) {
          if (offset === null) continue
          const runAt = origin + slot * t.periodMs + offset
          if (!current) {
            current = { generation: 1, startedAt: runAt + t.latencyMs }
            started.push(slot)
            continue
          }
          const hash = specHash(resource, current.generation) as string
          const name = jobName(resource, hash) as string
          const completed = runAt >= current.startedAt + t.jobMs
          const record: JobRecord = {
            name,
            arn: `arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/${name}`,
            spec_hash: hash,
            status: 'InProgress',
            created_at: new Date(current.startedAt).toISOString(),
            updated_at: new Date(current.startedAt).toISOString(),
            generation: current.generation,
            request: JSON.parse(JSON.stringify(resource.request)) as JobRecord['request'],
            tags: {},
          }
          const state: State = { format_version: 1, lineage: 'lineage-1', serial: 1, resources: { [ADDRESS]: { type: 'sagemaker_hyperparameter_tuning_job', current: record, history: [] } } }
          const live = { status: completed ? 'Completed' : 'InProgress', created_at: record.created_at, ...(completed ? { ended_at: new Date(current.startedAt + t.jobMs).toISOString() } : {}) }
          const config = await configOf(hcl, state)
          const change = main(plan({ config, state, remote: remoteOf(state, { [name]: live }), replace: new Set(), configHash: 'test', now: new Date(runAt) }))
          if (change.action === 'retune') {
            current = { generation: current.generation + 1, startedAt: runAt + t.latencyMs }
            started.push(slot)
          } else assert.equal(change.action, 'no-op', `slot ${slot}`)
        }
        assert.deepEqual(started, t.starts)
      })
    }
  })

  describe('generation naming', () => {
    it('a re-tune is the next generation, with its own deterministic name; the plan counts it', async () => {
      const state = await stateWith(weekly, [{ generation: 1, endedDaysAgo: 20 }, { generation: 2, endedDaysAgo: 8 }])
      const p = await planOf(weekly, state)
      const change = main(p)
      assert.equal(change.after!.generation, 3)
      assert.match(change.after!.name!, /^churn-[0-9a-f]{8}$/)
      const resource = (await configOf(weekly, state)).resources[0]!
      assert.equal(change.after!.name, jobName(resource, specHash(resource, 3)))
      const names = new Set([...state.resources[ADDRESS]!.history.map((r) => r.name), state.resources[ADDRESS]!.current!.name, change.after!.name])
      assert.equal(names.size, 3, 'every generation has its own name')
      assert.equal(p.summary.retune, 1)
      assert.equal((await planOf(weekly, state)).changes[0]!.after!.name, change.after!.name, 'the same plan twice names the same job')
    })

    it('refuses retune_every with a pinned name, and bad durations, with the setting located', async () => {
      const pinned = await load(tuning({ lifecycle: 'retune_every = "7d"', extra: 'name = "churn-fixed"' }).replace('name_prefix = "churn"', ''))
      assert.match(pinned.errors.join('\n'), /pinned "name" can belong to one job only/)
      for (const bad of ['"7 days"', '"0d"', '7', '"1w"']) {
        const r = await load(tuning({ lifecycle: `retune_every = ${bad}` }))
        assert.match(r.errors.join('\n'), /"retune_every" must be a duration such as "30s", "12h" or "7d"/, bad)
      }
      const r = await load(tuning({ lifecycle: 'keep_generations = 0' }))
      assert.match(r.errors.join('\n'), /"keep_generations" must be a whole number of at least 1/)
    })

    it('accepts the documented units and sums of them', async () => {
      for (const [text, days] of [['30s', 30 / 86_400], ['12h', 0.5], ['1d12h', 1.5], ['90m', 90 / 1440]] as const) {
        const resource = (await configOf(tuning({ lifecycle: `retune_every = "${text}"` }))).resources[0]!
        assert.equal(resource.lifecycle.retuneEverySeconds, days * 86_400, text)
      }
    })
  })

  describe('warm_start_from_previous', () => {
    const warm = (extra = '', lifecycle = 'retune_every = "7d"') => tuning({ lifecycle, extra: `warm_start_from_previous = true\n${extra}` })

    it('the first generation has no parents; a re-tune warm-starts from the previous generation', async () => {
      const first = main(await planOf(warm(), undefined))
      assert.equal(first.action, 'create')
      assert.equal(parents(first), undefined)
      const state = await stateWith(warm(), [{ generation: 1, endedDaysAgo: 8 }])
      const change = main(await planOf(warm(), state))
      assert.deepEqual(parents(change), { names: [state.resources[ADDRESS]!.current!.name], type: 'IdenticalDataAndAlgorithm' })
    })

    it('takes up to 5 previous generations, newest first, skipping failed and deleted ones', async () => {
      const gens: Generation[] = [1, 2, 3, 4, 5, 6, 7, 8].map((generation) => ({ generation, endedDaysAgo: 80 - generation * 8, status: generation === 6 ? 'Failed' : 'Completed', deleted: generation === 7 }))
      const state = await stateWith(warm(), gens)
      const byGeneration = new Map([...state.resources[ADDRESS]!.history, state.resources[ADDRESS]!.current!].map((r) => [r.generation, r.name]))
      const change = main(await planOf(warm(), state))
      assert.equal(change.action, 'retune')
      assert.deepEqual(parents(change)!.names, [8, 5, 4, 3, 2].map((g) => byGeneration.get(g)))
    })

    it('uses TransferLearning when the manifest says so, and the type is part of the spec', async () => {
      const transfer = warm('warm_start_config {\n    warm_start_type = "TransferLearning"\n  }')
      const state = await stateWith(transfer, [{ generation: 1, endedDaysAgo: 8 }])
      assert.equal(parents(main(await planOf(transfer, state)))!.type, 'TransferLearning')
      const identical = (await configOf(warm())).resources[0]!
      const transferred = (await configOf(transfer)).resources[0]!
      assert.notEqual(specHash(identical, 1), specHash(transferred, 1))
    })

    it('parents chosen by the planner do not change the job identity: an unchanged resource stays a no-op', async () => {
      const state = await stateWith(warm(), [{ generation: 1, endedDaysAgo: 20 }, { generation: 2, endedDaysAgo: 2 }])
      const current = state.resources[ADDRESS]!.current!
      current.request = { ...(current.request as object), WarmStartConfig: { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: state.resources[ADDRESS]!.history[0]!.name }], WarmStartType: 'IdenticalDataAndAlgorithm' } }
      assert.equal(main(await planOf(warm(), state)).action, 'no-op')
    })

    it('rejects parents named in the manifest as well, and warm_start_from_previous on a training job', async () => {
      const both = await load(warm('warm_start_config {\n    warm_start_type = "IdenticalDataAndAlgorithm"\n    parent_hyper_parameter_tuning_jobs {\n      hyper_parameter_tuning_job_name = "other"\n    }\n  }'))
      assert.match(both.errors.join('\n'), /sageform chooses the parent jobs/)
      const training = await load(`resource "sagemaker_training_job" "t" {\n${TRAINING_BODY}\n  warm_start_from_previous = true\n}\n`)
      assert.match(training.errors.join('\n'), /Only hyperparameter tuning jobs can warm-start/)
    })

    it('keeps only parents that keep_generations keeps, and warns when that leaves none', async () => {
      const state = await stateWith(warm(), [{ generation: 1, endedDaysAgo: 30 }, { generation: 2, endedDaysAgo: 20 }, { generation: 3, endedDaysAgo: 8 }])
      const p = await planOf(warm('', 'retune_every = "7d"\n    keep_generations = 2'), state)
      assert.deepEqual(parents(main(p))!.names, [state.resources[ADDRESS]!.current!.name])
      const lonely = await planOf(warm('', 'retune_every = "7d"\n    keep_generations = 1'), state)
      assert.equal(parents(main(lonely)), undefined)
      assert.match(lonely.diagnostics.map((d) => d.summary).join('\n'), /No generation to warm-start from/)
    })
  })

  describe('keep_generations', () => {
    const kept = (n: number) => tuning({ lifecycle: `retune_every = "7d"\n    keep_generations = ${n}` })

    it('a re-tune counts as the newest generation: the finished ones beyond N become delete changes', async () => {
      const state = await stateWith(kept(2), [{ generation: 1, endedDaysAgo: 30 }, { generation: 2, endedDaysAgo: 20 }, { generation: 3, endedDaysAgo: 8 }])
      const p = await planOf(kept(2), state)
      assert.equal(main(p).action, 'retune')
      assert.deepEqual(deletions(p), [2, 1])
      const del = p.changes.find((c) => c.action === 'delete')!
      assert.equal(del.deposed, del.before!.name)
      assert.equal(p.summary.delete, 2)
    })

    it('without a new generation the newest N stay; running and already deleted jobs are not deleted', async () => {
      const state = await stateWith(kept(1), [{ generation: 1, endedDaysAgo: 30, deleted: true }, { generation: 2, status: 'Stopping' }, { generation: 3, endedDaysAgo: 20 }, { generation: 4, endedDaysAgo: 2 }])
      const p = await planOf(kept(1), state)
      assert.equal(main(p).action, 'no-op')
      assert.deepEqual(deletions(p), [3])
    })

    it('plans nothing to delete while there are no more than N generations', async () => {
      const state = await stateWith(kept(3), [{ generation: 1, endedDaysAgo: 30 }, { generation: 2, endedDaysAgo: 8 }])
      assert.deepEqual(deletions(await planOf(kept(3), state)), [])
    })
  })

  describe('warm-start compatibility', () => {
    const parentState = async (parentHcl: string): Promise<State> => stateWith(parentHcl, [{ generation: 1, endedDaysAgo: 8 }])
    const child = (v: Variant & { type?: string } = {}) => tuning({ ...v, lifecycle: 'retune_every = "7d"', extra: `warm_start_from_previous = true\n${v.type ? `warm_start_config {\n warm_start_type = "${v.type}"\n}` : ''}` })

    const cases: Array<{ name: string; child: Variant & { type?: string }; error?: RegExp }> = [
      { name: 'same spec: compatible', child: {} },
      { name: 'new image breaks IdenticalDataAndAlgorithm', child: { image: `${IMAGE}-v2` }, error: /training image changed from .*pytorch-training:2\.3\.0-cpu-py311 to .*-v2/ },
      { name: 'new image is fine with TransferLearning', child: { image: `${IMAGE}-v2`, type: 'TransferLearning' } },
      { name: 'other input channels break IdenticalDataAndAlgorithm', child: { channel: 'training' }, error: /input data channels differ from the parent's \(train → training\)/ },
      { name: 'a tuned hyperparameter made static keeps the total', child: { statics: { epochs: '10', batch_size: '64' }, ranges: LR_ONLY } },
      { name: 'an extra static hyperparameter changes the total', child: { statics: { epochs: '10', dropout: '0.1' } }, error: /it has 4 static plus tuned hyperparameters and the parent 3/ },
      { name: 'a changed objective metric', child: { metric: 'validation:f1' }, error: /objective metric changed from Maximize validation:accuracy to Maximize validation:f1/ },
      { name: 'a range type change', child: { ranges: DEFAULT_RANGES.replace('integer_parameter_ranges', 'continuous_parameter_ranges') }, error: /hyperparameter batch_size changed from integer to continuous/ },
    ]
    for (const c of cases) {
      it(c.name, async () => {
        const state = await parentState(child())
        const p = await planOf(child(c.child), state)
        const found = errors(p)
        if (!c.error) return assert.deepEqual(found, [])
        assert.equal(found.length, 1, found.join('\n'))
        assert.match(found[0]!, c.error)
        const diagnostic = p.diagnostics.find((d) => d.severity === 'error')!
        assert.equal(diagnostic.address, ADDRESS)
        assert.ok(diagnostic.range?.start.line, 'the error points into the manifest')
      })
    }

    it('checks explicitly named parents against the parent recorded in state', async () => {
      const parentHcl = tuning().replace('"churn" {', '"base" {').replace('name_prefix = "churn"', 'name_prefix = "base"')
      const parentConfig = await configOf(parentHcl)
      const parent = parentConfig.resources[0]!
      const name = jobName(parent, specHash(parent, 1)) as string
      const state: State = { format_version: 1, lineage: 'l', serial: 1, resources: { 'sagemaker_hyperparameter_tuning_job.base': { type: 'sagemaker_hyperparameter_tuning_job', history: [], current: { name, arn: `arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/${name}`, spec_hash: specHash(parent, 1) as string, status: 'Completed', created_at: NOW.toISOString(), updated_at: NOW.toISOString(), generation: 1, request: JSON.parse(JSON.stringify(parent.request)) } } } }
      const childHcl = parentHcl + tuning({ image: `${IMAGE}-v2`, extra: `warm_start_config {\n warm_start_type = "IdenticalDataAndAlgorithm"\n parent_hyper_parameter_tuning_jobs {\n hyper_parameter_tuning_job_name = sagemaker_hyperparameter_tuning_job.base.name\n }\n }` })
      const p = await planOf(childHcl, state)
      assert.match(errors(p).join('\n'), /sagemaker_hyperparameter_tuning_job\.churn cannot warm-start from .* \(IdenticalDataAndAlgorithm\): the training image changed/)
    })
  })

  describe('policy', () => {
    it('counts a new generation against max_instance_hours like any new job', async () => {
      const hcl = `policy {\n  max_instance_hours = 4\n}\n${weekly}`
      const state = await stateWith(hcl, [{ generation: 1, endedDaysAgo: 8 }])
      const p = await planOf(hcl, state)
      assert.equal(main(p).action, 'retune')
      const config = await configOf(hcl, state)
      const violations = policyViolations(config.policy, p, { costEstimated: false })
      assert.match(violations.map((d) => `${d.summary}: ${d.detail}`).join('\n'), /sagemaker_hyperparameter_tuning_job\.churn/)
    })
  })
})

import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { executePlan, type ApplyEvent, type ExecuteOptions, type RequestResolver } from '../src/apply/engine.js'
import { sageformTags } from '../src/apply/records.js'
import { summarize, type Plan, type ResourceChange } from '../src/plan/types.js'
import { TAG } from '../src/model/kinds.js'
import { FAKE_ARN_PREFIX, FakeSageMaker } from './helpers/fake-sagemaker.js'
import { SageMakerError, tagList, type CreateTrainingJobRequest } from '../src/sagemaker/types.js'
import type { JobRecord, State } from '../src/model/state.js'

const LINEAGE = '6f1c2a4e-0000-4000-8000-0000000000aa'
const NOW = '2026-11-23T12:00:00.000Z'
const REQUEST = {
  RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
  AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1', TrainingInputMode: 'File' },
  OutputDataConfig: { S3OutputPath: 's3://bucket/out' },
  ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
}
const TUNING_REQUEST = {
  HyperParameterTuningJobConfig: { Strategy: 'Random', ResourceLimits: { MaxParallelTrainingJobs: 1, MaxNumberOfTrainingJobs: 2 } },
}

const addr = (label: string) => `sagemaker_training_job.${label}`
const arnOf = (name: string) => `${FAKE_ARN_PREFIX}:training-job/${name}`
const hashOf = (name: string) => `hash-of-${name}`

function state(resources: State['resources'] = {}): State {
  return { format_version: 1, lineage: LINEAGE, serial: 7, resources }
}

function record(name: string, status: string, extra: Partial<JobRecord> = {}): JobRecord {
  return { name, arn: arnOf(name), spec_hash: hashOf(name), status, created_at: '2026-11-01T00:00:00.000Z', updated_at: '2026-11-01T00:00:00.000Z', generation: 1, request: REQUEST, tags: { team: 'ml' }, ...extra }
}

function create(label: string, options: { name?: string; dependsOn?: string[]; tuning?: boolean } = {}): ResourceChange {
  const name = options.name ?? `${label}-job`
  return {
    address: options.tuning ? `sagemaker_hyperparameter_tuning_job.${label}` : addr(label),
    type: options.tuning ? 'sagemaker_hyperparameter_tuning_job' : 'sagemaker_training_job',
    action: 'create',
    after: { name, spec_hash: hashOf(name), generation: 1, request: options.tuning ? TUNING_REQUEST : REQUEST, tags: { team: 'ml' } },
    attribute_changes: [],
    depends_on: options.dependsOn ?? [],
  }
}

function existing(action: ResourceChange['action'], label: string, current: JobRecord, extra: Partial<ResourceChange> = {}): ResourceChange {
  return {
    address: addr(label),
    type: 'sagemaker_training_job',
    action,
    before: { name: current.name, arn: current.arn, status: current.status, spec_hash: current.spec_hash, generation: current.generation },
    attribute_changes: [],
    depends_on: [],
    ...extra,
  }
}

function planOf(changes: ResourceChange[]): Plan {
  return { format_version: '1.0', config_hash: 'cfg', state: { lineage: LINEAGE, serial: 7 }, refreshed: true, changes, drift: [], summary: summarize(changes), diagnostics: [] }
}

/** The contract's resolver: the plan's request with the name and the user's tags (the engine adds sageform's). */
const resolver: RequestResolver = async (change) => {
  const after = change.after!
  const nameMember = change.type === 'sagemaker_training_job' ? 'TrainingJobName' : 'HyperParameterTuningJobName'
  return { request: { ...(after.request as object), [nameMember]: after.name, Tags: tagList(after.tags as Record<string, string>) } }
}

/** The tags of a job sageform created for `label` from the spec of job `name`. */
const ownTags = (label: string, name: string) => sageformTags({ address: addr(label), lineage: LINEAGE, specHash: hashOf(name) })

function harness(initial: State = state(), api = new FakeSageMaker()) {
  const writes: State[] = []
  const events: ApplyEvent[] = []
  const run = (changes: ResourceChange[], options: Partial<ExecuteOptions> = {}) =>
    executePlan({
      plan: planOf(changes),
      api,
      state: initial,
      persist: async (image) => {
        writes.push(JSON.parse(image.text) as State)
      },
      parallelism: 4,
      resolveRequest: resolver,
      onEvent: (e) => events.push(e),
      now: () => new Date(NOW),
      wait: { initialMs: 1, maxMs: 2, timeoutMs: 5000 },
      ...options,
    })
  return { api, writes, events, run }
}

const ops = (api: FakeSageMaker) => api.calls.map((c) => c.op)

/** A FakeSageMaker whose creates take a while, counting how many run at once and when each ends. */
class SlowFake extends FakeSageMaker {
  inFlight = 0
  maxInFlight = 0
  readonly finished: string[] = []

  override async createTrainingJob(req: CreateTrainingJobRequest) {
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    await sleep(req.TrainingJobName === 'slow-job' ? 30 : 5)
    try {
      return await super.createTrainingJob(req)
    } finally {
      this.inFlight--
      this.finished.push(req.TrainingJobName!)
    }
  }
}

describe('apply engine', () => {
  describe('create', () => {
    it('creates each job with sageform tags and persists state after every step, serial by serial', async () => {
      const initial = state()
      const { api, writes, events, run } = harness(initial)
      const result = await run([create('a'), create('hpo', { tuning: true })], { parallelism: 1 })

      assert.deepEqual(result.errors, [])
      assert.deepEqual(result.results.map((r) => [r.address, r.outcome, r.job]), [
        [addr('a'), 'done', 'a-job'],
        ['sagemaker_hyperparameter_tuning_job.hpo', 'done', 'hpo-job'],
      ])
      assert.deepEqual(ops(api), ['createTrainingJob', 'createTuningJob'])
      const sent = api.calls[0]!.input as CreateTrainingJobRequest
      assert.equal(sent.TrainingJobName, 'a-job')
      assert.deepEqual(sent.Tags, tagList({ team: 'ml', [TAG.address]: addr('a'), [TAG.lineage]: LINEAGE, [TAG.specHash]: hashOf('a-job') }))

      assert.equal(writes.length, 2)
      assert.deepEqual(writes.map((w) => w.serial), [8, 9])
      assert.deepEqual(Object.keys(writes[0]!.resources), [addr('a')])
      assert.deepEqual(Object.keys(writes[1]!.resources).sort(), ['sagemaker_hyperparameter_tuning_job.hpo', addr('a')])
      assert.deepEqual(writes[0]!.resources[addr('a')], {
        type: 'sagemaker_training_job',
        current: { name: 'a-job', arn: arnOf('a-job'), spec_hash: hashOf('a-job'), status: 'InProgress', created_at: NOW, updated_at: NOW, generation: 1, request: REQUEST, tags: { team: 'ml' } },
        history: [],
      })
      assert.deepEqual(result.state, writes[1])
      assert.deepEqual(initial, state(), 'the caller\'s state object is not mutated')
      assert.deepEqual(events.slice(0, 2), [
        { address: addr('a'), action: 'create', phase: 'start', message: 'creating training job a-job' },
        { address: addr('a'), action: 'create', phase: 'done', message: 'created training job a-job' },
      ])
    })

    it('never writes twice at once, whatever the parallelism', async () => {
      let writing = 0
      let overlapped = false
      const serials: number[] = []
      const { run } = harness()
      const result = await run(['a', 'b', 'c', 'd', 'e'].map((l) => create(l)), {
        persist: async (image) => {
          overlapped ||= writing > 0
          writing++
          await sleep(5)
          serials.push(image.serial)
          writing--
        },
      })
      assert.equal(result.errors.length, 0)
      assert.equal(overlapped, false)
      // One serial per write, and at most one write per step (steps finished during a write share the next one).
      assert.deepEqual(serials, serials.map((_, i) => 8 + i))
      assert.ok(serials.length >= 1 && serials.length <= 5, `${serials.length} writes`)
      assert.equal(Object.keys(result.state.resources).length, 5)
    })

    it('group commit: the steps recorded while a write is in flight all go in the next write, and wait for it', async () => {
      const writes: State[] = []
      const releases: Array<() => void> = []
      const { run, events } = harness()
      const applied = run(['a', 'b', 'c', 'd'].map((l) => create(l)), {
        parallelism: 4,
        persist: async (image) => {
          writes.push(JSON.parse(image.text) as State)
          await new Promise<void>((resolve) => releases.push(resolve))
        },
      })
      // The first write carries the first step; the other three creates finish while it is held.
      while (releases.length < 1 || events.filter((e) => e.phase === 'start').length < 4) await sleep(1)
      for (let i = 0; i < 20; i++) await sleep(1)
      assert.equal(writes.length, 1)
      assert.deepEqual(Object.keys(writes[0]!.resources), [addr('a')])
      assert.deepEqual(events.filter((e) => e.phase === 'done').map((e) => e.address), [], 'no change is done before its step is written')
      releases.shift()!()
      while (releases.length < 1) await sleep(1)
      assert.equal(writes.length, 2)
      assert.deepEqual(Object.keys(writes[1]!.resources).sort(), ['a', 'b', 'c', 'd'].map(addr).sort())
      assert.deepEqual(events.filter((e) => e.phase === 'done').map((e) => e.address), [addr('a')])
      releases.shift()!()
      const result = await applied
      assert.deepEqual(result.errors, [])
      assert.deepEqual(writes.map((w) => w.serial), [8, 9])
      assert.deepEqual(result.state, writes[1])
    })

    it('a failed group write fails every change it carried, and the next write still carries their steps', async () => {
      const writes: State[] = []
      const releases: Array<() => void> = []
      const { api, run } = harness()
      const applied = run(['a', 'b', 'c'].map((l) => create(l)), {
        parallelism: 3,
        persist: async (image) => {
          writes.push(JSON.parse(image.text) as State)
          if (writes.length === 1) await new Promise<void>((resolve) => releases.push(resolve))
          if (writes.length === 2) throw new Error('EIO: i/o error')
        },
      })
      // The first write (step a) is held until b and c have been created and recorded behind it.
      while (releases.length < 1 || ops(api).length < 3) await sleep(1)
      for (let i = 0; i < 20; i++) await sleep(1)
      releases.shift()!()
      const result = await applied
      assert.deepEqual(result.results.map((r) => r.outcome), ['done', 'failed', 'failed'])
      assert.deepEqual(result.unrecorded.map((u) => u.job).sort(), ['b-job', 'c-job'])
      assert.equal(writes.length, 2)
      assert.deepEqual(Object.keys(writes[1]!.resources).sort(), ['a', 'b', 'c'].map(addr).sort())
      assert.deepEqual(Object.keys(result.state.resources).sort(), ['a', 'b', 'c'].map(addr).sort())
    })

    it('runs changes in dependency order with at most `parallelism` in flight, resolving against the new state', async () => {
      const api = new SlowFake()
      const seenByC: Array<string | undefined> = []
      const { run } = harness(state(), api)
      const changes = [create('slow', { name: 'slow-job' }), create('b'), create('c', { dependsOn: [addr('slow'), addr('b')] }), create('d'), create('e')]
      const result = await run(changes, {
        parallelism: 2,
        resolveRequest: async (change, s) => {
          if (change.address === addr('c')) seenByC.push(s.resources[addr('slow')]?.current?.name, s.resources[addr('b')]?.current?.name)
          return resolver(change, s)
        },
      })
      assert.deepEqual(result.errors, [])
      assert.equal(api.maxInFlight, 2)
      assert.ok(api.finished.indexOf('c-job') > api.finished.indexOf('slow-job'))
      assert.ok(api.finished.indexOf('c-job') > api.finished.indexOf('b-job'))
      assert.deepEqual(seenByC, ['slow-job', 'b-job'])
      // Independent changes did not wait for the slow one.
      assert.ok(api.finished.indexOf('d-job') < api.finished.indexOf('slow-job'))
    })

    it('keeps the other successes when one create fails, and reports the SageMaker error', async () => {
      const { api, writes, run } = harness()
      api.failNext('createTrainingJob', new SageMakerError('ResourceLimitExceeded', 'The account-level service limit for ml.m5.large is 0 Instances', { requestId: 'req-1' }))
      const result = await run([create('a'), create('b')], { parallelism: 1 })
      assert.deepEqual(result.results.map((r) => r.outcome), ['failed', 'done'])
      assert.equal(result.errors.length, 1)
      const [error] = result.errors
      assert.equal(error!.severity, 'error')
      assert.equal(error!.address, addr('a'))
      assert.equal(error!.summary, 'Failed to create training job a-job')
      assert.match(error!.detail!, /ResourceLimitExceeded: The account-level service limit .* \(request ID req-1\)/)
      assert.equal(writes.length, 1)
      assert.deepEqual(Object.keys(writes[0]!.resources), [addr('b')])
      assert.deepEqual(Object.keys(result.state.resources), [addr('b')])
    })

    it('skips the changes that depend on a failed one, transitively, and names the dependency', async () => {
      const { api, events, run } = harness()
      api.failNext('createTrainingJob', new SageMakerError('ValidationException', 'bad role'))
      const result = await run([create('a'), create('b', { dependsOn: [addr('a')] }), create('c', { dependsOn: [addr('b')] }), create('d')], { parallelism: 1 })
      assert.deepEqual(result.results.map((r) => [r.outcome, r.message]), [
        ['failed', 'Failed to create training job a-job'],
        ['skipped', `dependency ${addr('a')} failed`],
        ['skipped', `dependency ${addr('b')} was skipped`],
        ['done', 'created training job d-job'],
      ])
      assert.equal(result.errors.length, 1)
      assert.deepEqual(api.calls.map((c) => (c.input as CreateTrainingJobRequest).TrainingJobName), ['a-job', 'd-job'])
      assert.ok(events.some((e) => e.address === addr('b') && e.phase === 'skipped'))
      assert.ok(!events.some((e) => e.address === addr('b') && e.phase === 'start'))
    })

    it('adopts the job when the name is taken by this resource\'s own job (an apply died before saving state)', async () => {
      const { api, writes, run } = harness()
      api.seedTrainingJob('a-job', { status: 'Completed', tags: { team: 'ml', ...ownTags('a', 'a-job') } })
      const result = await run([create('a')])
      assert.deepEqual(result.errors, [])
      assert.equal(result.results[0]!.outcome, 'done')
      assert.match(result.results[0]!.message!, /adopted training job a-job \(Completed\)/)
      assert.deepEqual(ops(api), ['createTrainingJob', 'describeTrainingJob', 'listTags'])
      assert.equal(writes.length, 1)
      const current = result.state.resources[addr('a')]!.current!
      assert.deepEqual([current.name, current.arn, current.status, current.spec_hash, current.tags], ['a-job', arnOf('a-job'), 'Completed', hashOf('a-job'), { team: 'ml' }])
      assert.deepEqual(current.request, REQUEST)
    })

    it('fails clearly, creating nothing, when the name is taken by a job sageform does not manage', async () => {
      const lostState = /import block \(import \{ to = sagemaker_training_job\.a, id = "a-job" \}\) or sageform import 'sagemaker_training_job\.a' a-job; sageform import --lineage another-lineage adopts/
      const cases: Array<[Record<string, string>, RegExp, RegExp]> = [
        [{ owner: 'someone' }, /no sageform:address tag, so sageform did not create it/, /another name/],
        [{ [TAG.address]: addr('other'), [TAG.lineage]: LINEAGE }, /belongs to sagemaker_training_job\.other/, /another name/],
        [{ [TAG.address]: addr('a'), [TAG.lineage]: 'another-lineage', [TAG.specHash]: hashOf('a-job') }, /another state file \(lineage another-lineage\)/, lostState],
        [{ [TAG.address]: addr('a'), [TAG.lineage]: LINEAGE, [TAG.specHash]: 'older-spec' }, /created from another spec/, /another name/],
      ]
      for (const [tags, detail, hint] of cases) {
        const { api, writes, run } = harness()
        api.seedTrainingJob('a-job', { tags })
        const result = await run([create('a')])
        assert.equal(result.results[0]!.outcome, 'failed')
        assert.equal(result.errors[0]!.summary, 'The job name a-job is already taken')
        assert.match(result.errors[0]!.detail!, detail)
        assert.match(result.errors[0]!.hint!, hint)
        assert.equal(writes.length, 0)
        assert.deepEqual(result.state.resources, {})
      }
    })

    it('holds the resolver to its contract and reports a request it cannot build, sending nothing', async () => {
      const { api, run } = harness()
      const unhashed = { ...create('e'), after: { ...create('e').after!, spec_hash: null } }
      const result = await run([create('a'), create('b'), create('c'), create('d'), unhashed], {
        resolveRequest: async (change, s) => {
          if (change.address === addr('a')) return { error: 'sagemaker_training_job.parent.name is not known yet' }
          const built = await resolver(change, s)
          if (!('request' in built)) return built
          if (change.address === addr('b')) return { request: { ...built.request, Tags: tagList({ team: 'ml', [TAG.address]: change.address }) } }
          if (change.address === addr('d')) return { ...built, specHash: 'another-hash' }
          if (change.address === addr('e')) return built
          return { request: { ...built.request, RoleArn: { $unknown: 'var.role' } } }
        },
      })
      assert.deepEqual(result.errors.map((e) => [e.summary, e.detail]), [
        ['Cannot build the request for sagemaker_training_job.a', 'sagemaker_training_job.parent.name is not known yet'],
        ['Invalid request for sagemaker_training_job.b', `The request's Tags must hold the user's tags only; sageform adds ${TAG.address} itself.`],
        ['Invalid request for sagemaker_training_job.c', 'RoleArn is not known yet.'],
        ['Invalid request for sagemaker_training_job.d', `The request's spec hash another-hash is not the plan's ${hashOf('d-job')}.`],
        ['Invalid request for sagemaker_training_job.e', 'The request has no spec hash, and the plan has none either.'],
      ])
      assert.deepEqual(api.calls, [])
    })

    it('tags a job whose spec hash the plan could not know with the hash the resolver computed', async () => {
      const { api, run } = harness()
      const unhashed = { ...create('a'), after: { ...create('a').after!, spec_hash: null } }
      const result = await run([unhashed], { resolveRequest: async (change, s) => ({ ...(await resolver(change, s)), specHash: 'resolved-hash' }) })
      assert.deepEqual(result.errors, [])
      const sent = api.calls[0]!.input as CreateTrainingJobRequest
      assert.deepEqual(sent.Tags, tagList({ team: 'ml', ...sageformTags({ address: addr('a'), lineage: LINEAGE, specHash: 'resolved-hash' }) }))
      assert.equal(result.state.resources[addr('a')]!.current!.spec_hash, 'resolved-hash')
    })

    it('stops starting changes once a state write fails, and still returns what was done', async () => {
      const { api, run } = harness()
      const result = await run([create('a'), create('b')], {
        parallelism: 1,
        persist: async () => {
          throw new Error('ENOSPC: no space left on device')
        },
      })
      assert.deepEqual(result.results.map((r) => r.outcome), ['failed', 'skipped'])
      assert.equal(result.errors[0]!.summary, 'Failed to save the state')
      assert.match(result.errors[0]!.detail!, /after creating training job a-job: ENOSPC/)
      assert.equal(result.results[1]!.message, 'not started: the state file could not be written')
      assert.deepEqual(ops(api), ['createTrainingJob'])
      assert.equal(result.state.resources[addr('a')]!.current!.name, 'a-job')
    })
  })

  describe('retune and delete (scheduled re-tuning)', () => {
    it('retune records the completed job\'s end and moves it to history, then creates the next generation', async () => {
      const old = record('a-gen1', 'InProgress')
      const { api, writes, run } = harness(state({ [addr('a')]: { type: 'sagemaker_training_job', current: old, history: [] } }))
      api.seedTrainingJob('a-gen1', { status: 'Completed', job: { TrainingEndTime: new Date('2026-11-10T00:00:00Z') } })
      const next = create('a', { name: 'a-gen2' })
      const change: ResourceChange = { ...next, action: 'retune', after: { ...next.after!, generation: 2 }, before: { name: 'a-gen1', arn: old.arn, status: 'Completed', generation: 1 } }
      const result = await run([change])
      assert.deepEqual(result.errors, [])
      assert.deepEqual(ops(api), ['describeTrainingJob', 'createTrainingJob'])
      const final = writes.at(-1)!.resources[addr('a')]!
      assert.equal(final.current!.name, 'a-gen2')
      assert.equal(final.current!.generation, 2)
      assert.deepEqual(final.history.map((h) => [h.name, h.status, h.ended_at]), [['a-gen1', 'Completed', '2026-11-10T00:00:00.000Z']])
      assert.match(result.results[0]!.message!, /generation 2, after a-gen1/)
    })

    it('delete removes an older generation\'s job from SageMaker, keeps its record with deleted_at, and leaves the current job alone', async () => {
      const gen1 = record('a-gen1', 'Completed', { generation: 1 })
      const gen2 = record('a-gen2', 'Completed', { generation: 2 })
      const { api, writes, run } = harness(state({ [addr('a')]: { type: 'sagemaker_training_job', current: gen2, history: [gen1] } }))
      api.seedTrainingJob('a-gen1', { status: 'Completed' })
      const del: ResourceChange = { ...existing('delete', 'a', gen1), deposed: 'a-gen1' }
      const result = await run([existing('no-op', 'a', gen2), del])
      assert.deepEqual(result.errors, [])
      assert.deepEqual(result.results.map((r) => [r.action, r.outcome, r.deposed]), [['no-op', 'done', undefined], ['delete', 'done', 'a-gen1']])
      assert.ok(ops(api).includes('deleteTrainingJob'))
      const final = writes.at(-1)!.resources[addr('a')]!
      assert.equal(final.current!.name, 'a-gen2')
      assert.deepEqual(final.history.map((h) => [h.name, h.deleted_at]), [['a-gen1', NOW]])
    })

    it('delete of a job already gone only records it; of a running one fails without deleting', async () => {
      const gen1 = record('a-gen1', 'Completed', { generation: 1 })
      const gone = harness(state({ [addr('a')]: { type: 'sagemaker_training_job', current: record('a-gen2', 'Completed'), history: [gen1] } }))
      const result = await gone.run([{ ...existing('delete', 'a', gen1), deposed: 'a-gen1' }])
      assert.equal(result.results[0]!.outcome, 'done')
      assert.ok(!ops(gone.api).includes('deleteTrainingJob'))
      assert.equal(gone.writes.at(-1)!.resources[addr('a')]!.history[0]!.deleted_at, NOW)

      const running = harness(state({ [addr('a')]: { type: 'sagemaker_training_job', current: record('a-gen2', 'Completed'), history: [gen1] } }))
      running.api.seedTrainingJob('a-gen1', { status: 'InProgress' })
      const failed = await running.run([{ ...existing('delete', 'a', gen1), deposed: 'a-gen1' }])
      assert.equal(failed.results[0]!.outcome, 'failed')
      assert.ok(!ops(running.api).includes('deleteTrainingJob'))
    })
  })

  describe('replace', () => {
    it('creates the new job first, then stops the old one, which stays deposed until it has stopped', async () => {
      const old = record('a-old', 'InProgress')
      const { api, writes, run } = harness(state({ [addr('a')]: { type: 'sagemaker_training_job', current: old, history: [] } }))
      api.seedTrainingJob('a-old')
      const change: ResourceChange = { ...create('a', { name: 'a-new' }), action: 'replace', before: { name: 'a-old', arn: old.arn, status: 'InProgress' } }
      const result = await run([change])
      assert.deepEqual(result.errors, [])
      assert.deepEqual(ops(api), ['createTrainingJob', 'stopTrainingJob'])
      assert.deepEqual(api.calls.map((c) => (typeof c.input === 'string' ? c.input : (c.input as CreateTrainingJobRequest).TrainingJobName)), ['a-new', 'a-old'])
      assert.equal(writes.length, 2)
      // First write: the new job is current, the old one deposed (stop pending), before anything is stopped.
      assert.equal(writes[0]!.resources[addr('a')]!.current!.name, 'a-new')
      assert.deepEqual(writes[0]!.resources[addr('a')]!.deposed!.map((h) => [h.name, h.status]), [['a-old', 'InProgress']])
      assert.deepEqual(writes[0]!.resources[addr('a')]!.history, [])
      // Stopping is not stopped: it stays deposed, and the next plan looks at it again.
      assert.deepEqual(writes[1]!.resources[addr('a')]!.deposed!.map((h) => [h.name, h.status]), [['a-old', 'Stopping']])
      assert.equal(result.results[0]!.job, 'a-new')
    })

    it('leaves a finished old job alone, and the old job current when the create fails', async () => {
      const old = record('a-old', 'Completed')
      const initial = state({ [addr('a')]: { type: 'sagemaker_training_job', current: old, history: [] } })
      const change: ResourceChange = { ...create('a', { name: 'a-new' }), action: 'replace', before: { name: 'a-old', arn: old.arn, status: 'Completed' } }
      const ok = harness(initial)
      await ok.run([change])
      assert.deepEqual(ops(ok.api), ['createTrainingJob'])
      assert.deepEqual(ok.writes.at(-1)!.resources[addr('a')]!.history.map((h) => h.status), ['Completed'])

      const failing = harness(initial)
      failing.api.failNext('createTrainingJob', new SageMakerError('ResourceLimitExceeded', 'quota'))
      const result = await failing.run([change])
      assert.equal(result.results[0]!.outcome, 'failed')
      assert.equal(failing.writes.length, 0)
      assert.equal(result.state.resources[addr('a')]!.current!.name, 'a-old')
    })

    it('with a pinned name: stops the old job, waits for it, deletes it, then creates the new one', async () => {
      const old = record('pinned', 'InProgress')
      const { api, writes, run } = harness(state({ [addr('a')]: { type: 'sagemaker_training_job', current: old, history: [] } }))
      api.seedTrainingJob('pinned', { tags: ownTags('a', 'pinned') })
      const change: ResourceChange = {
        ...create('a', { name: 'pinned' }),
        action: 'replace',
        delete_before_create: true,
        before: { name: 'pinned', arn: old.arn, status: 'InProgress' },
        after: { name: 'pinned', spec_hash: 'new-spec', generation: 2, request: REQUEST, tags: { team: 'ml' } },
      }
      const result = await run([change])
      assert.deepEqual(result.errors, [])
      assert.deepEqual(ops(api), ['stopTrainingJob', 'describeTrainingJob', 'describeTrainingJob', 'deleteTrainingJob', 'describeTrainingJob', 'createTrainingJob'])
      assert.deepEqual(writes.map((w) => [w.resources[addr('a')]!.current?.status, w.resources[addr('a')]!.history.map((h) => h.status)]), [
        ['Stopped', []],
        [undefined, ['Stopped']],
        ['InProgress', ['Stopped']],
      ])
      const current = result.state.resources[addr('a')]!.current!
      assert.deepEqual([current.name, current.spec_hash, current.generation], ['pinned', 'new-spec', 2])
      const described = await api.describeTrainingJob('pinned')
      assert.ok(described.found && described.job.TrainingJobStatus === 'InProgress')
    })

    it('with a pinned name: gives up, keeping the old job current, when it does not stop in time', async () => {
      const old = record('pinned', 'InProgress')
      const { api, writes, run } = harness(state({ [addr('a')]: { type: 'sagemaker_training_job', current: old, history: [] } }))
      api.seedTrainingJob('pinned', { status: 'Stopping' })
      // The fake turns Stopping into Stopped on the next Describe; keep it Stopping.
      api.describeTrainingJob = async (name) => {
        api.calls.push({ op: 'describeTrainingJob', input: name })
        return { found: true, job: { TrainingJobName: name, TrainingJobArn: arnOf(name), TrainingJobStatus: 'Stopping' } as never }
      }
      const change: ResourceChange = { ...create('a', { name: 'pinned' }), action: 'replace', delete_before_create: true, before: { name: 'pinned', arn: old.arn, status: 'Stopping' } }
      const result = await run([change], { wait: { initialMs: 1, maxMs: 1, timeoutMs: 20 } })
      assert.equal(result.results[0]!.outcome, 'failed')
      assert.match(result.errors[0]!.detail!, /Gave up waiting for training job pinned to stop .* it is Stopping/)
      assert.ok(!ops(api).includes('deleteTrainingJob') && !ops(api).includes('stopTrainingJob'))
      assert.equal(writes.length, 0)
    })
  })

  describe('update, stop, adopt, no-op, deferred', () => {
    it('changes tags with AddTags/DeleteTags and updates a running training job in place', async () => {
      const current = record('a-job', 'InProgress', { tags: { team: 'ml', old: 'x' } })
      const { api, writes, run } = harness(state({ [addr('a')]: { type: 'sagemaker_training_job', current, history: [] } }))
      api.seedTrainingJob('a-job', { tags: { team: 'ml', old: 'x', [TAG.address]: addr('a') }, job: { ResourceConfig: REQUEST.ResourceConfig as never } })
      const change = existing('update', 'a', current, {
        tag_changes: { set: { team: 'ai', cost: 'c1' }, remove: ['old', TAG.address] },
        training_job_update: { ResourceConfig: { KeepAlivePeriodInSeconds: 600 } },
      })
      const result = await run([change])
      assert.deepEqual(result.errors, [])
      assert.deepEqual(api.calls, [
        { op: 'addTags', input: [arnOf('a-job'), { team: 'ai', cost: 'c1' }] },
        { op: 'deleteTags', input: [arnOf('a-job'), ['old']] },
        { op: 'updateTrainingJob', input: ['a-job', { ResourceConfig: { KeepAlivePeriodInSeconds: 600 } }] },
      ])
      assert.deepEqual(await api.listTags(arnOf('a-job')), { team: 'ai', cost: 'c1', [TAG.address]: addr('a') })
      assert.equal(writes.length, 2)
      assert.deepEqual(writes[0]!.resources[addr('a')]!.current!.tags, { team: 'ai', cost: 'c1' })
      assert.deepEqual((writes[1]!.resources[addr('a')]!.current!.request as typeof REQUEST).ResourceConfig, { ...REQUEST.ResourceConfig, KeepAlivePeriodInSeconds: 600 })
    })

    it('stops the running job of a resource removed from the configuration and forgets the resource', async () => {
      const running = record('a-job', 'InProgress')
      const done = record('b-job', 'Completed')
      const { api, writes, run } = harness(state({
        [addr('a')]: { type: 'sagemaker_training_job', current: running, history: [record('a-0', 'Stopped')] },
        [addr('b')]: { type: 'sagemaker_training_job', current: done, history: [] },
      }))
      api.seedTrainingJob('a-job')
      const result = await run([existing('stop', 'a', running), existing('stop', 'b', done)], { parallelism: 1 })
      assert.deepEqual(result.errors, [])
      assert.deepEqual(api.calls, [{ op: 'stopTrainingJob', input: 'a-job' }])
      // The stopping job stays in the state, deposed, until SageMaker says it stopped; its history is forgotten.
      assert.deepEqual(Object.keys(result.state.resources), [addr('a')])
      assert.deepEqual(result.state.resources[addr('a')]!.history, [])
      assert.deepEqual(result.state.resources[addr('a')]!.deposed!.map((h) => [h.name, h.status]), [['a-job', 'Stopping']])
      assert.equal(writes.length, 2)
      assert.deepEqual(result.results.map((r) => r.effect), ['stopped', 'forgotten'])
      assert.deepEqual(result.results.map((r) => r.message), [`stopping training job a-job; forgot ${addr('a')} (the job stays in the state as deposed until it has stopped)`, `forgot ${addr('b')} (training job b-job is Completed)`])
    })

    it('forgets a removed resource whose job is already gone or finished since the plan', async () => {
      const gone = record('a-job', 'InProgress')
      const finished = record('b-job', 'InProgress')
      const { api, run } = harness(state({
        [addr('a')]: { type: 'sagemaker_training_job', current: gone, history: [] },
        [addr('b')]: { type: 'sagemaker_training_job', current: finished, history: [] },
      }))
      api.seedTrainingJob('b-job', { status: 'Completed' })
      const result = await run([existing('stop', 'a', gone), existing('stop', 'b', finished)], { parallelism: 1 })
      assert.deepEqual(result.errors, [])
      assert.deepEqual(result.state.resources, {})
      assert.deepEqual(result.results.map((r) => r.message), [`forgot ${addr('a')} (training job a-job is gone)`, `forgot ${addr('b')} (training job b-job is Completed)`])
    })

    it('keeps a removed resource in state when its job cannot be stopped', async () => {
      const running = record('a-job', 'InProgress')
      const { api, writes, run } = harness(state({ [addr('a')]: { type: 'sagemaker_training_job', current: running, history: [] } }))
      api.seedTrainingJob('a-job')
      api.failNext('stopTrainingJob', new SageMakerError('AccessDeniedException', 'not authorized to perform: sagemaker:StopTrainingJob'))
      const result = await run([existing('stop', 'a', running)])
      assert.equal(result.results[0]!.outcome, 'failed')
      assert.match(result.errors[0]!.detail!, /AccessDeniedException: not authorized/)
      assert.match(result.errors[0]!.hint!, /sageform state rm sagemaker_training_job\.a/)
      assert.equal(writes.length, 0)
      assert.ok(result.state.resources[addr('a')])
    })

    it('adopts the job the plan found, recording its live status', async () => {
      const { api, run } = harness()
      api.seedTrainingJob('a-job', { status: 'Failed', tags: { team: 'ml', [TAG.address]: addr('a'), [TAG.specHash]: hashOf('a-job') }, job: { FailureReason: 'AlgorithmError' } })
      const change: ResourceChange = { ...create('a'), action: 'adopt', before: { name: 'a-job', arn: arnOf('a-job'), status: 'InProgress' } }
      const result = await run([change])
      assert.deepEqual(result.errors, [])
      const current = result.state.resources[addr('a')]!.current!
      assert.deepEqual([current.status, current.failure_reason, current.spec_hash, current.tags], ['Failed', 'AlgorithmError', hashOf('a-job'), { team: 'ml' }])
      assert.deepEqual(current.request, REQUEST)
      assert.deepEqual(ops(api), ['describeTrainingJob', 'listTags'])
    })

    it('leaves deferred changes, and what depends on them, for a later apply', async () => {
      const { api, writes, events, run } = harness()
      const deferred: ResourceChange = { ...create('child'), deferred: { reason: `warm start needs ${addr('parent')} to finish first`, waiting_for: [addr('parent')] } }
      const result = await run([deferred, create('grandchild', { dependsOn: [addr('child')] })])
      assert.deepEqual(result.results.map((r) => [r.outcome, r.message]), [
        ['deferred', `warm start needs ${addr('parent')} to finish first`],
        ['deferred', `waits for ${addr('child')}, which is deferred`],
      ])
      assert.deepEqual(api.calls, [])
      assert.equal(writes.length, 0)
      assert.deepEqual(events.map((e) => e.phase), ['deferred', 'deferred'])
    })

    it('skips changes not started when the signal aborts, and fails a dependency cycle instead of hanging', async () => {
      const controller = new AbortController()
      const { api, run } = harness()
      const result = await run([create('a'), create('b')], {
        parallelism: 1,
        onEvent: (e) => {
          if (e.phase === 'done') controller.abort()
        },
        signal: controller.signal,
      })
      assert.deepEqual(result.results.map((r) => [r.outcome, r.message]), [
        ['done', 'created training job a-job'],
        ['skipped', 'not started: apply was interrupted'],
      ])
      assert.deepEqual(ops(api), ['createTrainingJob'])

      const cycle = await harness().run([create('x', { dependsOn: [addr('y')] }), create('y', { dependsOn: [addr('x')] }), create('z')])
      assert.deepEqual(cycle.results.map((r) => r.outcome), ['failed', 'failed', 'done'])
      assert.deepEqual(cycle.errors.map((e) => e.summary), ['Dependency cycle', 'Dependency cycle'])
    })

    it('starts each change as soon as what it waits for is done, earliest in plan order first', async () => {
      const started: string[] = []
      // a waits for c, and b for a: with one at a time, c runs first, then the parked a, then the parked b, then d.
      const result = await harness().run([create('a', { dependsOn: [addr('c')] }), create('b', { dependsOn: [addr('a')] }), create('c'), create('d')], {
        parallelism: 1,
        onEvent: (e) => {
          if (e.phase === 'start') started.push(e.address)
        },
      })
      assert.deepEqual(started, [addr('c'), addr('a'), addr('b'), addr('d')])
      assert.deepEqual(result.results.map((r) => r.outcome), ['done', 'done', 'done', 'done'])

      // Thousands of independent changes start in plan order, each once. The writes are not read back here: parsing each
      // whole state again (the harness's own persist) made this test quadratic, 14 s, near its bound on a loaded machine.
      const many = Array.from({ length: 3000 }, (_, i) => create(`m${i}`))
      const order: string[] = []
      await harness().run(many, { parallelism: 7, persist: async () => {}, onEvent: (e) => e.phase === 'start' && order.push(e.address) })
      assert.deepEqual(order, many.map((c) => c.address))
    })

    it('records the refreshed status of a no-op without calling SageMaker, and writes nothing when it is unchanged', async () => {
      const a = record('a-job', 'InProgress')
      const b = record('b-job', 'Completed')
      const { api, writes, run } = harness(state({
        [addr('a')]: { type: 'sagemaker_training_job', current: a, history: [] },
        [addr('b')]: { type: 'sagemaker_training_job', current: b, history: [] },
      }))
      const result = await run([existing('no-op', 'a', { ...a, status: 'Completed' }), existing('no-op', 'b', b)])
      assert.deepEqual(api.calls, [])
      assert.equal(writes.length, 1)
      assert.equal(writes[0]!.resources[addr('a')]!.current!.status, 'Completed')
      assert.equal(writes[0]!.resources[addr('a')]!.current!.updated_at, NOW)
      assert.deepEqual(result.results.map((r) => r.outcome), ['done', 'done'])
    })
  })
})

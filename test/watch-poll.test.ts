// The watch service's polling against a scripted SageMakerApi: one Describe per unfinished job per tick, bounded
// concurrency, and backoff when SageMaker throttles. No network, no real waiting (the waits are recorded).
import assert from 'node:assert/strict'
import { SageMakerError, type SageMakerApi } from '../src/sagemaker/types.js'
import { appliedTargets, isThrottling, watchJobs, type PollOptions } from '../src/services/watch.js'
import type { WatchTarget, WatchUpdate } from '../src/watch/model.js'

type Answer = { TrainingJobStatus: string; SecondaryStatus?: string } | undefined | Error

/** Answers Describe from a script per job; the last answer repeats. Records calls and the most calls in flight. */
class ScriptedApi {
  calls: string[] = []
  inFlight = 0
  maxInFlight = 0
  constructor(
    private readonly scripts: Record<string, Answer[]>,
    /** These jobs answer a few turns of the event loop later than the others. */
    private readonly slow: ReadonlySet<string> = new Set(),
  ) {}

  describeTrainingJob(name: string) {
    return this.answer(name)
  }

  private async answer(name: string) {
    this.calls.push(name)
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    for (let i = 0; i < (this.slow.has(name) ? 5 : 1); i++) await new Promise((resolve) => setImmediate(resolve))
    this.inFlight--
    const script = this.scripts[name]!
    const next = script.length > 1 ? script.shift() : script[0]
    if (next instanceof Error) throw next
    return next === undefined ? { found: false as const } : { found: true as const, job: { TrainingJobName: name, CreationTime: new Date(0), ...next } }
  }
}

const running: Answer = { TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training' }
const completed: Answer = { TrainingJobStatus: 'Completed', SecondaryStatus: 'Completed' }
const throttled = () => new SageMakerError('ThrottlingException', 'Rate exceeded', { retryable: true })
const target = (name: string): WatchTarget => ({ address: `sagemaker_training_job.${name}`, type: 'sagemaker_training_job', name })

async function run(api: ScriptedApi, names: string[], options: PollOptions = {}) {
  const waits: number[] = []
  const ticks: string[][] = []
  const updates: WatchUpdate[] = []
  let seen = 0
  for await (const update of watchJobs(api as unknown as SageMakerApi, names.map(target), { now: () => 0, wait: async (ms) => void waits.push(ms), ...options })) {
    updates.push(update)
    if (updates.length > 1) ticks.push(api.calls.slice(seen))
    seen = api.calls.length
  }
  return { waits, ticks, updates, last: updates.at(-1)!.snapshot }
}

describe('watch service: polling', () => {
  it('follows the jobs onEnded returns once others have ended (apply --wait\'s deferred warm starts), until they end too', async () => {
    const api = new ScriptedApi({ parent: [running, completed], other: [running, running, completed], child: [running, completed] })
    const ended: string[][] = []
    const { ticks, last } = await run(api, ['parent', 'other'], {
      onEnded: async (jobs) => {
        ended.push(jobs.map((j) => j.name))
        return jobs.some((j) => j.name === 'parent') ? [target('child')] : []
      },
    })
    assert.deepEqual(ended, [['parent'], ['other'], ['child']])
    assert.deepEqual(ticks, [['parent', 'other'], ['parent', 'other'], ['other', 'child'], ['child']])
    assert.deepEqual(last.jobs.map((j) => [j.name, j.status]), [['parent', 'Completed'], ['other', 'Completed'], ['child', 'Completed']])
    assert.equal(last.done, true)
  })

  it('describes each unfinished job once per tick and stops once every job has finished', async () => {
    const api = new ScriptedApi({ a: [running, completed], b: [running, running, completed] })
    const { ticks, waits, updates, last } = await run(api, ['a', 'b'])
    assert.deepEqual(ticks, [['a', 'b'], ['a', 'b'], ['b']])
    assert.deepEqual(waits, [5000, 5000], 'the default interval, and no wait after the last tick')
    assert.deepEqual(updates[0]!.snapshot.jobs.map((j) => j.status), ['Pending', 'Pending'], 'a first update at once, before any call')
    assert.ok(last.done)
    assert.deepEqual(last.jobs.map((j) => j.status), ['Completed', 'Completed'])
  })

  it('yields the events of a tick in target order, whatever order the answers came in', async () => {
    const api = new ScriptedApi({ a: [running, completed], b: [running, completed] }, new Set(['a']))
    const { updates } = await run(api, ['a', 'b'], { concurrency: 2 })
    assert.deepEqual(updates[1]!.events.map((e) => ('address' in e ? e.address : e.kind)), ['sagemaker_training_job.a', 'sagemaker_training_job.b'])
  })

  it('on throttling doubles the interval, sends no further call that tick, polls the skipped jobs first, then eases back', async () => {
    const api = new ScriptedApi({ a: [running, completed], b: [throttled(), running, completed], c: [running, completed] })
    const { ticks, waits, updates } = await run(api, ['a', 'b', 'c'], { concurrency: 1 })
    assert.deepEqual(ticks[0], ['a', 'b'], 'c is not asked once b was throttled')
    assert.deepEqual(ticks[1], ['b', 'c', 'a'], 'the jobs the throttled tick did not reach go first')
    assert.deepEqual(waits.slice(0, 2), [10_000, 5000])
    assert.deepEqual(updates[1]!.events.at(-1), { kind: 'backoff', reason: 'throttled', intervalMs: 10_000, at: 0 })
    assert.equal(updates[1]!.snapshot.throttled, true)
    assert.equal(updates[2]!.snapshot.throttled, false)
  })

  it('backs off up to the maximum while throttling goes on, and recovers step by step', async () => {
    const api = new ScriptedApi({ a: [throttled(), throttled(), throttled(), throttled(), throttled(), running, running, running, completed] })
    const { waits } = await run(api, ['a'], { intervalMs: 1000, maxIntervalMs: 8000 })
    assert.deepEqual(waits, [2000, 4000, 8000, 8000, 8000, 4000, 2000, 1000])
  })

  it('recognises throttling by its error codes only', () => {
    assert.ok(isThrottling(throttled()))
    assert.ok(isThrottling(new SageMakerError('TooManyRequestsException', 'slow down')))
    assert.ok(!isThrottling(new SageMakerError('InternalFailure', 'oops', { retryable: true })))
    assert.ok(!isThrottling(new Error('ThrottlingException')))
  })

  it('reports a retryable failure and backs off; the job is asked again next tick', async () => {
    const api = new ScriptedApi({ a: [new SageMakerError('InternalFailure', 'An internal error occurred.', { retryable: true }), completed] })
    const { updates, waits } = await run(api, ['a'])
    assert.deepEqual(updates[1]!.events, [
      { kind: 'error', address: 'sagemaker_training_job.a', name: 'a', message: 'InternalFailure: An internal error occurred.', at: 0 },
      { kind: 'backoff', reason: 'error', intervalMs: 10_000, at: 0 },
    ])
    assert.deepEqual(waits, [10_000])
    assert.equal(updates.at(-1)!.snapshot.jobs[0]!.status, 'Completed')
  })

  it('ends the watch by throwing on a failure retrying cannot fix', async () => {
    const api = new ScriptedApi({ a: [new SageMakerError('AccessDeniedException', 'not authorized')] })
    await assert.rejects(run(api, ['a']), /not authorized/)
  })

  it('keeps at most `concurrency` Describe calls in flight', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `job-${i}`)
    const api = new ScriptedApi(Object.fromEntries(names.map((n) => [n, [completed]])))
    await run(api, names, { concurrency: 3 })
    assert.equal(api.calls.length, 12)
    assert.equal(api.maxInFlight, 3)
  })

  it('spreads many jobs out: the interval is at least perJobMs per unfinished job', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `job-${i}`)
    const api = new ScriptedApi(Object.fromEntries(names.map((n) => [n, [running, completed]])))
    const { waits } = await run(api, names, { intervalMs: 1000 })
    assert.deepEqual(waits, [10_000])
  })

  it('marks a job SageMaker does not know as NotFound and stops asking', async () => {
    const api = new ScriptedApi({ a: [undefined] })
    const { last, ticks } = await run(api, ['a'])
    assert.equal(last.jobs[0]!.status, 'NotFound')
    assert.deepEqual(ticks, [['a']])
  })

  it('stops when the signal aborts, between two ticks', async () => {
    const api = new ScriptedApi({ a: [running] })
    const controller = new AbortController()
    const { ticks } = await run(api, ['a'], { signal: controller.signal, wait: async () => controller.abort() })
    assert.deepEqual(ticks, [['a']])
  })
})

describe('watch service: what apply --wait follows', () => {
  it('takes the jobs created, replaced, updated or adopted, with their type from the plan', () => {
    const change = (address: string, type: string) => ({ address, type })
    const targets = appliedTargets({
      plan: { changes: [change('sagemaker_training_job.a', 'sagemaker_training_job'), change('sagemaker_hyperparameter_tuning_job.b', 'sagemaker_hyperparameter_tuning_job'), change('sagemaker_training_job.c', 'sagemaker_training_job'), change('sagemaker_training_job.d', 'sagemaker_training_job'), change('sagemaker_training_job.e', 'sagemaker_training_job')] } as never,
      results: [
        { address: 'sagemaker_training_job.a', action: 'create', outcome: 'done', job: 'a-1' },
        { address: 'sagemaker_hyperparameter_tuning_job.b', action: 'adopt', outcome: 'done', job: 'b-1' },
        { address: 'sagemaker_training_job.c', action: 'stop', outcome: 'done', job: 'c-1' },
        { address: 'sagemaker_training_job.d', action: 'create', outcome: 'failed' },
        { address: 'sagemaker_training_job.e', action: 'no-op', outcome: 'done' },
      ],
    })
    assert.deepEqual(targets, [
      { address: 'sagemaker_training_job.a', type: 'sagemaker_training_job', name: 'a-1' },
      { address: 'sagemaker_hyperparameter_tuning_job.b', type: 'sagemaker_hyperparameter_tuning_job', name: 'b-1' },
    ])
  })
})

// The wait that watch and apply --wait share (services/wait/follow.ts), run in-process against a scripted SageMakerApi
// and a view that records what it was asked to show: how a wait ends, and what the view is told, without a terminal.
import assert from 'node:assert/strict'
import { SageMakerError, type SageMakerApi } from '../src/sagemaker/types.js'
import { followJobs, type WaitView } from '../src/services/wait/follow.js'
import type { WatchOutcome, WatchSnapshot, WatchTarget } from '../src/watch/model.js'

/** Describe answers each job at once with its status, or throws the error given for it. */
function scriptedApi(statuses: Record<string, string | Error>): SageMakerApi {
  return {
    describeTrainingJob: async (name: string) => {
      const status = statuses[name]!
      if (status instanceof Error) throw status
      return { found: true as const, job: { TrainingJobName: name, TrainingJobStatus: status, CreationTime: new Date(0) } }
    },
  } as unknown as SageMakerApi
}

/** A view that shows nothing and remembers what it was told. */
function recordingView() {
  const told: { started?: [number, number]; ended?: { outcome: WatchOutcome; interrupted: boolean }; updates: number } = { updates: 0 }
  const view: WaitView = {
    live: false,
    started: (jobs, intervalMs) => void (told.started = [jobs, intervalMs]),
    present: async (updates) => {
      let last: WatchSnapshot | undefined
      for await (const update of updates) {
        told.updates++
        last = update.snapshot
      }
      return last
    },
    ended: (outcome, interrupted) => void (told.ended = { outcome, interrupted }),
    event: () => assert.fail('watch creates nothing'),
    diagnostics: () => assert.fail('followJobs returns its diagnostics'),
    nothing: () => assert.fail('there are jobs to follow'),
    logLine: () => assert.fail('no logs were asked for'),
    tuningLogs: () => assert.fail('no logs were asked for'),
  }
  return { view, told }
}

const targets = (...names: string[]): WatchTarget[] => names.map((name) => ({ address: `sagemaker_training_job.${name}`, type: 'sagemaker_training_job', name }))

describe('the wait (services/wait/follow.ts)', () => {
  it('ends "completed" when every job Completed, having told the view when it started and how it ended', async () => {
    const { view, told } = recordingView()
    const followed = await followJobs(scriptedApi({ a: 'Completed', b: 'Completed' }), targets('a', 'b'), { view, intervalMs: 100 })
    assert.equal(followed.end, 'completed')
    assert.equal(followed.error, undefined)
    assert.deepEqual(told.started, [2, 100])
    assert.deepEqual({ completed: told.ended?.outcome.completed, interrupted: told.ended?.interrupted }, { completed: 2, interrupted: false })
    assert.deepEqual([followed.wait.all_completed, followed.wait.interrupted], [true, false])
    assert.deepEqual(followed.wait.jobs.map((j) => [j.name, j.status]), [['a', 'Completed'], ['b', 'Completed']])
  })

  it('ends "not-completed" when a job ended otherwise', async () => {
    const { view, told } = recordingView()
    const followed = await followJobs(scriptedApi({ a: 'Completed', b: 'Failed' }), targets('a', 'b'), { view, intervalMs: 100 })
    assert.equal(followed.end, 'not-completed')
    assert.equal(followed.wait.all_completed, false)
    assert.deepEqual(told.ended?.outcome.others.map((j) => j.name), ['b'])
  })

  it('ends "failed" with one diagnostic when SageMaker refuses Describe, and tells the view no outcome', async () => {
    const { view, told } = recordingView()
    const denied = new SageMakerError('AccessDeniedException', 'not authorized to perform: sagemaker:DescribeTrainingJob', { retryable: false })
    const followed = await followJobs(scriptedApi({ a: denied }), targets('a'), { view, intervalMs: 100 })
    assert.equal(followed.end, 'failed')
    assert.equal(followed.error?.summary, 'Cannot follow the jobs')
    assert.match(followed.error?.detail ?? '', /SageMaker refused Describe: AccessDeniedException/)
    assert.equal(told.ended, undefined)
    assert.equal(followed.wait.all_completed, false)
  })

  it('listens for Ctrl-C only while it waits', async () => {
    const before = process.listenerCount('SIGINT')
    let during = 0
    const { view } = recordingView()
    const present = view.present
    view.present = (updates, interrupted) => {
      during = process.listenerCount('SIGINT')
      return present(updates, interrupted)
    }
    await followJobs(scriptedApi({ a: 'Completed' }), targets('a'), { view, intervalMs: 100 })
    assert.equal(during, before + 1)
    assert.equal(process.listenerCount('SIGINT'), before)
  })
})

// The ink live view of watch / apply --wait, rendered with ink-testing-library at a fixed clock and spinner frame.
// Written with createElement rather than JSX so that mocha's .ts-only configuration runs it.
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { render } from 'ink-testing-library'
import { createElement } from 'react'
import type { JobSnapshot, WatchSnapshot, WatchUpdate } from '../src/watch/model.js'
import { SPINNER, WatchView, liveElapsed, type WatchViewProps } from '../src/ui/live/view.js'
import { makeStyle } from '../src/ui/style.js'
import { presentWatch } from '../src/ui/watch.js'

const strip = (s: string | undefined) => (s ?? '').replace(/\u001b\[[?0-9;]*[A-Za-z]/g, '')
const NOW = Date.parse('2026-11-23T12:00:00.000Z')

const training = (extra: Partial<JobSnapshot> = {}): JobSnapshot => ({
  address: 'sagemaker_training_job.churn',
  type: 'sagemaker_training_job',
  name: 'churn-1a2b3c4d',
  status: 'InProgress',
  secondaryStatus: 'Training',
  observedAt: NOW - 4000,
  elapsedMs: 125_000,
  ...extra,
})
const tuning = (extra: Partial<JobSnapshot> = {}): JobSnapshot => ({
  address: 'sagemaker_hyperparameter_tuning_job.hpo',
  type: 'sagemaker_hyperparameter_tuning_job',
  name: 'hpo-5e6f7a8b',
  status: 'InProgress',
  observedAt: NOW,
  elapsedMs: 600_000,
  counters: { completed: 5, inProgress: 2, stoppedEarly: 1, failed: 0, max: 12 },
  best: { job: 'hpo-5e6f7a8b-004-0a1b2c3d', metric: 'validation:auc', value: 0.9123456 },
  ...extra,
})
const snapshot = (jobs: JobSnapshot[], extra: Partial<WatchSnapshot> = {}): WatchSnapshot => ({ jobs, at: NOW, intervalMs: 5000, throttled: false, done: false, ...extra })

function frame(props: WatchViewProps): string {
  const { lastFrame, unmount } = render(createElement(WatchView, props))
  const text = strip(lastFrame())
  unmount()
  return text
}

describe('live view (ink)', () => {
  it('draws a row per job with spinner, status, secondary status and elapsed time, and a tuning job\'s progress', () => {
    assert.equal(
      frame({ snapshot: snapshot([training(), tuning()]), now: NOW, frame: 3 }),
      [
        '⠸ sagemaker_training_job.churn            churn-1a2b3c4d InProgress Training 2m9s',
        '⠸ sagemaker_hyperparameter_tuning_job.hpo hpo-5e6f7a8b   InProgress          10m',
        '    ████████████░░░░░░░░░░░░ 6/12   5 completed · 2 in progress · 1 stopped early · 0 failed',
        '    best validation:auc = 0.912346 (hpo-5e6f7a8b-004-0a1b2c3d)',
        '2 of 2 jobs running · polling every 5s · Ctrl-C stops watching, not the jobs',
      ].join('\n'),
    )
  })

  it('turns the spinner frame by frame', () => {
    const marks = [0, 1, 2, SPINNER.length].map((f) => frame({ snapshot: snapshot([training()]), now: NOW, frame: f })[0])
    assert.deepEqual(marks, [SPINNER[0], SPINNER[1], SPINNER[2], SPINNER[0]])
  })

  it('marks finished jobs, shows why one failed, and drops the footer once everything has finished', () => {
    const jobs = [
      training({ status: 'Completed', secondaryStatus: 'Completed', elapsedMs: 362_000 }),
      training({ address: 'sagemaker_training_job.broken', name: 'broken-9f8e7d6c', status: 'Failed', secondaryStatus: 'Failed', failureReason: 'AlgorithmError: boom', elapsedMs: 90_000 }),
      tuning({ status: 'Stopped', counters: { completed: 3, inProgress: 0, stoppedEarly: 2, failed: 1, max: 12 }, best: undefined }),
    ]
    assert.equal(
      frame({ snapshot: snapshot(jobs, { done: true }), now: NOW + 60_000, frame: 7 }),
      [
        '✔ sagemaker_training_job.churn            churn-1a2b3c4d  Completed 6m2s',
        '✖ sagemaker_training_job.broken           broken-9f8e7d6c Failed    1m30s',
        '    AlgorithmError: boom',
        '■ sagemaker_hyperparameter_tuning_job.hpo hpo-5e6f7a8b    Stopped   10m',
        '    ████████████░░░░░░░░░░░░ 6/12   3 completed · 0 in progress · 2 stopped early · 1 failed',
        '    best: no objective reported yet',
      ].join('\n'),
    )
  })

  it('shows jobs not described yet, a tuning job without a maximum, and a throttled footer', () => {
    const text = frame({
      snapshot: snapshot([training({ status: 'Pending', secondaryStatus: undefined, elapsedMs: undefined }), tuning({ counters: { completed: 1, inProgress: 1, stoppedEarly: 0, failed: 0 } })], { throttled: true, intervalMs: 20_000 }),
      now: NOW,
      frame: 0,
    })
    const lines = text.split('\n')
    assert.match(lines[0]!, /^⠋ sagemaker_training_job\.churn +churn-1a2b3c4d Describing…$/)
    assert.equal(lines[2], '    training jobs: 1 completed · 1 in progress · 0 stopped early · 0 failed')
    assert.match(lines.at(-1)!, /^2 of 2 jobs running · polling every 20s · backing off/)
  })

  it('stops the spinners of jobs still running when the watch was interrupted', () => {
    const text = frame({ snapshot: snapshot([training()]), now: NOW, frame: 1, stopped: true })
    assert.equal(text, '· sagemaker_training_job.churn churn-1a2b3c4d InProgress Training 2m9s')
  })

  it('runs a running job\'s elapsed time on the local clock between two answers, and freezes a finished one', () => {
    assert.equal(liveElapsed(training(), NOW + 10_000), '2m19s')
    assert.equal(liveElapsed(training({ status: 'Completed' }), NOW + 10_000), '2m5s')
    assert.equal(liveElapsed(training({ elapsedMs: undefined }), NOW), '')
  })

  it('is mounted by presentWatch on a terminal, updated per tick, and leaves the last frame on screen', async () => {
    class Terminal extends EventEmitter {
      columns = 120
      rows = 40
      isTTY = true
      output = ''
      write(chunk: string) {
        this.output += chunk
        return true
      }
    }
    const stdout = new Terminal()
    async function* updates(): AsyncGenerator<WatchUpdate> {
      yield { snapshot: snapshot([training({ status: 'Pending', secondaryStatus: undefined, elapsedMs: undefined })]), events: [] }
      yield { snapshot: snapshot([training()]), events: [] }
      yield { snapshot: snapshot([training({ status: 'Completed', secondaryStatus: 'Completed' })], { done: true }), events: [] }
    }
    const lines: string[] = []
    const last = await presentWatch(updates(), { live: true, style: makeStyle(true), write: (line) => lines.push(line), stdout: stdout as unknown as NodeJS.WriteStream })
    assert.equal(last?.done, true)
    assert.deepEqual(lines, [], 'no plain lines while the live view draws')
    assert.match(strip(stdout.output), /✔ sagemaker_training_job\.churn churn-1a2b3c4d Completed 2m5s\s*$/)
  })
})

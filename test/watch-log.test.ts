// The plain watch log (off a terminal, in CI, --no-color): exact lines, one per event.
import assert from 'node:assert/strict'
import type { JobSnapshot, WatchEvent, WatchSnapshot, WatchUpdate } from '../src/watch/model.js'
import { terminalSafe } from '../src/ui/escape.js'
import { makeStyle } from '../src/ui/style.js'
import { formatCounters, formatInterval, formatObjective, renderWatchEvent, renderWatchHeader, renderWatchSummary } from '../src/ui/watch-log.js'
import { inCI, presentWatch, wantsLiveView } from '../src/ui/watch.js'

const plain = makeStyle(false)
const at = Date.parse('2026-11-23T12:34:56.789Z')
const TRAINING = { address: 'sagemaker_training_job.churn', name: 'churn-1a2b3c4d' }
const TUNING = { address: 'sagemaker_hyperparameter_tuning_job.hpo', name: 'hpo-5e6f7a8b' }
const counters = { completed: 3, inProgress: 2, stoppedEarly: 1, failed: 0, max: 20 }

describe('watch log: one plain line per event', () => {
  const cases: Array<[WatchEvent, string]> = [
    [
      { kind: 'found', ...TRAINING, at, type: 'sagemaker_training_job', status: 'InProgress', secondaryStatus: 'Starting', message: 'Preparing the instances for training', elapsedMs: 65_000 },
      '12:34:56 sagemaker_training_job.churn: churn-1a2b3c4d InProgress, Starting (Preparing the instances for training) [1m5s]',
    ],
    [
      { kind: 'found', ...TUNING, at, type: 'sagemaker_hyperparameter_tuning_job', status: 'InProgress', counters, elapsedMs: 3_723_000 },
      '12:34:56 sagemaker_hyperparameter_tuning_job.hpo: hpo-5e6f7a8b InProgress, training jobs: 3 completed, 2 in progress, 1 stopped early, 0 failed of 20 [1h2m]',
    ],
    [{ kind: 'found', ...TRAINING, at, type: 'sagemaker_training_job', status: 'Completed', secondaryStatus: 'Completed', message: 'Training job completed' }, '12:34:56 sagemaker_training_job.churn: churn-1a2b3c4d Completed'],
    [
      { kind: 'found', ...TRAINING, at, type: 'sagemaker_training_job', status: 'Failed', secondaryStatus: 'Failed', elapsedMs: 90_000, failureReason: 'AlgorithmError: boom' },
      '12:34:56 sagemaker_training_job.churn: churn-1a2b3c4d Failed [1m30s]: AlgorithmError: boom',
    ],
    [{ kind: 'secondary', ...TRAINING, at, from: 'Starting', to: 'Downloading', message: 'Downloading input data' }, '12:34:56 sagemaker_training_job.churn: Starting → Downloading (Downloading input data)'],
    [{ kind: 'secondary', ...TRAINING, at, from: 'Starting', to: 'Starting', message: 'Launching requested ML instances' }, '12:34:56 sagemaker_training_job.churn: Starting (Launching requested ML instances)'],
    [{ kind: 'secondary', ...TRAINING, at, to: 'Training' }, '12:34:56 sagemaker_training_job.churn: Training'],
    [{ kind: 'counters', ...TUNING, at, counters: { ...counters, max: undefined } }, '12:34:56 sagemaker_hyperparameter_tuning_job.hpo: training jobs: 3 completed, 2 in progress, 1 stopped early, 0 failed of ?'],
    [{ kind: 'best', ...TUNING, at, best: { job: 'hpo-5e6f7a8b-007-0a1b2c3d', metric: 'validation:auc', value: 0.912345678 } }, '12:34:56 sagemaker_hyperparameter_tuning_job.hpo: best validation:auc = 0.912346 (hpo-5e6f7a8b-007-0a1b2c3d)'],
    [{ kind: 'status', ...TRAINING, at, from: 'InProgress', to: 'Completed', elapsedMs: 362_000 }, '12:34:56 sagemaker_training_job.churn: InProgress → Completed after 6m2s'],
    [{ kind: 'status', ...TRAINING, at, from: 'InProgress', to: 'Failed', failureReason: 'AlgorithmError: boom', elapsedMs: 90_000 }, '12:34:56 sagemaker_training_job.churn: InProgress → Failed after 1m30s: AlgorithmError: boom'],
    [{ kind: 'status', ...TRAINING, at, from: 'InProgress', to: 'Stopping' }, '12:34:56 sagemaker_training_job.churn: InProgress → Stopping'],
    [{ kind: 'missing', ...TRAINING, at }, '12:34:56 sagemaker_training_job.churn: churn-1a2b3c4d not found in SageMaker'],
    [{ kind: 'error', ...TRAINING, at, message: 'InternalFailure: An internal error occurred.' }, '12:34:56 sagemaker_training_job.churn: Describe failed (InternalFailure: An internal error occurred.); trying again'],
    [{ kind: 'backoff', reason: 'throttled', intervalMs: 20_000, at }, '12:34:56 SageMaker is throttling Describe calls: polling every 20s'],
    [{ kind: 'backoff', reason: 'error', intervalMs: 10_000, at }, '12:34:56 a Describe call failed: polling every 10s'],
  ]
  for (const [event, line] of cases) {
    it(`${event.kind}: ${line.slice(9, 70)}…`, () => assert.equal(renderWatchEvent(event, plain), line))
  }

  it('never moves the cursor: no escape sequence at all without colour, and colour only as SGR codes', () => {
    for (const [event] of cases) {
      assert.doesNotMatch(renderWatchEvent(event, plain), /\u001b/)
      assert.doesNotMatch(terminalSafe(renderWatchEvent(event, makeStyle(true)), true).replace(/\u001b\[\d+m/g, ''), /\u001b/)
    }
  })
})

describe('watch log: header, summary and formats', () => {
  const job = (status: string, failureReason?: string): JobSnapshot => ({ ...TRAINING, type: 'sagemaker_training_job', status, ...(failureReason ? { failureReason } : {}) })

  it('says what it waits for', () => {
    assert.equal(renderWatchHeader(3, 5000, plain), 'Waiting for 3 jobs to finish (polling every 5s; Ctrl-C stops watching, not the jobs).')
    assert.equal(renderWatchHeader(1, 250, plain), 'Waiting for 1 job to finish (polling every 250ms; Ctrl-C stops watching, not the jobs).')
  })

  it('sums up: all completed, or which did not and why, or an interrupted watch', () => {
    assert.equal(renderWatchSummary({ total: 2, completed: 2, others: [], allCompleted: true }, plain), 'All 2 jobs completed.')
    assert.equal(
      renderWatchSummary({ total: 3, completed: 1, others: [job('Failed', 'AlgorithmError: boom'), job('Stopped')], allCompleted: false }, plain),
      ['2 of 3 jobs did not complete:', '  sagemaker_training_job.churn: churn-1a2b3c4d Failed: AlgorithmError: boom', '  sagemaker_training_job.churn: churn-1a2b3c4d Stopped'].join('\n'),
    )
    assert.equal(
      renderWatchSummary({ total: 2, completed: 1, others: [job('InProgress')], allCompleted: false }, plain, true),
      'Stopped watching: 1 of 2 jobs completed, 1 still running in SageMaker (sageform watch picks them up again).',
    )
  })

  it('formats durations, intervals, counters and objective values', () => {
    assert.deepEqual([250, 5000, 2500, 90_000].map(formatInterval), ['250ms', '5s', '2.5s', '1m30s'])
    assert.equal(formatCounters(counters), '3 completed, 2 in progress, 1 stopped early, 0 failed of 20')
    assert.deepEqual([0.93, 0.1 + 0.2, 12, 1234.56789].map(formatObjective), ['0.93', '0.3', '12', '1234.57'])
  })
})

describe('watch presentation: plain lines or the live view', () => {
  it('draws live only on a TTY, with colour, outside CI', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream
    assert.equal(wantsLiveView(true, tty, {}), true)
    assert.equal(wantsLiveView(false, tty, {}), false, '--no-color, NO_COLOR or TERM=dumb (all folded into colour)')
    assert.equal(wantsLiveView(true, { isTTY: false } as NodeJS.WriteStream, {}), false)
    assert.equal(wantsLiveView(true, tty, { CI: 'true' }), false)
    assert.equal(wantsLiveView(true, tty, { GITHUB_ACTIONS: 'true', CI_COMMIT_SHA: 'abc' }), false)
    assert.equal(wantsLiveView(true, tty, { CI: 'false' }), true)
    assert.equal(inCI({ CONTINUOUS_INTEGRATION: '1' }), true)
  })

  it('prints every event of every update, in order, and returns the last snapshot', async () => {
    const snapshot = (done: boolean): WatchSnapshot => ({ jobs: [], at, intervalMs: 5000, throttled: false, done })
    async function* updates(): AsyncGenerator<WatchUpdate> {
      yield { snapshot: snapshot(false), events: [] }
      yield { snapshot: snapshot(false), events: [{ kind: 'secondary', ...TRAINING, at, from: 'Starting', to: 'Training' }, { kind: 'backoff', reason: 'throttled', intervalMs: 10_000, at }] }
      yield { snapshot: snapshot(true), events: [{ kind: 'status', ...TRAINING, at, from: 'InProgress', to: 'Completed', elapsedMs: 1000 }] }
    }
    const lines: string[] = []
    const last = await presentWatch(updates(), { live: false, style: plain, write: (line) => lines.push(line) })
    assert.deepEqual(lines, [
      '12:34:56 sagemaker_training_job.churn: Starting → Training',
      '12:34:56 SageMaker is throttling Describe calls: polling every 10s',
      '12:34:56 sagemaker_training_job.churn: InProgress → Completed after 1s',
    ])
    assert.equal(last?.done, true)
  })
})

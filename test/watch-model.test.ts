// The pure part of watch: Describe answers → snapshots → the events between two snapshots, no network.
import assert from 'node:assert/strict'
import type { DescribeHyperParameterTuningJobResponse, DescribeTrainingJobResponse } from '../src/sagemaker/types.js'
import { diffJob, isTerminal, jobJson, pendingSnapshot, snapshotOf, tuningProgress, watchOutcome, type JobSnapshot, type WatchTarget } from '../src/watch/model.js'
import { renderWatchEvent } from '../src/ui/watch-log.js'
import { makeStyle } from '../src/ui/style.js'

const plain = makeStyle(false)

const T0 = Date.parse('2026-11-23T12:00:00.000Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000)
const TRAINING: WatchTarget = { address: 'sagemaker_training_job.churn', type: 'sagemaker_training_job', name: 'churn-1a2b3c4d' }
const TUNING: WatchTarget = { address: 'sagemaker_hyperparameter_tuning_job.hpo', type: 'sagemaker_hyperparameter_tuning_job', name: 'hpo-5e6f7a8b' }

const PHASES: Array<[string, string]> = [
  ['Starting', 'Preparing the instances for training'],
  ['Downloading', 'Downloading input data'],
  ['Training', 'Training image download completed. Training in progress.'],
  ['Uploading', 'Uploading generated training model'],
  ['Completed', 'Training job completed'],
]

/** A training job that has reached phase `upTo` (index into PHASES), each phase 60 s long. */
function training(upTo: number, extra: Partial<DescribeTrainingJobResponse> = {}): DescribeTrainingJobResponse {
  const transitions = PHASES.slice(0, upTo + 1).map(([Status, StatusMessage], i) => ({ Status, StatusMessage, StartTime: at(i * 60), ...(i < upTo ? { EndTime: at((i + 1) * 60) } : {}) }))
  const done = PHASES[upTo]![0] === 'Completed'
  return {
    TrainingJobName: TRAINING.name,
    TrainingJobStatus: done ? 'Completed' : 'InProgress',
    SecondaryStatus: PHASES[upTo]![0],
    CreationTime: at(0),
    LastModifiedTime: at(upTo * 60),
    ...(done ? { TrainingEndTime: at(upTo * 60) } : {}),
    SecondaryStatusTransitions: transitions,
    ...extra,
  } as DescribeTrainingJobResponse
}

function tuning(counters: { Completed?: number; InProgress?: number; Stopped?: number; NonRetryableError?: number; RetryableError?: number }, extra: Partial<DescribeHyperParameterTuningJobResponse> = {}): DescribeHyperParameterTuningJobResponse {
  return {
    HyperParameterTuningJobName: TUNING.name,
    HyperParameterTuningJobStatus: 'InProgress',
    CreationTime: at(0),
    LastModifiedTime: at(100),
    HyperParameterTuningJobConfig: { Strategy: 'Bayesian', ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 4 } },
    TrainingJobStatusCounters: { Completed: 0, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0, ...counters },
    ...extra,
  } as DescribeHyperParameterTuningJobResponse
}

function best(job: string, value: number): Partial<DescribeHyperParameterTuningJobResponse> {
  return { BestTrainingJob: { TrainingJobName: job, TrainingJobArn: `arn:${job}`, CreationTime: at(0), TrainingJobStatus: 'Completed', TunedHyperParameters: {}, FinalHyperParameterTuningJobObjectiveMetric: { Type: 'Maximize', MetricName: 'validation:auc', Value: value } } }
}

describe('watch model: snapshots of Describe answers', () => {
  it('reads a training job: status, secondary status, its message, the transitions and the elapsed time', () => {
    const s = snapshotOf(TRAINING, training(2), T0 + 150_000)
    assert.equal(s.status, 'InProgress')
    assert.equal(s.secondaryStatus, 'Training')
    assert.equal(s.message, 'Training image download completed. Training in progress.')
    assert.deepEqual(s.transitions?.map((t) => t.status), ['Starting', 'Downloading', 'Training'])
    assert.equal(s.elapsedMs, 150_000, 'running: the local clock, 150 s after creation')
    assert.equal(s.observedAt, T0 + 150_000)
  })

  it('takes a finished job\'s own duration, and a service clock running ahead of the local one while it runs', () => {
    assert.equal(snapshotOf(TRAINING, training(4), T0 + 999_000).elapsedMs, 240_000)
    // The local endpoint's simulated clock runs ahead: its timestamps, not the local clock, say how long the job ran.
    assert.equal(snapshotOf(TRAINING, training(3), T0 + 5_000).elapsedMs, 180_000)
  })

  it('reads a tuning job: counters (failed = retryable + non-retryable), the maximum, the best job so far', () => {
    const s = snapshotOf(TUNING, tuning({ Completed: 5, InProgress: 4, Stopped: 2, NonRetryableError: 1, RetryableError: 1 }, { ...best('hpo-5e6f7a8b-003-aaaaaaaa', 0.91), ConsumedResources: { RuntimeInSeconds: 600 } }), T0 + 60_000)
    assert.deepEqual(s.counters, { completed: 5, inProgress: 4, stoppedEarly: 2, failed: 2, max: 20 })
    assert.deepEqual(s.best, { job: 'hpo-5e6f7a8b-003-aaaaaaaa', metric: 'validation:auc', value: 0.91, goal: 'Maximize' })
    assert.equal(s.elapsedMs, 600_000, 'ConsumedResources.RuntimeInSeconds is later than the local clock')
    assert.equal(s.secondaryStatus, undefined)
  })

  it('a warm start\'s best is OverallBestTrainingJob, saying which parent launched it', () => {
    const own = best('hpo-5e6f7a8b-003-aaaaaaaa', 0.91).BestTrainingJob!
    const parent = { ...best('parent-1-007-bbbbbbbb', 0.95).BestTrainingJob!, TuningJobName: 'parent-1' }
    const warm = snapshotOf(TUNING, tuning({ Completed: 5 }, { BestTrainingJob: { ...own, TuningJobName: TUNING.name }, OverallBestTrainingJob: parent }), T0)
    assert.deepEqual(warm.best, { job: 'parent-1-007-bbbbbbbb', metric: 'validation:auc', value: 0.95, goal: 'Maximize', tuningJob: 'parent-1' })
    assert.match(renderWatchEvent({ kind: 'best', address: TUNING.address, name: TUNING.name, best: warm.best!, at: T0 }, plain), /best validation:auc = 0\.95 \(parent-1-007-bbbbbbbb, from parent parent-1\)$/)
    assert.deepEqual(jobJson(warm).best, { job: 'parent-1-007-bbbbbbbb', metric: 'validation:auc', value: 0.95, tuning_job: 'parent-1' })
    const ownBest = snapshotOf(TUNING, tuning({ Completed: 5 }, { BestTrainingJob: { ...own, TuningJobName: TUNING.name }, OverallBestTrainingJob: { ...own, TuningJobName: TUNING.name } }), T0)
    assert.equal(ownBest.best?.tuningJob, undefined, 'its own training job needs no parent named')
  })

  it('marks a job SageMaker does not know as NotFound, which is terminal', () => {
    const s = snapshotOf(TRAINING, undefined, T0)
    assert.equal(s.status, 'NotFound')
    assert.ok(isTerminal(s))
    assert.ok(!isTerminal(pendingSnapshot(TRAINING)))
    for (const status of ['Completed', 'Failed', 'Stopped']) assert.ok(isTerminal({ status }))
    for (const status of ['InProgress', 'Stopping', 'Deleting']) assert.ok(!isTerminal({ status }))
  })
})

describe('watch model: events between two snapshots', () => {
  const snap = (d: DescribeTrainingJobResponse | DescribeHyperParameterTuningJobResponse | undefined, target = TRAINING) => snapshotOf(target, d, T0)

  it('announces a job on its first answer, with its tuning counters and best job', () => {
    assert.deepEqual(diffJob(pendingSnapshot(TRAINING), snap(training(0)), T0), [
      { kind: 'found', address: TRAINING.address, name: TRAINING.name, at: T0, type: 'sagemaker_training_job', status: 'InProgress', secondaryStatus: 'Starting', message: 'Preparing the instances for training', elapsedMs: 0 },
    ])
    const events = diffJob(pendingSnapshot(TUNING), snap(tuning({ InProgress: 2 }, best('b-1', 0.5)), TUNING), T0)
    assert.deepEqual(events.map((e) => e.kind), ['found', 'best'])
    assert.deepEqual((events[0] as { counters: unknown }).counters, { completed: 0, inProgress: 2, stoppedEarly: 0, failed: 0, max: 20 })
  })

  it('reports every secondary status a poll missed, in order, then the status change last', () => {
    const events = diffJob(snap(training(0)), snap(training(4)), T0)
    assert.deepEqual(
      events.map((e) => (e.kind === 'secondary' ? `${e.from}→${e.to}` : e.kind === 'status' ? `status ${e.from}→${e.to} ${e.elapsedMs}` : e.kind)),
      ['Starting→Downloading', 'Downloading→Training', 'Training→Uploading', 'Uploading→Completed', 'status InProgress→Completed 240000'],
    )
  })

  it('reports a changed message of the same secondary status', () => {
    const launching = training(0, { SecondaryStatusTransitions: [{ Status: 'Starting', StatusMessage: 'Launching requested ML instances', StartTime: at(0) }] })
    const events = diffJob(snap(launching), snap(training(0)), T0)
    assert.deepEqual(events, [{ kind: 'secondary', address: TRAINING.address, name: TRAINING.name, at: T0, from: 'Starting', to: 'Starting', message: 'Preparing the instances for training' }])
  })

  it('falls back on SecondaryStatus when the answer lists no transitions', () => {
    const bare = (status: string) => snap(training(0, { SecondaryStatus: status as never, SecondaryStatusTransitions: [] }))
    assert.deepEqual(diffJob(bare('Starting'), bare('Training'), T0).map((e) => (e.kind === 'secondary' ? `${e.from}→${e.to}` : e.kind)), ['Starting→Training'])
    assert.deepEqual(diffJob(bare('Training'), bare('Training'), T0), [])
  })

  it('reports nothing when nothing changed', () => {
    assert.deepEqual(diffJob(snap(training(2)), snap(training(2)), T0), [])
    assert.deepEqual(diffJob(snap(tuning({ InProgress: 2 }), TUNING), snap(tuning({ InProgress: 2 }), TUNING), T0), [])
  })

  it('reports counter changes, a new best job or value, and a failure with its reason', () => {
    const before = snap(tuning({ InProgress: 2 }, best('b-1', 0.5)), TUNING)
    const after = snap(tuning({ Completed: 1, NonRetryableError: 1, InProgress: 0 }, { ...best('b-2', 0.7), HyperParameterTuningJobStatus: 'Failed', FailureReason: 'All training jobs failed.', HyperParameterTuningEndTime: at(300) }), TUNING)
    const events = diffJob(before, after, T0)
    assert.deepEqual(events.map((e) => e.kind), ['counters', 'best', 'status'])
    assert.deepEqual(events[2], { kind: 'status', address: TUNING.address, name: TUNING.name, at: T0, from: 'InProgress', to: 'Failed', failureReason: 'All training jobs failed.', elapsedMs: 300_000 })
    const sameJobBetter = snap(tuning({ InProgress: 2 }, best('b-1', 0.6)), TUNING)
    assert.deepEqual(diffJob(before, sameJobBetter, T0).map((e) => e.kind), ['best'])
  })

  it('reports a job that disappeared once', () => {
    const gone = snap(undefined)
    assert.deepEqual(diffJob(snap(training(1)), gone, T0), [{ kind: 'missing', address: TRAINING.address, name: TRAINING.name, at: T0 }])
    assert.deepEqual(diffJob(gone, gone, T0), [])
  })
})

describe('watch model: progress, outcome and JSON', () => {
  it('counts finished training jobs of the maximum, and has no progress without a maximum', () => {
    assert.equal(tuningProgress({ completed: 3, inProgress: 2, stoppedEarly: 1, failed: 1, max: 10 }), 0.5)
    assert.equal(tuningProgress({ completed: 3, inProgress: 0, stoppedEarly: 0, failed: 0 }), undefined)
  })

  it('is all-completed only when every job is Completed', () => {
    const job = (status: string): JobSnapshot => ({ ...TRAINING, status })
    assert.deepEqual(watchOutcome([job('Completed'), job('Completed')]), { total: 2, completed: 2, others: [], allCompleted: true })
    const mixed = watchOutcome([job('Completed'), job('Failed'), job('Stopped')])
    assert.equal(mixed.allCompleted, false)
    assert.deepEqual(mixed.others.map((j) => j.status), ['Failed', 'Stopped'])
  })

  it('writes snake_case JSON with whole seconds', () => {
    const s = snapshotOf(TUNING, tuning({ Completed: 20 }, { ...best('b-9', 0.93), HyperParameterTuningJobStatus: 'Completed', HyperParameterTuningEndTime: at(1234.4) }), T0)
    assert.deepEqual(jobJson(s), {
      address: TUNING.address,
      type: 'sagemaker_hyperparameter_tuning_job',
      name: TUNING.name,
      status: 'Completed',
      elapsed_seconds: 1234,
      training_jobs: { completed: 20, in_progress: 0, stopped_early: 0, failed: 0, max: 20 },
      best: { job: 'b-9', metric: 'validation:auc', value: 0.93 },
    })
  })
})

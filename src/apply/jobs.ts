// Training and tuning jobs share one lifecycle (create, describe, stop, delete) behind differently named operations and
// fields; the actions program against JobOps so that each step is written once for both kinds.
import { setTimeout as sleep } from 'node:timers/promises'
import { RUNNING_STATUSES } from '../planner/planner.js'
import { isResourceNotFound, type CreateHyperParameterTuningJobRequest, type CreateTrainingJobRequest, type SageMakerApi } from '../sagemaker/types.js'
import type { ResourceType } from '../model/state.js'
import type { WaitOptions } from './types.js'
import { jobFamily, RESOURCE_TYPES } from '../config/module.js'

/** What Describe says about a job, in the state file's terms. */
export interface LiveJob {
  name: string
  arn: string
  status: string
  created_at?: string
  ended_at?: string
  failure_reason?: string
}

/** For messages. */
export const NOUN = Object.fromEntries(RESOURCE_TYPES.map((t) => [t, jobFamily(t) === 'training' ? 'training job' : 'tuning job'])) as Record<ResourceType, string>

export interface JobOps {
  noun: string
  /** The Create request member holding the job name. */
  nameMember: 'TrainingJobName' | 'HyperParameterTuningJobName'
  /** The AWS CLI command that stops the job by hand, for hints when sageform could not. */
  stopCommand(name: string): string
  create(request: Record<string, unknown>): Promise<{ arn: string }>
  /** Undefined when SageMaker has no job of that name. */
  describe(name: string): Promise<LiveJob | undefined>
  stop(name: string): Promise<void>
  delete(name: string): Promise<void>
}

const iso = (d: Date | undefined) => d?.toISOString()

export function jobOps(api: SageMakerApi, type: ResourceType): JobOps {
  if (jobFamily(type) === 'training') {
    return {
      noun: NOUN[type],
      nameMember: 'TrainingJobName',
      stopCommand: (name) => `aws sagemaker stop-training-job --training-job-name ${name}`,
      create: (request) => api.createTrainingJob(request as unknown as CreateTrainingJobRequest),
      describe: async (name) => {
        const d = await api.describeTrainingJob(name)
        if (!d.found) return undefined
        const j = d.job
        return { name: j.TrainingJobName ?? name, arn: j.TrainingJobArn ?? '', status: j.TrainingJobStatus ?? 'Unknown', created_at: iso(j.CreationTime), ended_at: iso(j.TrainingEndTime), failure_reason: j.FailureReason }
      },
      stop: (name) => api.stopTrainingJob(name),
      delete: (name) => api.deleteTrainingJob(name),
    }
  }
  return {
    noun: NOUN[type],
    nameMember: 'HyperParameterTuningJobName',
    stopCommand: (name) => `aws sagemaker stop-hyper-parameter-tuning-job --hyper-parameter-tuning-job-name ${name}`,
    create: (request) => api.createTuningJob(request as unknown as CreateHyperParameterTuningJobRequest),
    describe: async (name) => {
      const d = await api.describeTuningJob(name)
      if (!d.found) return undefined
      const j = d.job
      return { name: j.HyperParameterTuningJobName ?? name, arn: j.HyperParameterTuningJobArn ?? '', status: j.HyperParameterTuningJobStatus ?? 'Unknown', created_at: iso(j.CreationTime), ended_at: iso(j.HyperParameterTuningEndTime), failure_reason: j.FailureReason }
    },
    stop: (name) => api.stopTuningJob(name),
    delete: (name) => api.deleteTuningJob(name),
  }
}

/**
 * Asks SageMaker to stop a job and returns the status to record: `Stopping`, or the job's own status when it had
 * already finished (Stop refuses a job that is not InProgress, and a plan can be minutes old), or undefined when the job
 * no longer exists. Any other failure is thrown.
 */
export async function requestStop(ops: JobOps, name: string): Promise<string | undefined> {
  try {
    await ops.stop(name)
    return 'Stopping'
  } catch (err) {
    if (isResourceNotFound(err)) return undefined
    const live = await ops.describe(name).catch(() => 'unknown' as const)
    if (live === undefined) return undefined
    if (live !== 'unknown' && live.status !== 'InProgress') return live.status
    throw err
  }
}

export interface Poller {
  /** Describes `name` until `done` holds, backing off between calls; throws WaitTimedOut past the timeout. */
  until(ops: JobOps, name: string, done: (job: LiveJob | undefined) => boolean, what: string): Promise<LiveJob | undefined>
}

export class WaitTimedOut extends Error {
  override readonly name = 'WaitTimedOut'
}

/** `signal`: an interrupted apply stops waiting (the step so far is recorded) rather than wait out the timeout. */
export function poller(options: WaitOptions = {}, clock: () => number = Date.now, signal?: AbortSignal): Poller {
  const initial = options.initialMs ?? 2000
  const max = options.maxMs ?? 30_000
  const timeout = options.timeoutMs ?? 30 * 60_000
  return {
    async until(ops, name, done, what) {
      const deadline = clock() + timeout
      let delay = initial
      for (;;) {
        const job = await ops.describe(name)
        if (done(job)) return job
        if (clock() >= deadline) {
          throw new WaitTimedOut(`Gave up waiting for ${ops.noun} ${name} to ${what} after ${Math.round(timeout / 1000)} s; it is ${job?.status ?? 'gone'}.`)
        }
        if (signal?.aborted) throw new WaitTimedOut(`Stopped waiting for ${ops.noun} ${name} to ${what}: apply was interrupted; it is ${job?.status ?? 'gone'}.`)
        await sleep(Math.min(delay, Math.max(0, deadline - clock())), undefined, signal ? { signal } : {}).catch(() => undefined)
        delay = Math.min(Math.max(delay * 2, 1), max)
      }
    },
  }
}

export const isRunning = (job: LiveJob | undefined) => job !== undefined && RUNNING_STATUSES.has(job.status)

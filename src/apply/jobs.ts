// What apply does with a job through JobOps (src/sagemaker/jobs.ts): ask it to stop, and wait for a status.
import { setTimeout as sleep } from 'node:timers/promises'
import { RUNNING_STATUSES } from '../model/kinds.js'
import type { JobOps, LiveJob } from '../sagemaker/jobs.js'
import { isResourceNotFound } from '../sagemaker/types.js'
import type { WaitOptions } from './types.js'

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
